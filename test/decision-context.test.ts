/**
 * Decisions see the world they act in: `beginTurn` offers each party the moves
 * of the world after the turn's events and posture changes, and every offer is
 * accepted by `resolveTurn`, with the effects it showed.
 */
import { describe, expect, it } from 'vitest';
import {
  availableMoves,
  beginTurn,
  createInitialState,
  resolveTurn,
  stateHash,
  stepTurn,
  type CompiledScenario,
  type DecisionContext,
  type GameState,
  type OfferedEffect,
} from '@wargame/engine';
import { load, shippedIds } from './helpers/scenarios.js';

const scenarios = shippedIds().map((id) => [id, load(`scenarios/${id}`)] as const);

function start(s: CompiledScenario, seed: string): GameState {
  const r = createInitialState(s, { seed });
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

function begin(s: CompiledScenario, state: GameState, inputs: Parameters<typeof beginTurn>[2] = {}): DecisionContext {
  const r = beginTurn(s, state, inputs);
  if (!r.ok) throw new Error(`${r.error.message} (seed ${state.seed}, turn ${state.turn + 1})`);
  return r.context;
}

/** The effects a resolved move applied match what its offer showed: same keys and ops; fixed and expression amounts equal, ranges inside. */
function expectShown(shown: OfferedEffect[], applied: { key: string; op: string; amount: number }[], where: string): void {
  expect(applied.map((e) => `${e.key}/${e.op}`), where).toEqual(shown.map((e) => `${e.key}/${e.op}`));
  shown.forEach((e, i) => {
    const a = applied[i]!.amount;
    if (e.range) {
      expect(a, where).toBeGreaterThanOrEqual(Math.min(...e.range) - 1e-6);
      expect(a, where).toBeLessThanOrEqual(Math.max(...e.range) + 1e-6);
    } else expect(a, where).toBe(e.amount);
  });
}

describe('the decision context', () => {
  for (const [id, s] of scenarios) {
    it(`${id}: every option offered is accepted, with the effects it showed (8 seeds, every turn, every party, every offer)`, () => {
      let checked = 0;
      for (let seed = 0; seed < 8; seed++) {
        let state = start(s, `offers.${seed}`);
        while (!state.ended) {
          // Half the turns with an injected event, as a facilitator would stage one.
          const event = s.events[(seed + state.turn) % Math.max(1, s.events.length)];
          const inputs = state.turn % 2 === 1 && event ? { inject: [{ event: event.id }] } : {};
          const ctx = begin(s, state, inputs);
          for (const d of ctx.parties) {
            for (const offer of d.offers) {
              const where = `${id} seed offers.${seed} turn ${ctx.turn} ${d.party} ${offer.move}`;
              let r = resolveTurn(s, ctx, { choices: { [d.party]: offer.move } });
              // A party played by a person answers its messages itself: answer with the first option.
              if (!r.ok && r.error.code === 'reply/needed') {
                const replies = Object.fromEntries(r.error.pending!.map((p) => [p.party, { [p.message]: p.options[0]!.reply }]));
                r = resolveTurn(s, ctx, { choices: { [d.party]: offer.move }, replies });
              }
              if (!r.ok) throw new Error(`${where}: refused: ${r.error.message}`);
              const log = r.log.parties[d.index]!;
              expect(log.move, where).toBe(offer.move);
              expectShown(log.success ? offer.effects : offer.failure, log.effects, where);
              if (offer.chance === null) expect(log.success, where).toBe(true);
              checked++;
            }
          }
          // The turn itself goes on as the computer plays it; beginTurn + resolveTurn is stepTurn.
          const whole = stepTurn(s, state, inputs);
          const split = resolveTurn(s, ctx, {});
          if (!whole.ok || !split.ok) throw new Error('the turn failed');
          expect(stateHash(split.state)).toBe(stateHash(whole.state));
          expect(split.log).toEqual(whole.log);
          state = whole.state;
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it('offers the moves of the world after the events and posture changes, not before', () => {
    // Over seeds and turns of every shipped scenario, count turns where the set offered differs
    // from the set available before the turn: the menu must follow the decision world.
    let differs = 0;
    for (const [, s] of scenarios)
      for (let seed = 0; seed < 6; seed++) {
        let state = start(s, `world.${seed}`);
        while (!state.ended) {
          const ctx = begin(s, state);
          for (const d of ctx.parties) {
            // A party decides on its own view: beliefs where it cannot see.
            const own = (w: GameState): GameState => ({ ...w, ind: w.ind.map((v, i) => (s.parties[d.index]!.hidden.some((h) => h.indicator === i) ? w.belief[d.index * w.ind.length + i]! : v)) });
            const before = availableMoves(s, d.index, own(state)).map((m) => m.id);
            const after = availableMoves(s, d.index, own(ctx.world)).map((m) => m.id);
            expect(d.offers.map((o) => o.move)).toEqual(after);
            if (before.join() !== after.join()) differs++;
          }
          const r = resolveTurn(s, ctx);
          if (!r.ok) throw new Error(r.error.message);
          state = r.state;
        }
      }
    // The case the issue reported (a posture change during the turn) is common enough to be exercised here.
    expect(differs).toBeGreaterThan(0);
  });

  it('refuses a move the context does not offer, naming what is offered', () => {
    const [, s] = scenarios.find(([id]) => id === 'peace-tracks')!;
    const ctx = begin(s, start(s, '3'));
    const d = ctx.parties.find((p) => p.party === 'russia')!;
    const party = s.parties[d.index]!;
    const missing = party.moves.find((m) => !d.offers.some((o) => o.move === m.id));
    expect(missing).toBeDefined();
    const r = resolveTurn(s, ctx, { choices: { russia: missing!.id } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('move/unavailable');
      expect(r.error.available).toEqual(d.offers.map((o) => o.move));
    }
  });

  it('keeps inputs in their phase and leaves the context untouched', () => {
    const [, s] = scenarios[0]!;
    const state = start(s, '1');
    const bad = beginTurn(s, state, { choices: { x: 'y' } } as never);
    expect(bad.ok).toBe(false);
    const ctx = begin(s, state);
    const frozen = JSON.stringify(ctx);
    expect(resolveTurn(s, ctx, { history: true } as never).ok).toBe(false);
    const a = resolveTurn(s, ctx);
    const b = resolveTurn(s, ctx);
    expect(JSON.stringify(ctx)).toBe(frozen);
    if (!a.ok || !b.ok) throw new Error('resolve failed');
    expect(a.log.stateHash).toBe(b.log.stateHash);
  });
});
