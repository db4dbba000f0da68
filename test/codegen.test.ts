/**
 * Expressions are checked into one resolved tree each (expr/tree.ts), from
 * which come a generated function (expr/codegen.ts), the evaluator's closures
 * (expr/evaluate.ts, the reference) and the reads. The generated function and
 * the evaluator must agree on every expression and every world, bit for bit;
 * the reads must name every slot a value depends on.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileCondition,
  compileNumber,
  compileUtility,
  emitCondition,
  emitNumber,
  generateFunction,
  type Symbols,
  type WantsSpec,
  type World,
} from '@wargame/engine';
import { load, shippedIds } from './helpers/scenarios.js';

const symbols: Symbols = {
  indicators: ['a', 'b', 'c'],
  parameters: ['k'],
  parties: ['x', 'y', 'z'],
  postures: [['calm', 'angry'], ['calm', 'tense', 'war'], ['only']],
  moves: [['talk', 'wait'], ['push'], ['hold', 'fold']],
  moveOffset: [0, 2, 3],
  events: ['e1', 'e2'],
  placeholders: { limit: 12.5 },
};

const num: fc.Arbitrary<string> = fc.letrec<{ n: string }>((tie) => ({
  n: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'b', 'c', 'k', 'turn', '$limit', 'rel(x, y)', 'rel(z, x)', 'times(x, wait)', '0', '3.5', '100', '1e-3'),
    tie('n').map((e) => `-${e}`),
    fc.tuple(tie('n'), fc.constantFrom('+', '-', '*', '/'), tie('n')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('n').map((e) => `abs(${e})`),
    fc.tuple(tie('n'), tie('n'), tie('n')).map(([p, q, r]) => `min(${p}, ${q}, ${r})`),
    fc.tuple(tie('n'), tie('n')).map(([p, q]) => `max(${p}, ${q})`),
    fc.tuple(tie('n'), tie('n'), tie('n')).map(([p, q, r]) => `clamp(${p}, ${q}, ${r})`),
  ),
})).n;

const cond: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(num, fc.constantFrom('<', '<=', '>', '>=', '==', '!='), num).map(([l, op, r]) => `${l} ${op} ${r}`),
    fc.constantFrom('posture(x) == angry', 'tense != posture(y)', 'last(z) == fold', 'last(x) != talk', 'made(y, push)', 'happened(e2)', 'date >= 2022-03', 'true', 'false'),
    tie('c').map((c) => `not (${c})`),
    fc.tuple(tie('c'), fc.constantFrom('and', 'or'), tie('c')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
  ),
})).c;

const world: fc.Arbitrary<World> = fc.record({
  ind: fc.array(fc.oneof(fc.double({ min: -200, max: 200, noNaN: true }), fc.constantFrom(0, -0, 50)), { minLength: 3, maxLength: 3 }),
  rel: fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 3, maxLength: 3 }),
  posture: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 2 }), fc.constant(0)),
  month: fc.integer({ min: 24250, max: 24300 }),
  turn: fc.integer({ min: 0, max: 60 }),
  params: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 1 }),
  moveCount: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
  lastMove: fc.tuple(fc.integer({ min: -1, max: 1 }), fc.integer({ min: -1, max: 0 }), fc.integer({ min: -1, max: 1 })),
  eventCount: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 2 }),
});

function both<T>(compile: (src: string, s: Symbols, o?: { generate?: boolean }) => { ok: true; fn: (w: World) => T } | { ok: false }, src: string) {
  const gen = compile(src, symbols);
  const ref = compile(src, symbols, { generate: false });
  if (!gen.ok || !ref.ok) throw new Error(`"${src}" does not compile`);
  expect(gen.fn).not.toBe(ref.fn);
  return [gen.fn, ref.fn] as const;
}

describe('generated expression functions', () => {
  it('numbers: the generated function equals the closure tree on every world (Object.is: -0 and all)', () => {
    fc.assert(
      fc.property(num, fc.array(world, { minLength: 1, maxLength: 5 }), (src, worlds) => {
        const [gen, ref] = both(compileNumber, src);
        for (const w of worlds) expect(Object.is(gen(w), ref(w)), `${src} on ${JSON.stringify(w)}: ${gen(w)} vs ${ref(w)}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('conditions: the generated function equals the closure tree on every world', () => {
    fc.assert(
      fc.property(cond, fc.array(world, { minLength: 1, maxLength: 5 }), (src, worlds) => {
        const [gen, ref] = both(compileCondition, src);
        for (const w of worlds) expect(gen(w), `${src} on ${JSON.stringify(w)}`).toBe(ref(w));
      }),
      { numRuns: 400 },
    );
  });

  it('division by zero is 0 in both, as the format documents', () => {
    const [gen, ref] = both(compileNumber, 'a / (b - b)');
    const w = { ind: [7, 3, 0], rel: [0, 0, 0], posture: [0, 0, 0], month: 0, turn: 0, params: [0], moveCount: [0, 0, 0, 0, 0], lastMove: [-1, -1, -1], eventCount: [0, 0] };
    expect([gen(w), ref(w)]).toEqual([0, 0]);
  });

  it('every expression of the shipped scenarios is generated (none falls back to closures)', () => {
    for (const id of shippedIds()) {
      const s = load(`scenarios/${id}`);
      const fns = [
        ...s.parties.flatMap((p) => [...p.allTransitions.map((t) => t.guard), ...p.moves.flatMap((m) => [m.when, m.chance])]),
        ...s.events.flatMap((e) => [e.when, e.chance]),
      ].filter((f): f is NonNullable<typeof f> => f !== null);
      // Generated functions are arrow functions over `w`; the evaluator's closures call their children (a(w), b(w), c(w), x(w), lo(w), hi(w)).
      // A number written as a number (`chance: 0.3`) is a constant function, never an expression.
      const closures = fns.filter((f) => f.toString() !== '() => src' && (!/^\(w\) => /.test(f.toString()) || /\b(a|b|c|x|lo|hi)\(w\)/.test(f.toString())));
      expect({ id, closures: closures.map(String).slice(0, 3) }).toEqual({ id, closures: [] });
    }
  });

  it('interest utilities (generated whole) follow the documented formulas exactly on the shipped scenarios', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (salt) => {
        for (const id of shippedIds()) {
          const s = load(`scenarios/${id}`);
          // A world with every indicator and relation somewhere in (and a little beyond) its range.
          const r = (k: number) => ((Math.imul(salt ^ (k * 2654435761), 1597334677) >>> 0) / 2 ** 32) * 1.2 - 0.1;
          const w: World = {
            ind: s.indicators.map((ind, k) => ind.min + r(k) * (ind.max - ind.min)),
            rel: s.relations.initial.map((_, k) => s.relations.min + r(1000 + k) * (s.relations.max - s.relations.min)),
            posture: s.parties.map(() => 0),
            month: s.calendar.start,
            turn: 3,
            params: s.parameters.map((p) => p.default),
            moveCount: new Array<number>(s.moveCount).fill(1),
            lastMove: s.parties.map(() => 0),
            eventCount: s.events.map(() => 0),
          };
          for (const party of s.parties)
            party.interests.forEach((interest, k) => {
              const wants = s.doc.parties[party.id]!.interests[k]!.wants;
              const scale = wants.scale ?? 100;
              const num = (src: string | number) => {
                const c = compileNumber(String(src), s.symbols, { generate: false });
                if (!c.ok) throw new Error(c.error.message);
                return c.fn(w);
              };
              let expected: number;
              if (wants.raise !== undefined) expected = num(wants.raise) / scale;
              else if (wants.lower !== undefined) expected = -num(wants.lower) / scale;
              else if (wants.target !== undefined) expected = -Math.abs(num(wants.target.of) - wants.target.value) / scale;
              else if (wants.band !== undefined) {
                const x = num(wants.band.of);
                expected = -(Math.max(0, wants.band.within[0] - x) + Math.max(0, x - wants.band.within[1])) / scale;
              } else {
                const c = compileCondition(wants.hold!, s.symbols, { generate: false });
                if (!c.ok) throw new Error(c.error.message);
                expected = c.fn(w) ? 1 : 0;
              }
              expect(Object.is(interest.utility(w), expected), `${id} ${party.id}.${interest.id}: ${interest.utility(w)} vs ${expected}`).toBe(true);
              checked++;
            });
        }
      }),
      { numRuns: 20 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('reads: changing a slot an expression does not read never changes its value', () => {
    const slots = ['ind', 'rel', 'moveCount', 'lastMove'] as const;
    const recorded = { ind: 'ind', rel: 'rel', moveCount: 'moveCount', lastMove: 'lastMove' } as const;
    fc.assert(
      fc.property(fc.oneof(num.map((src) => ['num', src] as const), cond.map((src) => ['cond', src] as const)), world, fc.double({ min: -300, max: 300, noNaN: true }), ([kind, src], w, v) => {
        const c = kind === 'num' ? compileNumber(src, symbols) : compileCondition(src, symbols);
        if (!c.ok) throw new Error(`"${src}" does not compile`);
        expect(c.reads.any).toBe(false);
        const before = c.fn(w);
        for (const slot of slots)
          w[slot].forEach((_, i) => {
            if (c.reads[recorded[slot]].has(i)) return;
            const changed = { ...w, [slot]: w[slot].map((x, j) => (j === i ? (slot === 'lastMove' ? (x === 0 ? 1 : 0) : v) : x)) };
            expect(Object.is(c.fn(changed), before), `${src}: ${slot}[${i}] is read but not recorded`).toBe(true);
          });
      }),
      { numRuns: 300 },
    );
  });

  it('generated code holds only world reads, operators, Math, div and finite numbers', () => {
    const allowed = new Set(['w', 'ind', 'rel', 'posture', 'lastMove', 'moveCount', 'eventCount', 'params', 'turn', 'month', 'agreed', 'broken', 'div', 'Math', 'abs', 'min', 'max', 'true', 'false']);
    fc.assert(
      fc.property(num, cond, (n, c) => {
        const a = compileNumber(n, symbols);
        const b = compileCondition(c, symbols);
        if (!a.ok || !b.ok) throw new Error('does not compile');
        const code = `${emitNumber(a.tree)} ${emitCondition(b.tree)}`;
        const names = code.replace(/\d+(\.\d*)?(e[+-]?\d+)?/gi, '').match(/[A-Za-z_$][\w$]*/g) ?? [];
        expect(names.filter((x) => !allowed.has(x))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('interest utilities: the generated function equals the evaluator on random wants and worlds', () => {
    const wants: fc.Arbitrary<WantsSpec> = fc.oneof(
      num.map((x) => ({ raise: x })),
      num.map((x) => ({ lower: x })),
      fc.tuple(num, fc.double({ min: -100, max: 100, noNaN: true })).map(([x, value]) => ({ target: { of: x, value } })),
      fc.tuple(num, fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true })).map(([x, lo, d]) => ({ band: { of: x, within: [lo, lo + d] as const } })),
      cond.map((x) => ({ hold: x })),
    );
    fc.assert(
      fc.property(wants, fc.option(fc.double({ min: 0.5, max: 500, noNaN: true }), { nil: undefined }), fc.array(world, { minLength: 1, maxLength: 4 }), (spec, scale, worlds) => {
        const w0 = scale === undefined ? spec : { ...spec, scale };
        const gen = compileUtility(w0, symbols);
        const ref = compileUtility(w0, symbols, { generate: false });
        if (!gen.ok || !ref.ok) throw new Error('does not compile');
        expect(gen.fn).not.toBe(ref.fn);
        expect(gen.reads).toEqual(ref.reads);
        for (const w of worlds) expect(Object.is(gen.fn(w), ref.fn(w)), `${JSON.stringify(w0)}: ${gen.fn(w)} vs ${ref.fn(w)}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  describe('when code cannot be generated', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('falls back to the evaluator only where the platform forbids Function (EvalError)', () => {
      vi.stubGlobal('Function', function forbidden() {
        throw new EvalError('Code generation from strings disallowed for this context');
      });
      const c = compileNumber('a + 2 * rel(x, y)', symbols);
      vi.unstubAllGlobals();
      if (!c.ok) throw new Error(c.error.message);
      const w = { ind: [1, 2, 3], rel: [10, 0, 0], posture: [0, 0, 0], month: 0, turn: 0, params: [0], moveCount: [0, 0, 0, 0, 0], lastMove: [-1, -1, -1], eventCount: [0, 0] };
      expect(c.fn(w)).toBe(21);
      expect(c.fn.toString()).toMatch(/\ba\(w\)/);
    });

    it('surfaces any other failure instead of swallowing it', () => {
      expect(() => generateFunction('(w.ind[0] +')).toThrowErrorMatchingInlineSnapshot(`[Error: internal: generated code does not compile: Unexpected token ';']`);
      vi.stubGlobal('Function', function broken() {
        throw new TypeError('something else went wrong');
      });
      expect(() => compileNumber('a + 1', symbols)).toThrow(/internal: generated code does not compile: something else went wrong/);
    });
  });
});
