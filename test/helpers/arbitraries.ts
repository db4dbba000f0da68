/**
 * fast-check generators of valid scenario documents: random parties, postures,
 * guards, interests, moves, events and outcomes over random indicators, so the
 * engine's invariants are checked far beyond the shipped scenarios.
 */
import fc from 'fast-check';
import type { ScenarioInput } from '@wargame/engine';

const cite = [{ source: 'generated.txt', quote: 'generated for a property test' }];

export function scenarioArbitrary(): fc.Arbitrary<ScenarioInput> {
  return fc
    .record({
      nInd: fc.integer({ min: 1, max: 4 }),
      nParties: fc.integer({ min: 1, max: 4 }),
      turns: fc.integer({ min: 1, max: 14 }),
    })
    .chain(({ nInd, nParties, turns }) => {
      const inds = Array.from({ length: nInd }, (_, i) => `i${i}`);
      const parties = Array.from({ length: nParties }, (_, i) => `p${i}`);
      const indArb = fc.constantFrom(...inds);
      const level = fc.integer({ min: 0, max: 100 });
      const cond = fc.oneof(
        fc.tuple(indArb, fc.constantFrom('<', '>', '<=', '>='), level).map(([i, op, v]) => `${i} ${op} ${v}`),
        fc.tuple(indArb, indArb, level).map(([a, b, v]) => `${a} + ${b} > ${v} or turn >= 3`),
        fc.constant('date >= 2022-03'),
      );
      const amount = fc.oneof(
        fc.integer({ min: -30, max: 30 }),
        fc.tuple(fc.integer({ min: -20, max: 0 }), fc.integer({ min: 0, max: 20 })),
        fc.record({ add: fc.tuple(indArb, fc.integer({ min: 1, max: 5 })).map(([i, d]) => `(50 - ${i}) / ${d}`) }),
        fc.record({ set: fc.integer({ min: -50, max: 150 }) }),
      );
      const effects = fc.dictionary(indArb, amount, { maxKeys: 3 });
      const party = (pi: number) =>
        fc
          .record({
            nPost: fc.integer({ min: 1, max: 3 }),
            temperature: fc.constantFrom(0, 0.05, 0.5, 2),
            noise: fc.constantFrom(0, 0.01, 0.2),
            interests: fc.array(
              fc.oneof(
                indArb.map((i) => ({ raise: i })),
                indArb.map((i) => ({ lower: i })),
                fc.tuple(indArb, level).map(([i, v]) => ({ target: { of: i, value: v } })),
                fc.tuple(indArb, level).map(([i, v]) => ({ band: { of: i, within: [Math.min(v, 40), Math.max(v, 60)] as [number, number] } })),
                cond.map((c) => ({ hold: c })),
                // Interests that read relations, the party's own last move and move counts: what a move's look-ahead changes besides indicators.
                fc.constant(parties.length > 1 ? { raise: `rel(p${pi}, ${parties[(pi + 1) % parties.length]!})` } : { raise: inds[0]! }),
                fc.constant({ hold: `last(p${pi}) == m0` }),
                fc.constant({ lower: `times(p${pi}, m0)`, scale: 5 }),
              ),
              { minLength: 1, maxLength: 3 },
            ),
            moves: fc.array(
              fc.record({
                effects,
                // A chance as a number, or as an expression that runs beyond [0, 1] in play (clamped by the engine).
                chance: fc.option(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), indArb.map((i) => `(${i} - 25) / 50`)), { nil: undefined }),
                failure: effects,
                when: fc.option(cond, { nil: undefined }),
                relDelta: fc.integer({ min: -40, max: 40 }),
              }),
              { minLength: 1, maxLength: 4 },
            ),
            guards: fc.array(cond, { minLength: 3, maxLength: 3 }),
          })
          .map(({ nPost, temperature, noise, interests, moves, guards }) => {
            const postures = Array.from({ length: nPost }, (_, i) => `s${i}`);
            const states = Object.fromEntries(
              postures.map((p, i) => [
                p,
                { on: { TURN: nPost > 1 ? [{ target: postures[(i + 1) % nPost]!, guard: { when: guards[i]! } }] : [] } },
              ]),
            );
            const other = parties[(pi + 1) % parties.length]!;
            return {
              name: `Party ${pi}`,
              seat: `Seat ${pi}`,
              temperature,
              noise,
              interests: interests.map((wants, k) => ({ id: `int${k}`, text: `interest ${k}`, weight: { default: 1, s0: k + 1 }, wants, cite })),
              machine: { initial: 's0', states },
              moves: moves.map((m, k) => ({
                id: `m${k}`,
                label: `move ${k}`,
                ...(k > 0 && m.when ? { when: m.when } : {}),
                ...(k > 0 && nPost > 1 && k % 2 === 0 ? { postures: ['s1'] } : {}),
                ...(m.chance === undefined ? {} : { chance: m.chance, failure: m.failure }),
                effects: other === parties[pi] ? m.effects : { ...m.effects, [`rel(p${pi},${other})`]: m.relDelta },
                cite,
              })),
            };
          });
      return fc
        .record({
          parties: fc.tuple(...parties.map((_, i) => party(i))),
          initial: fc.array(level, { minLength: nInd, maxLength: nInd }),
          eventAt: fc.integer({ min: 0, max: turns - 1 }),
          eventEffects: effects,
          randomChance: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), indArb.map((i) => `${i} / 40 - 0.5`)),
          scheduledWhen: fc.option(cond, { nil: undefined }),
          drift: fc.record({ when: cond, effects }),
        })
        .map(({ parties: ps, initial, eventAt, eventEffects, randomChance, scheduledWhen, drift }): ScenarioInput => {
          const start = 2021 * 12 + 10;
          const at = start + eventAt;
          const month = `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`;
          return {
            id: 'generated',
            title: 'Generated',
            description: 'A generated scenario',
            sources: [{ file: 'generated.txt' }],
            calendar: { start: '2021-11', turns },
            indicators: Object.fromEntries(inds.map((id, i) => [id, { label: id, min: 0, max: 100, initial: initial[i]! }])),
            parties: Object.fromEntries(parties.map((id, i) => [id, ps[i]!])),
            events: [
              // A scheduled event that may depend on the world, a random one whose chance may leave [0, 1], and a recurring drift.
              { id: 'scheduled', label: 'Scheduled', at: month, ...(scheduledWhen === undefined ? {} : { when: scheduledWhen }), effects: eventEffects, cite },
              { id: 'random', label: 'Random', chance: randomChance, repeat: true, effects: eventEffects, cite },
              { id: 'drift', label: 'Drift', recurring: true, when: drift.when, effects: drift.effects, cite },
            ],
            outcomes: [
              { id: 'b', label: 'b', type: 'boolean', when: `${inds[0]} > 50`, over: 'ever' },
              { id: 'c', label: 'c', type: 'category', values: ['lo', 'hi'], cases: [{ when: `${inds[0]} > 50`, value: 'hi' }], default: 'lo' },
              { id: 'n', label: 'n', type: 'number', value: inds[0]! },
            ],
          };
        });
    });
}
