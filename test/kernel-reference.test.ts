/**
 * The kernel against an independent reference interpreter (test/reference/):
 * every intermediate state, random streams included, on the shipped scenarios
 * without actor features and on generated ones; the batch path's final state too.
 * A failure names the scenario, seed and turn to replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beginTurn, compileScenarioDoc, createInitialState, fastRun, formatPath, prepareFastRun, ScenarioSchema, stepTurn, type CompiledScenario, type GameState } from '@wargame/engine';
import { scenarioArbitrary } from './helpers/arbitraries.js';
import { load } from './helpers/scenarios.js';
import { referenceTurn, type ReferenceInputs } from './reference/interpreter.js';

/**
 * The scenario with its actor features taken out (messages and what sends or answers them, beliefs and
 * visibility, planning, exclusions): the core rules the reference implements. test/actors.test.ts checks the rest.
 */
function coreOnly(id: string): CompiledScenario {
  const doc = structuredClone(load(`scenarios/${id}`).doc);
  // Messages stay declared (expressions may ask about them) but nothing sends one.
  for (const party of Object.values(doc.parties)) for (const m of party.moves) delete m.sends;
  for (const ind of Object.values(doc.indicators)) delete ind.visible_to;
  for (const party of Object.values(doc.parties)) {
    delete party.horizon;
    delete party.discount;
    delete party.beliefs;
    delete party.posture_visible_to;
    for (const m of party.moves) {
      delete m.excludes;
      delete m.visible_to;
    }
  }
  const { scenario, issues } = compileScenarioDoc(doc);
  if (issues.length > 0) throw new Error(`${id} without its actor features does not compile: ${issues[0]!.message}`);
  expect({ exclusions: scenario.features.exclusions, beliefs: scenario.features.beliefs }).toEqual({ exclusions: false, beliefs: false });
  expect(scenario.parties.every((p) => p.horizon === 1)).toBe(true);
  return scenario;
}

function start(s: CompiledScenario, seed: string, params: Record<string, number> = {}): GameState {
  const r = createInitialState(s, { seed, params });
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

/** Plays a game both ways, comparing every state; returns the number of turns compared. */
function compare(s: CompiledScenario, seed: string, inputs: (turn: number, state: GameState) => ReferenceInputs = () => ({}), params: Record<string, number> = {}): number {
  let a = start(s, seed, params);
  let b = start(s, seed, params);
  let turns = 0;
  while (!a.ended) {
    const i = inputs(a.turn, a);
    const r = stepTurn(s, a, { ...(i.choices ? { choices: i.choices } : {}), ...(i.history ? { history: true } : {}), ...(i.injectEvents ? { inject: i.injectEvents.map((event) => ({ event })) } : {}) });
    if (!r.ok) throw new Error(`${s.id} seed ${seed} turn ${a.turn + 1}: ${r.error.message}`);
    b = referenceTurn(s, b, i);
    expect(r.state, `${s.id} seed ${seed}, after turn ${a.turn + 1} (replay: wargame run ${s.id} --seed ${seed})`).toEqual(b);
    a = r.state;
    turns++;
  }
  return turns;
}

describe('the kernel against the reference interpreter', () => {
  it('south-caucasus (its core rules): every state of 6 seeds, with parameters at their bounds, agrees', () => {
    const s = coreOnly('south-caucasus');
    let turns = 0;
    for (let seed = 0; seed < 6; seed++) {
      const params = Object.fromEntries(s.parameters.map((p) => [p.id, seed % 2 === 0 ? p.min : p.max]));
      turns += compare(s, `ref.${seed}`, () => ({}), seed < 2 ? {} : params);
    }
    expect(turns).toBe(6 * s.calendar.turns);
  });

  it('peace-tracks (its core rules): with a person choosing, the history track followed, and injected events', () => {
    const s = coreOnly('peace-tracks');
    let turns = 0;
    for (let seed = 0; seed < 6; seed++) {
      turns += compare(s, `ref.${seed}`, (turn, state) => {
        if (turn < 3) return { history: true };
        const event = s.events[(seed + turn) % s.events.length]!;
        const inject = turn % 3 === 0 ? [event.id] : undefined;
        // A person plays Armenia on even turns: one of the moves the decision context offers it.
        const ctx = beginTurn(s, state, inject ? { inject: inject.map((e) => ({ event: e })) } : {});
        if (!ctx.ok) throw new Error(ctx.error.message);
        const offers = ctx.context.parties.find((p) => p.party === 'armenia')!.offers;
        const choice = turn % 2 === 0 && offers.length > 0 ? { choices: { armenia: offers[(seed + turn) % offers.length]!.move } } : {};
        return { ...choice, ...(inject ? { injectEvents: inject } : {}) };
      });
    }
    expect(turns).toBe(6 * s.calendar.turns);
  });

  it('the batch path ends where the reference does', () => {
    for (const id of ['south-caucasus', 'peace-tracks']) {
      const s = coreOnly(id);
      for (let seed = 0; seed < 4; seed++) {
        let b = start(s, `fast.${seed}`);
        while (!b.ended) b = referenceTurn(s, b);
        const f = fastRun(prepareFastRun(s), { seed: `fast.${seed}` });
        if (!f.ok) throw new Error(f.error.message);
        expect(f.state, `${id} seed fast.${seed}`).toEqual(b);
      }
    }
  });

  it('on generated scenarios (several effects on one target, both orientations of relations, chances beyond the bounds, recurring and conditional scheduled events, ever outcomes)', () => {
    let games = 0;
    fc.assert(
      fc.property(scenarioArbitrary(), fc.integer({ min: 0, max: 1000 }), (input, seed) => {
        const parsed = ScenarioSchema.safeParse(input);
        if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${formatPath(i.path.map((k) => (typeof k === 'symbol' ? String(k) : k)))}: ${i.message}`).join('; '));
        const { scenario, issues } = compileScenarioDoc(parsed.data);
        if (issues.length > 0) return; // the generator may draw an invalid combination; validity is tested elsewhere
        compare(scenario, String(seed));
        const f = fastRun(prepareFastRun(scenario), { seed: String(seed) });
        let b = start(scenario, String(seed));
        while (!b.ended) b = referenceTurn(scenario, b);
        if (!f.ok) throw new Error(f.error.message);
        expect(f.state).toEqual(b);
        games++;
      }),
      { numRuns: 120, seed: 42 },
    );
    expect(games).toBeGreaterThan(60);
  });
});
