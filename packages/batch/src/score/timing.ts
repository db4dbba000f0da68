/**
 * Scoring WHEN an `over: ever` outcome first held: the observed month against
 * the batch's first-turn distribution (the `turn_<id>` column: the turn after
 * which the outcome first held, null when it never did).
 *
 * - A month is a turn by the scenario's calendar: turn t (1 = the first turn
 *   played) covers the months [start + (t − 1)·step, start + t·step), so an
 *   observed month falls in turn ⌊(month − start)/step⌋ + 1. The batch file
 *   does not record the calendar; the caller gives it (the CLI reads it from
 *   the scenario).
 * - Censoring: a run where the outcome never held within the horizon (the
 *   calendar's last turn H) counts as holding at H + 1, one turn past the end.
 *   The score is then the CRPS of min(first turn, H + 1): a proper score of a
 *   well-defined quantity, finite, and a "never" run is one turn worse than a
 *   run that has it hold in the last turn. What a "never" run would have done
 *   after the horizon is unknown, so no score can reward it for more.
 * - An observed date must lie within the calendar: before the first turn the
 *   runs cannot have it first hold; after the last turn the outcome did not
 *   hold within the horizon, which is `value: false` (scored as a boolean only).
 * - CRPS of a distribution on whole turns, from the counts per turn:
 *   Σ_k (F(k) − 1{k ≥ y})² over k = 1 … H (beyond that both terms are 1), the
 *   same number as the ensemble form E|X − y| − ½E|X − X′|; times the step, in
 *   months. 0 when every run has it first hold in the observed turn.
 * - The 10/50/90% quantiles of the first month are over the runs where it held
 *   (nearest rank: a month some run produced), as `wargame timing` prints them,
 *   next to the share of runs where it held; the CRPS scores both together.
 */
import { monthIndex, monthText, type ScenarioIssue } from '@wargame/engine';
import { BatchInputError } from '../errors.js';
import type { BatchMeta } from '../meta.js';
import { num, POOLED_CELL, tidy } from '../summary.js';
import { ident, type BatchTable, type SqlRow } from '../table-types.js';
import type { Observed } from './observed.js';

/** A scenario's calendar, as the engine compiles it: absolute months (year·12 + month − 1). */
export interface Calendar {
  /** The month of the first turn. */
  start: number;
  /** Months per turn. */
  step: number;
  /** Turns in the horizon. */
  turns: number;
}

export interface TimingScore {
  /** The month it first held, as observed (YYYY-MM). */
  date: string;
  /** That month's turn (1 = the first turn). */
  turn: number;
  /** Runs with a value for the outcome. */
  n: number;
  /** Runs where it held by the last turn. */
  held: number;
  /** CRPS of the first-turn distribution (never = one turn past the end), in months. */
  crps: number;
  /** Share of runs that had it first hold before the observed turn, ties counting half. */
  pit: number;
  /** The 10%, 50% and 90% nearest-rank quantiles of the first month over the runs where it held; null when none did. */
  q10: string | null;
  q50: string | null;
  q90: string | null;
  /** The horizon: the last turn's month, after which a run counts as "never". */
  last: string;
}

/** The outcome ids that have a first-turn column (boolean outcomes with `over: ever`), with their column. */
export function firstTurnColumns(meta: BatchMeta): Map<string, string> {
  return new Map(meta.columns.filter((c) => c.role === 'turn').map((c) => [c.source ?? c.name.replace(/^turn_/, ''), c.name]));
}

/** The turn an absolute month falls in (may lie outside 1 … turns). */
export function turnOfMonth(month: number, calendar: Calendar): number {
  return Math.floor((month - calendar.start) / calendar.step) + 1;
}

/** The month a turn is played in. */
export function monthOfTurn(turn: number, calendar: Calendar): number {
  return calendar.start + (turn - 1) * calendar.step;
}

/**
 * The observed dates that the calendar cannot place, each at the date's line
 * in the observed file: before the first turn, or after the last.
 */
export function checkObservedDates(observed: Observed, calendar: Calendar): ScenarioIssue[] {
  const first = monthText(calendar.start);
  const last = monthText(monthOfTurn(calendar.turns, calendar));
  const issues: ScenarioIssue[] = [];
  for (const o of observed.outcomes) {
    if (o.date === undefined) continue;
    const turn = turnOfMonth(monthIndex(o.date), calendar);
    const message =
      turn < 1
        ? `${o.date} is before the scenario's first turn (${first}): the runs start there, so it cannot first hold earlier; check the date, or score a scenario that starts before it`
        : turn > calendar.turns
          ? `${o.date} is after the scenario's last turn (${last}): within the runs' horizon ${o.id} did not hold, so observe it as ${o.id}: false (a date after the horizon cannot be scored)`
          : undefined;
    if (message !== undefined) issues.push({ file: observed.file ?? 'observed', line: o.dateAt?.line ?? o.line ?? 1, column: o.dateAt?.column ?? o.column ?? 1, path: [...(o.path ?? [o.id]), 'date'], message });
  }
  return issues;
}

