/**
 * Whole games: `runGame` plays turn by turn with logs (and recorded inputs);
 * `fastRun` is the batch path, the kernel's turns with no observer and no logs.
 */
import type { CompiledScenario } from '../scenario/compiled.js';
import { createRunContext, playTurn, type RunContext } from './kernel.js';
import { planTurns, type TurnPlan } from './plan.js';
import type { TurnError, TurnInputs } from './inputs.js';
import { evaluateOutcomes, type OutcomeResult } from './outcomes.js';
import { createInitialState, stateHash, type GameState, type InitError, type Params } from './state.js';
import { stepTurn, type StepOptions, type TurnLog } from './step-turn.js';

export interface GameRun {
  seed: string;
  params: Record<string, number>;
  initialHash: string;
  turns: TurnLog[];
  final: GameState;
  outcomes: Record<string, OutcomeResult>;
  finalHash: string;
}

/**
 * Plays from the start until the game ends or `turns` have been played.
 * `inputs(turn)` supplies recorded inputs for 0-based turn index `turn`.
 *
 * @example
 * const r = runGame(scenario, { seed: '42' });
 * if (r.ok) console.log(r.run.outcomes, r.run.finalHash);
 */
export function runGame(
  scenario: CompiledScenario,
  opts: { seed: string; params?: Params; turns?: number; inputs?: (turn: number) => TurnInputs | undefined } & StepOptions,
): { ok: true; run: GameRun } | { ok: false; error: InitError | TurnError; turn?: number } {
  const init = createInitialState(scenario, { seed: opts.seed, ...(opts.params ? { params: opts.params } : {}) });
  if (!init.ok) return init;
  let state = init.state;
  const turns: TurnLog[] = [];
  const limit = opts.turns ?? Infinity;
  while (!state.ended && turns.length < limit) {
    const r = stepTurn(scenario, state, opts.inputs?.(state.turn) ?? {}, { ...(opts.driver ? { driver: opts.driver } : {}), ...(opts.hash === false ? { hash: false } : {}) });
    if (!r.ok) return { ok: false, error: r.error, turn: state.turn };
    state = r.state;
    turns.push(r.log);
  }
  return {
    ok: true,
    run: {
      seed: opts.seed,
      params: Object.fromEntries(scenario.parameters.map((p, i) => [p.id, state.params[i]!])),
      initialHash: stateHash(init.state),
      turns,
      final: state,
      outcomes: evaluateOutcomes(scenario, state),
      finalHash: stateHash(state),
    },
  };
}

/** A plan for many fast runs (build once per worker, reuse for every run); the same as `planTurns`. */
export type FastPlan = TurnPlan;
export const prepareFastRun = planTurns;

/**
 * Plays a whole computer-only game and returns the final state, identical to
 * `runGame(scenario, { seed, params })`'s `final` — the same kernel, without
 * observers, logs, input checks or state hashes. With `followHistoryUntil`
 * (an absolute month), every turn before that month follows the history track
 * (as `{ history: true }` does), and the computer plays from there.
 *
 * @example
 * const plan = prepareFastRun(scenario);
 * const r = fastRun(plan, { seed: '42.0' });
 * if (r.ok) evaluateOutcomes(scenario, r.state);
 */
export function fastRun(
  plan: TurnPlan,
  opts: {
    seed: string;
    params?: Params;
    followHistoryUntil?: number;
    turns?: number;
    context?: RunContext;
    /** Sees the state after each turn (a batch's per-turn series); must not change it. */
    onTurn?: (state: Readonly<GameState>) => void;
  },
): { ok: true; state: GameState } | { ok: false; error: InitError } {
  const init = createInitialState(plan.scenario, opts);
  if (!init.ok) return init;
  const s = init.state;
  // A caller playing many runs one after another (a batch worker) may pass one context for all of them.
  const ctx = opts.context ?? createRunContext(plan);
  const until = opts.followHistoryUntil ?? -Infinity;
  // `turns`: stop after that many turns (a run compared with a game that stopped early).
  const last = opts.turns ?? Infinity;
  const onTurn = opts.onTurn;
  while (!s.ended && s.turn < last) {
    playTurn(ctx, s, s.month < until);
    onTurn?.(s);
  }
  return { ok: true, state: s };
}
