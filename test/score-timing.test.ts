import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { monthIndex } from '@wargame/engine';
import { crpsOfCounts, scoreBatch, parseObserved, timingScore, turnOfMonth, type Calendar, type OutcomeScore } from '@wargame/batch';
import { observedIssues, scoreRows, tableOf, toyMeta, type Value } from './helpers/score-table.js';

// Six monthly turns, 2021-11 … 2022-04: a run where the outcome never held counts as turn 7.
const MONTHLY: Calendar = { start: monthIndex('2021-11'), step: 1, turns: 6 };

const META = toyMeta({
  runsPerCell: 4,
  outcomes: [
    { id: 'exodus', kind: 'boolean', ever: true },
    { id: 'treaty', kind: 'boolean' },
    { id: 'land', kind: 'number' },
  ],
});

/** Rows whose outcome first held at these turns (null: never). */
function runsAt(turns: (number | null)[], cell = 0): Record<string, Value>[] {
  return turns.map((t) => ({ cell, outcome_exodus: t !== null, turn_exodus: t, outcome_treaty: false, outcome_land: 0 }));
}

/** The ensemble form, written independently of the code: E|X − y| − ½ E|X − X′| over every pair. */
function kernelCrps(xs: readonly number[], y: number): number {
  const n = xs.length;
  let a = 0;
  let b = 0;
  for (const x of xs) a += Math.abs(x - y);
  for (const x of xs) for (const z of xs) b += Math.abs(x - z);
  return a / n - b / (2 * n * n);
}

function timingOf(s: OutcomeScore | undefined) {
  if (s?.type !== 'boolean' || !s.timing) throw new Error(`no timing score in ${JSON.stringify(s)}`);
  return s.timing;
}

