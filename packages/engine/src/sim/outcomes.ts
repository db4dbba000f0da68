/** Outcomes: the named measures of a run, evaluated on its final state. */
import type { CompiledScenario } from '../scenario/compiled.js';
import { finite } from './effects.js';
import type { GameState } from './state.js';

export type OutcomeValue = boolean | string | number;

export interface OutcomeResult {
  value: OutcomeValue;
  /** For `over: ever` booleans: the first turn after which it held. */
  firstTurn?: number;
}

/** Evaluates every outcome of the scenario on a state (normally the final one). */
export function evaluateOutcomes(scenario: CompiledScenario, s: GameState): Record<string, OutcomeResult> {
  const out: Record<string, OutcomeResult> = {};
  for (const o of scenario.outcomes) {
    switch (o.type) {
      case 'boolean':
        if (o.over === 'ever') {
          const first = s.ever[o.everIndex]!;
          out[o.id] = first >= 0 ? { value: true, firstTurn: first } : { value: false };
        } else out[o.id] = { value: o.when(s) };
        break;
      case 'category':
        out[o.id] = { value: o.cases.find((c) => c.when(s))?.value ?? o.default };
        break;
      case 'number': {
        out[o.id] = { value: Math.round(finite(o.value(s)) * 1e6) / 1e6 };
        break;
      }
    }
  }
  return out;
}