/**
 * Runs per first turn, per cell and pooled (cell {@link POOLED_CELL}): index t
 * holds the runs where the outcome first held at turn t (1 … H), index H + 1
 * those where it never held; index 0 is unused. Runs with no value for the
 * outcome are left out. Throws when a run's turn does not fit the calendar
 * (the calendar is not the batch's scenario's).
 */
export async function firstTurnCounts(table: BatchTable, outcomeColumn: string, turnColumn: string, calendar: Calendar): Promise<Map<number, number[]>> {
  const H = calendar.turns;
  const rows = await table.all(
    `SELECT grouping(cell) AS g, cell, t, count(*) AS k FROM (SELECT cell, ${ident(turnColumn)} AS t FROM ${table.from} WHERE ${ident(outcomeColumn)} IS NOT NULL) ` +
      'GROUP BY GROUPING SETS ((cell, t), (t)) ORDER BY g, cell, t',
  );
  const out = new Map<number, number[]>();
  for (const r of rows as SqlRow[]) {
    const cell = num(r.g) === 1 ? POOLED_CELL : num(r.cell);
    const never = r.t === null || r.t === undefined;
    const t = never ? H + 1 : Number(r.t);
    if (!never && !(Number.isInteger(t) && t >= 1 && t <= H))
      throw new BatchInputError(
        `${turnColumn} holds ${String(r.t)} in ${num(r.k)} run(s), but the calendar given has turns 1–${H} (${monthText(calendar.start)} to ${monthText(monthOfTurn(H, calendar))}): score the batch with its own scenario's calendar`,
        'observed-mismatch',
      );
    let counts = out.get(cell);
    if (!counts) {
      counts = new Array<number>(H + 2).fill(0);
      out.set(cell, counts);
    }
    counts[t] = counts[t]! + num(r.k);
  }
  return out;
}

/**
 * CRPS, in turns, of the distribution `counts` (index t = runs at turn t, as
 * {@link firstTurnCounts} gives them) against the observed turn y:
 * Σ_k (F(k) − 1{k ≥ y})². NaN when there are no runs.
 */
export function crpsOfCounts(counts: readonly number[], y: number): number {
  const n = counts.reduce((s, c) => s + c, 0);
  if (n === 0) return NaN;
  let cum = 0;
  let sum = 0;
  // Past the last index F = 1 and y ≤ the last index, so the terms vanish.
  for (let k = 1; k < counts.length; k++) {
    cum += counts[k]!;
    const d = cum / n - (k >= y ? 1 : 0);
    sum += d * d;
  }
  return sum;
}

/** The smallest turn by which at least ⌈q·m⌉ of the m runs that held had it hold, or null when none held. */
function nearestRankTurn(counts: readonly number[], horizon: number, q: number): number | null {
  let held = 0;
  for (let t = 1; t <= horizon; t++) held += counts[t]!;
  if (held === 0) return null;
  const rank = Math.max(1, Math.ceil(q * held));
  let cum = 0;
  for (let t = 1; t <= horizon; t++) {
    cum += counts[t]!;
    if (cum >= rank) return t;
  }
  return horizon;
}

/** The timing score of one cell's (or the pooled) first-turn counts against the observed month. */
export function timingScore(counts: readonly number[], date: string, calendar: Calendar): TimingScore | undefined {
  const H = calendar.turns;
  const n = counts.reduce((s, c) => s + c, 0);
  if (n === 0) return undefined;
  const y = turnOfMonth(monthIndex(date), calendar);
  let below = 0;
  for (let t = 1; t < y; t++) below += counts[t]!;
  const at = (q: number) => {
    const t = nearestRankTurn(counts, H, q);
    return t === null ? null : monthText(monthOfTurn(t, calendar));
  };
  return {
    date,
    turn: y,
    n,
    held: n - counts[H + 1]!,
    crps: tidy(crpsOfCounts(counts, y) * calendar.step),
    pit: tidy((below + counts[y]! / 2) / n),
    q10: at(0.1),
    q50: at(0.5),
    q90: at(0.9),
    last: monthText(monthOfTurn(H, calendar)),
  };
}
