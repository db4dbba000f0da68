/**
 * The batch path (fastRun: compiled transition table, sparse look-ahead, no
 * logs) must play exactly the games the full engine plays with XState's own
 * machines: same postures, moves, draws and final state, bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScenarioDoc, fastRun, formatPath, prepareFastRun, runGame, ScenarioSchema, stateHash, type CompiledScenario } from '@wargame/engine';
import { scenarioArbitrary } from './helpers/arbitraries.js';
import { load, shippedIds } from './helpers/scenarios.js';

function compile(input: unknown): CompiledScenario {
  const doc = ScenarioSchema.parse(input);
  const { scenario, issues } = compileScenarioDoc(doc);
  if (issues.length > 0) throw new Error(issues.map((i) => `${i.message} → at ${formatPath(i.path)}`).join('\n'));
  return scenario;
}

describe('fast path ≡ XState path', () => {
  for (const id of shippedIds()) {
    it(`${id}: identical final states (streams included) over 30 seeds, with default and swept parameters`, () => {
      const s = load(`scenarios/${id}`);
      const plan = prepareFastRun(s);
      const paramSets = [{}, ...s.parameters.map((p) => ({ [p.id]: p.min })), ...s.parameters.map((p) => ({ [p.id]: p.max }))];
      for (let i = 0; i < 30; i++) {
        const params = paramSets[i % paramSets.length]!;
        const seed = `fast.${i}`;
        const full = runGame(s, { seed, params, driver: 'xstate', hash: false });
        const fast = fastRun(plan, { seed, params });
        if (!full.ok || !fast.ok) throw new Error(`seed ${seed} did not run`);
        // On failure: replay with `wargame run ${id} --seed ${seed}` plus the parameters.
        expect({ seed, params, hash: stateHash(fast.state) }).toEqual({ seed, params, hash: stateHash(full.run.final) });
        expect(fast.state).toEqual(full.run.final);
      }
    });
  }

  it('on generated scenarios (relations, own last move and move counts read by interests)', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), fc.string({ minLength: 1, maxLength: 12 }), (input, seed) => {
        const s = compile(input);
        const full = runGame(s, { seed, driver: 'xstate', hash: false });
        const fast = fastRun(prepareFastRun(s), { seed });
        if (!full.ok || !fast.ok) throw new Error('a generated game did not run');
        expect(fast.state).toEqual(full.run.final);
      }),
      { numRuns: 200 },
    );
  });

  it('a plan is reusable: the same seed played twice, or after other seeds, gives the same state', () => {
    const s = load('scenarios/sochi-2021');
    const plan = prepareFastRun(s);
    const first = fastRun(plan, { seed: 'again' });
    for (let i = 0; i < 5; i++) fastRun(plan, { seed: `other${i}` });
    const second = fastRun(plan, { seed: 'again' });
    if (!first.ok || !second.ok) throw new Error('did not run');
    expect(second.state).toEqual(first.state);
  });

  it('refuses bad parameters the way runGame does', () => {
    const s = load('scenarios/south-caucasus');
    const r = fastRun(prepareFastRun(s), { seed: '1', params: { no_such_thing: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('param/unknown');
  });
});
