import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScenarioDoc, createInitialState, formatPath, ScenarioSchema, stateHash, stepTurn, type CompiledScenario, type TurnInputs } from '@wargame/engine';
import { scenarioArbitrary } from './helpers/arbitraries.js';

function compile(input: unknown): CompiledScenario {
  const doc = ScenarioSchema.parse(input);
  const { scenario, issues } = compileScenarioDoc(doc);
  if (issues.length > 0) throw new Error(issues.map((i) => `${i.message} → at ${formatPath(i.path)}`).join('\n'));
  return scenario;
}

// fast-check prints the seed and path of a failure, so it replays with { seed, path }.
const params = { numRuns: 150 };

describe('engine invariants over generated scenarios', () => {
  it('indicators and relations stay in range, every state round-trips through JSON, and both machine drivers agree', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), fc.string({ minLength: 1, maxLength: 12 }), (input, seed) => {
        const s = compile(input);
        const init = createInitialState(s, { seed });
        if (!init.ok) throw new Error(init.error.message);
        let a = init.state;
        let b = init.state;
        while (!a.ended) {
          const ra = stepTurn(s, a, {}, { driver: 'xstate' });
          const rb = stepTurn(s, b, {}, { driver: 'table' });
          if (!ra.ok || !rb.ok) throw new Error('a turn without inputs failed');
          expect(rb.log).toEqual(ra.log);
          a = ra.state;
          b = rb.state;
          s.indicators.forEach((ind, i) => {
            expect(a.ind[i]).toBeGreaterThanOrEqual(ind.min);
            expect(a.ind[i]).toBeLessThanOrEqual(ind.max);
          });
          for (const r of a.rel) {
            expect(r).toBeGreaterThanOrEqual(s.relations.min);
            expect(r).toBeLessThanOrEqual(s.relations.max);
          }
          const copy = JSON.parse(JSON.stringify(a));
          expect(copy).toEqual(a);
          expect(stateHash(copy)).toBe(ra.log.stateHash);
        }
        expect(a.turn).toBe(s.calendar.turns);
      }),
      params,
    );
  });

  it('no exception escapes stepTurn, whatever the inputs', () => {
    const anyInputs: fc.Arbitrary<unknown> = fc.oneof(
      fc.record({
        choices: fc.dictionary(fc.constantFrom('p0', 'p1', 'p9', '__proto__', 'constructor'), fc.constantFrom('m0', 'm1', 'm3', 'x')),
        inject: fc.array(
          fc.oneof(
            fc.record({ event: fc.constantFrom('scheduled', 'random', 'nope') }),
            fc.record({ custom: fc.record({ id: fc.constantFrom('c1', 'Bad Id'), label: fc.string(), effects: fc.dictionary(fc.constantFrom('i0', 'i9', 'rel(p0,p1)', 'rel(p0,p0)'), fc.oneof(fc.integer(), fc.double(), fc.constant('i0 +'))) }) }),
          ),
          { maxLength: 3 },
        ),
        adjudicate: fc.dictionary(fc.constantFrom('p0', 'p5'), fc.dictionary(fc.constantFrom('i0', 'x'), fc.integer())),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(scenarioArbitrary(), fc.array(anyInputs, { minLength: 1, maxLength: 6 }), (input, inputs) => {
        const s = compile(input);
        const init = createInitialState(s, { seed: 'x' });
        if (!init.ok) throw new Error(init.error.message);
        let st = init.state;
        for (const inp of inputs) {
          const r = stepTurn(s, st, inp as TurnInputs);
          if (r.ok) st = r.state;
          else {
            expect(typeof r.error.message).toBe('string');
            expect(r.error.code).toMatch(/^[a-z]+\/[a-z-]+$/);
          }
          if (st.ended) break;
        }
      }),
      params,
    );
  });
});