describe('timing CRPS', () => {
  it('matches hand-computed values on tiny ensembles', async () => {
    // Turns 1, 2, 3, 4 against turn 2: E|X − 2| = 1, ½E|X − X′| = 0.625.
    const r = await scoreRows(META, runsAt([1, 2, 3, 4]), 'exodus: { value: true, date: 2021-12 }\n', MONTHLY);
    const t = timingOf(r.overall.outcomes[0]);
    expect(t).toMatchObject({ date: '2021-12', turn: 2, n: 4, held: 4, q10: '2021-11', q50: '2021-12', q90: '2022-02', last: '2022-04' });
    expect(t.crps).toBeCloseTo(0.375, 12);
    expect(t.pit).toBeCloseTo(1.5 / 4, 12);
    // Every run in the observed month: a perfect forecast.
    const exact = await scoreRows(META, runsAt([3, 3, 3, 3]), 'exodus: { value: true, date: 2022-01 }\n', MONTHLY);
    expect(timingOf(exact.overall.outcomes[0]).crps).toBe(0);
  });

  it('censors runs where it never held at one turn past the horizon', async () => {
    // Turns 2, 7, 7, 7 against turn 3: E|X − 3| = 13/4, ½E|X − X′| = 15/16, CRPS = 2.3125 months.
    const r = await scoreRows(META, runsAt([2, null, null, null]), 'exodus: { value: true, date: 2022-01 }\n', MONTHLY);
    const t = timingOf(r.overall.outcomes[0]);
    expect(t).toMatchObject({ turn: 3, n: 4, held: 1, q10: '2021-12', q50: '2021-12', q90: '2021-12' });
    expect(t.crps).toBeCloseTo(2.3125, 12);
    expect(t.pit).toBeCloseTo(1 / 4, 12);
    // Never in any run, observed in the first turn: all the mass 6 turns away.
    const never = await scoreRows(META, runsAt([null, null]), 'exodus: { value: true, date: 2021-11 }\n', MONTHLY);
    expect(timingOf(never.overall.outcomes[0])).toMatchObject({ crps: 6, held: 0, pit: 0, q10: null, q50: null, q90: null });
    // The boolean is scored as before, next to the timing.
    expect(never.overall.outcomes[0]).toMatchObject({ p: 0, clipped: true });
  });

  it('places a month in the turn that covers it and gives CRPS in months', async () => {
    // Quarterly turns: turn 1 covers 2021-11 … 2022-01, turn 2 2022-02 … 2022-04, 4 turns (never = 5).
    const quarterly: Calendar = { start: monthIndex('2021-11'), step: 3, turns: 4 };
    expect([turnOfMonth(monthIndex('2022-01'), quarterly), turnOfMonth(monthIndex('2022-02'), quarterly), turnOfMonth(monthIndex('2022-04'), quarterly)]).toEqual([1, 2, 2]);
    // Turns 1, 2, 5 against turn 2: E|X − 2| = 4/3, ½E|X − X′| = 8/9, so 4/9 turns = 4/3 months.
    const r = await scoreRows(META, runsAt([1, 2, null]), 'exodus: { value: true, date: 2022-03 }\n', quarterly);
    const t = timingOf(r.overall.outcomes[0]);
    // Nearest rank over the two runs that held: the median is the earlier.
    expect(t).toMatchObject({ turn: 2, q10: '2021-11', q50: '2021-11', q90: '2022-02', last: '2022-08' });
    expect(t.crps).toBeCloseTo(4 / 3, 9); // scores are kept to 10 significant digits
  });

  it('equals the ensemble form on random small ensembles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 12 }), (H, raw, y0) => {
        const turns = raw.map((t) => (t === null ? null : Math.min(t, H)));
        const y = Math.min(y0, H);
        const counts = new Array<number>(H + 2).fill(0);
        for (const t of turns) counts[t ?? H + 1]!++;
        const expected = kernelCrps(
          turns.map((t) => t ?? H + 1),
          y,
        );
        expect(crpsOfCounts(counts, y)).toBeCloseTo(expected, 10);
        const s = timingScore(counts, '2021-11', { start: monthIndex('2021-11') - (y - 1), step: 1, turns: H })!;
        expect(s.turn).toBe(y);
        expect(s.crps).toBeCloseTo(expected, 8);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('scores each cell of a sweep and the pool', async () => {
    const meta = toyMeta({ kind: 'grid', sweep: ['p'], cells: [{ p: 0 }, { p: 1 }], runsPerCell: 2, outcomes: [{ id: 'exodus', kind: 'boolean', ever: true }] });
    const rows = [...runsAt([2, 2], 0), ...runsAt([4, null], 1)].map((r): Record<string, Value> => ({ ...r, param_p: r['cell'] ?? null }));
    const r = await scoreRows(meta, rows, 'exodus: { value: true, date: 2021-12 }\n', MONTHLY);
    expect(r.cells.map((c) => timingOf(c.outcomes[0]).crps)).toEqual([0, kernelCrps([4, 7], 2)]);
    expect(timingOf(r.overall.outcomes[0]).crps).toBeCloseTo(kernelCrps([2, 2, 4, 7], 2), 12);
  });

  it('scores only the boolean for a plain value or value: false', async () => {
    for (const text of ['exodus: true\n', 'exodus: { value: false }\n', 'exodus: { value: true }\n']) {
      const r = await scoreRows(META, runsAt([1, null]), text, MONTHLY);
      expect(r.overall.outcomes[0]).toMatchObject({ type: 'boolean', n: 2, count: 1 });
      expect(r.overall.outcomes[0]).not.toHaveProperty('timing');
      expect(r).not.toHaveProperty('calendar');
    }
  });

  it('refuses a turn the calendar cannot hold (another scenario’s calendar)', async () => {
    await expect(scoreRows(META, runsAt([1, 9]), 'exodus: { value: true, date: 2021-12 }\n', MONTHLY)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: turn_exodus holds 9 in 1 run(s), but the calendar given has turns 1–6 (2021-11 to 2022-04): score the batch with its own scenario's calendar]`,
    );
  });
});

describe('observed dates', () => {
  it('reads mutated dated forms without throwing, every issue with a message', () => {
    const junk = fc.constantFrom('{', '}', ': ', ', ', 'date', 'value', '2023-', '09', '-13', 'true', 'false', '\n  ', '[', ']', '~', '"', '.nan');
    const doc = fc.tuple(fc.nat({ max: 40 }), fc.array(junk, { maxLength: 6 })).map(([at, bits]) => {
      const text = 'exodus: { value: true, date: 2023-09 }\ntreaty: false\n';
      const i = Math.min(at, text.length);
      return text.slice(0, i) + bits.join('') + text.slice(i);
    });
    fc.assert(
      fc.property(doc, (text) => {
        const r = parseObserved({ name: 'observed.yaml', text }, META);
        if (!r.ok) for (const issue of r.issues) expect(issue.message.length).toBeGreaterThan(0);
        else for (const o of r.observed.outcomes) if (o.date !== undefined) expect(o.date).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
      }),
      { seed: 1205, numRuns: 300 },
    );
  });

  it('reads the dated form, flat and wrapped, with where the date stood', () => {
    const flat = parseObserved({ name: 'o.yaml', text: 'treaty: false\nexodus: { value: true, date: 2023-09 }\n' }, META);
    expect(flat.ok && flat.observed.outcomes).toEqual([
      { id: 'treaty', value: false, line: 1, column: 9, path: ['treaty'] },
      { id: 'exodus', value: true, date: '2023-09', line: 2, column: 9, path: ['exodus'], dateAt: { line: 2, column: 30 } },
    ]);
    const wrapped = parseObserved({ name: 'o.yaml', text: 'scenario: toy\nobserved:\n  exodus:\n    value: true\n    date: 2023-09\n' }, META);
    expect(wrapped.ok && wrapped.observed.outcomes[0]).toMatchObject({ id: 'exodus', value: true, date: '2023-09', path: ['observed', 'exodus'], dateAt: { line: 5, column: 11 } });
  });

  it('locates every bad date and says what to write', () => {
    expect(observedIssues(META, 'exodus: { value: true, date: 2023-9 }\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:30 ✖ the month exodus first held: expected YYYY-MM (e.g. 2023-09), got the text "2023-9" → at exodus.date"`,
    );
    expect(observedIssues(META, 'exodus: { value: true, date: 2023-09-19 }\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:30 ✖ the month exodus first held: expected YYYY-MM (e.g. 2023-09), got the day 2023-09-19: turns are months, write 2023-09 → at exodus.date"`,
    );
    expect(observedIssues(META, 'exodus:\n  value: true\n  date: 2023-13\n')).toMatchInlineSnapshot(
      `"observed.yaml:3:9 ✖ the month exodus first held: expected YYYY-MM (e.g. 2023-09), got 2023-13: the month must be 01–12 → at exodus.date"`,
    );
    expect(observedIssues(META, 'exodus: { value: true, date: 202309 }\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:30 ✖ the month exodus first held: expected YYYY-MM (e.g. 2023-09), got the number 202309 → at exodus.date"`,
    );
  });

  it('refuses a date without value true, unknown keys, and dates on outcomes without a first turn', () => {
    expect(observedIssues(META, 'exodus: { value: false, date: 2023-09 }\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:31 ✖ exodus is observed false, so it has no month it first held: leave the date out, or make the value true → at exodus.date"`,
    );
    expect(observedIssues(META, 'exodus: { date: 2023-09 }\n')).toMatchInlineSnapshot(
      `"observed.yaml:1:9 ✖ exodus: give value: true or false next to the date (e.g. exodus: { value: true, date: 2023-09 }) → at exodus.value"`,
    );
    expect(observedIssues(META, 'exodus: { value: yes, dat: 2023-09 }\n')).toMatchInlineSnapshot(`
      "observed.yaml:1:18 ✖ exodus.value: expected true or false, got the text "yes" → at exodus.value
      observed.yaml:1:23 ✖ unknown key "dat" (did you mean "date"?) under exodus: expected value and date (e.g. exodus: { value: true, date: 2023-09 }) → at exodus.dat"
    `);
    expect(observedIssues(META, 'treaty: { value: true, date: 2023-09 }\nexodus: maybe\n')).toMatchInlineSnapshot(`
      "observed.yaml:1:9 ✖ expected one observed value for treaty, got a mapping (a date can be given only for an over: ever outcome, which records when it first held) → at treaty
      observed.yaml:2:9 ✖ exodus is a boolean outcome: expected true or false (or { value: true, date: YYYY-MM }), got the text "maybe" → at exodus"
    `);
  });

  it('refuses dates outside the calendar, at the date, and dates with no calendar', async () => {
    const table = await tableOf(META, runsAt([1, 2]));
    const parsed = parseObserved({ name: 'observed.yaml', text: 'scenario: toy\nobserved:\n  exodus: { value: true, date: 2019-05 }\n' }, META);
    if (!parsed.ok) throw new Error('expected the file to parse');
    await expect(scoreBatch(table, parsed.observed, { calendar: MONTHLY })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: observed.yaml:3:32 ✖ 2019-05 is before the scenario's first turn (2021-11): the runs start there, so it cannot first hold earlier; check the date, or score a scenario that starts before it → at observed.exodus.date]`,
    );
    const late = parseObserved({ name: 'observed.yaml', text: 'exodus: { value: true, date: 2022-05 }\n' }, META);
    if (!late.ok) throw new Error('expected the file to parse');
    await expect(scoreBatch(table, late.observed, { calendar: MONTHLY })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: observed.yaml:1:30 ✖ 2022-05 is after the scenario's last turn (2022-04): within the runs' horizon exodus did not hold, so observe it as exodus: false (a date after the horizon cannot be scored) → at exodus.date]`,
    );
    await expect(scoreBatch(table, late.observed)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchInputError: the observed file gives the month exodus first held; turning a month into a turn needs the calendar of toy, which the batch file does not record: give the scenario's calendar]`,
    );
  });
});
