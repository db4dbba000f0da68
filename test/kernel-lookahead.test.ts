/**
 * The kernel's look-ahead and valuation, checked directly on hand-built moves
 * that the loader would refuse (one target written twice, a chance below 0),
 * so a mistake in restoring the world or clamping a chance cannot hide.
 */
import { describe, expect, it } from 'vitest';
import { createInitialState, type CompiledEffect, type CompiledMove, type GameState } from '@wargame/engine';
import { createRunContext, lookAhead, planTurns, valueMove } from '@wargame/engine/testing';
import { load } from './helpers/scenarios.js';

const scenario = load('test/fixtures/scenarios/two-party.yaml');
const plan = planTurns(scenario);

function state(): GameState {
  const r = createInitialState(scenario, { seed: 'look' });
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

const tension = scenario.indicators.findIndex((i) => i.id === 'tension');
const fixed = (key: string, target: CompiledEffect['target'], value: number, op: 'add' | 'set' = 'add'): CompiledEffect => ({ key, target, op, amount: { kind: 'fixed', value } });

function move(effects: CompiledEffect[], extra: Partial<CompiledMove> = {}): CompiledMove {
  // Party a's first move, with other effects: the plan's affected interests for it still apply.
  return { ...scenario.parties[0]!.moves[0]!, effects, failure: [], ...extra };
}

describe('the look-ahead', () => {
  it('leaves the world exactly as it found it, even when a move writes one target twice (indicator and both orientations of a relation)', () => {
    const s = state();
    const before = JSON.stringify(s);
    const pp = plan.parties[0]!;
    const m = move([
      fixed('tension', { kind: 'indicator', index: tension }, 10),
      fixed('tension', { kind: 'indicator', index: tension }, 5),
      fixed('rel(a,b)', { kind: 'relation', index: 0 }, 10),
      fixed('rel(b,a)', { kind: 'relation', index: 0 }, 5),
    ]);
    const ctx = createRunContext(plan);
    lookAhead(ctx, s, pp, m, m.effects, pp.weights[0]!, ctx.success);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('sees the effects of every write in order (the second add builds on the first)', () => {
    const s = state();
    const pp = plan.parties[0]!;
    const once = move([fixed('tension', { kind: 'indicator', index: tension }, -15)]);
    const twice = move([fixed('tension', { kind: 'indicator', index: tension }, -10), fixed('tension', { kind: 'indicator', index: tension }, -5)]);
    const a = createRunContext(plan);
    const b = createRunContext(plan);
    expect(valueMove(a, s, pp, twice, pp.weights[0]!, null)).toBe(valueMove(b, s, pp, once, pp.weights[0]!, null));
  });
});

describe('the valuation of a risky move', () => {
  it('reads a chance below 0 as 0 and above 1 as 1', () => {
    const s = state();
    const pp = plan.parties[0]!;
    const calm = fixed('tension', { kind: 'indicator', index: tension }, -10);
    const worse = fixed('tension', { kind: 'indicator', index: tension }, 10);
    const risky = (c: number) => move([calm], { failure: [worse], chance: () => c });
    const value = (m: CompiledMove) => valueMove(createRunContext(plan), s, pp, m, pp.weights[0]!, null);
    expect(value(risky(-0.5))).toBe(value(move([worse])));
    expect(value(risky(1.5))).toBe(value(move([calm])));
    expect(value(risky(0.5))).toBeCloseTo((value(move([calm])) + value(move([worse]))) / 2, 12);
  });
});
