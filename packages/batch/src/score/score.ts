/**
 * Scoring a batch's forecasts against what really happened: the numbers
 * (text in `format.ts`, the observed file in `observed.ts`).
 *
 * Scores (lower is better; all proper scoring rules):
 * - boolean: Brier (p − o)², p the forecast share of runs where the outcome
 *   held and o ∈ {0, 1}; log score −ln p(observed), natural log;
 * - category: multi-class Brier Σ_k (p_k − o_k)² over the declared values
 *   (0 … 2) and the log score of the observed value;
 * - number: CRPS of the runs as an ensemble, E|X − y| − ½ E|X − X′| (the
 *   empirical-distribution form, as R's scoringRules `crps_sample`), in the
 *   outcome's units, and the PIT: the share of runs below the observed value
 *   (ties count half). There is no baseline for numbers: a uniform forecast
 *   needs a range the scenario does not declare, so CRPS has no skill score.
 * - The log score of a value the runs never produced would be infinite: p is
 *   raised to ε = 1/(2(n + 1)) for it (what the add-½ estimator (k + ½)/(n + 1)
 *   gives at k = 0), and the score is flagged `clipped`.
 * - Baseline: the uniform forecast, ½ for a boolean (Brier 0.25, log ln 2) and
 *   1/K for K declared values (Brier 1 − 1/K, log ln K); skill = 1 − score/baseline,
 *   positive when the batch beats it (0 for a one-value category, which has no baseline).
 * - The mean over a cell's scored boolean and category outcomes, and the skill
 *   of those means (1 − mean score / mean baseline, as forecast competitions
 *   aggregate it, not a mean of ratios).
 * - Timing (`timing.ts`): an `over: ever` outcome observed with the month it
 *   first held is also scored by the CRPS of the first-turn distribution, in
 *   months, runs where it never held counting as one turn past the horizon.
 * - Reliability: an event is one real observation and the forecast of it: each
 *   observed boolean outcome (p of true) and each declared value of an observed
 *   category (p of that value, one-vs-rest), forecast by all runs pooled. For
 *   a sweep that is the mixture of the cells, the forecast of someone who holds
 *   the design as their uncertainty about the parameters. The cells are not
 *   events of their own: they are rival forecasts of the same observation, so
 *   counting each would count one observation once per cell (12 times on a
 *   12-cell sweep) and make the Wilson intervals, which assume independent
 *   events, far too narrow; the cells are compared by their scores instead.
 *   Events are binned by forecast into tenths, with the mean forecast and the
 *   observed frequency (and its Wilson interval) per bin.
 * - `combineReliability` over several batch files keeps the rule: forecasts of
 *   the same observation (same scenario id, outcome, value and what happened)
 *   in several files, such as two seeds or two sweeps of one scenario scored
 *   against one observed file, become one event whose forecast pools all their
 *   runs; only different observations add events.
 */
import { didYouMean, formatIssue } from '@wargame/engine';
import { BatchInputError } from '../errors.js';
import { wilson } from '../stats/wilson.js';
import { aggregateOutcomes, finiteSql, num, outcomeColumns, POOLED_CELL, tidy, type OutcomeColumn } from '../summary.js';
import type { OutcomeSummary, Proportion } from '../summary-types.js';
import type { BatchDesign } from '../meta.js';
import type { BatchTable, SqlRow } from '../table-types.js';
import type { Observed, ObservedValue } from './observed.js';
import { checkObservedDates, firstTurnCounts, firstTurnColumns, timingScore, type Calendar, type TimingScore } from './timing.js';

export interface ProbabilityScore {
  /** Runs with a value for this outcome. */
  n: number;
  /** Runs that produced the observed value. */
  count: number;
  /** The forecast probability of what happened: count / n. */
  p: number;
  brier: number;
  /** −ln max(p, epsilon). */
  log: number;
  /** 1/(2(n + 1)): the floor for p in the log score. */
  epsilon: number;
  /** The runs never produced the observed value, so the log score used epsilon. */
  clipped: boolean;
  baseline: { brier: number; log: number };
  /** 1 − score/baseline: above 0 beats the uniform forecast, 1 is a perfect forecast. */
  skill: { brier: number; log: number };
}

export type OutcomeScore =
  | ({
      id: string;
      label: string;
      type: 'boolean';
      observed: boolean;
      /** When the observed file gives the month an `over: ever` outcome first held: the score of the forecast of when. */
      timing?: TimingScore;
    } & ProbabilityScore)
  | ({
      id: string;
      label: string;
      type: 'category';
      observed: string;
      /** The forecast over the declared values (then any undeclared value the runs produced). */
      distribution: { value: string; count: number; p: number }[];
    } & ProbabilityScore)
  | {
      id: string;
      label: string;
      type: 'number';
      observed: number;
      n: number;
      /** Continuous ranked probability score of the runs, in the outcome's units (0 = all runs hit the observed value). */
      crps: number;
      /** Share of runs below the observed value, ties counting half: near 0 or 1, the observed value lies in a tail. */
      pit: number;
      mean: number;
    };

export interface MeanScore {
  /** Boolean and category outcomes scored. */
  outcomes: number;
  brier: number;
  log: number;
  baseline: { brier: number; log: number };
  skill: { brier: number; log: number };
  /** Outcomes whose log score was clipped. */
  clipped: number;
}

export interface CellScore {
  cell: number;
  params: Record<string, number>;
  runs: number;
  /** Observed outcomes with at least one value in this cell, in the observed file's order. */
  outcomes: OutcomeScore[];
  /** Absent when no boolean or category outcome could be scored (e.g. a cell with no runs). */
  mean?: MeanScore;
}

/** One observation and the batch's forecast of it (see the module comment). */
export interface ReliabilityEvent {
  scenario: string;
  outcome: string;
  /** The category value forecast (one-vs-rest); absent for a boolean (the event "it held"). */
  value?: string;
  /** Runs with a value for the outcome. */
  n: number;
  /** Runs that forecast the event (held, or produced the value). */
  count: number;
  /** count / n. */
  p: number;
  /** The event happened. */
  hit: boolean;
}

export interface ReliabilityBin {
  /** Forecasts in [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  /** Events (forecasts) in the bin. */
  count: number;
  meanForecast: number;
  /** Events that happened. */
  hits: number;
  /** hits / count, with its 95% Wilson interval. */
  frequency: Proportion;
}

export interface ScoreResult {
  scenario: { id: string; hash: string; title: string };
  seed: string;
  design: BatchDesign['kind'];
  swept: string[];
  runs: number;
  /** Runs the file(s) were to hold; more than `runs` when interrupted. */
  planned: number;
  /** The observed file, if named. */
  file?: string;
  observed: { id: string; type: 'boolean' | 'category' | 'number'; value: ObservedValue }[];
  /** All runs as one forecast (for a sweep: the mixture over cells). */
  overall: CellScore;
  cells: CellScore[];
  /** The events of the reliability table: one per observed boolean, one per declared value of an observed category. */
  events: ReliabilityEvent[];
  /** Bins with at least one event, in order. */
  reliability: ReliabilityBin[];
  /** The calendar that turned observed dates into turns (absent when no date was observed). */
  calendar?: Calendar;
}

export interface ScoreOptions {
  /** The scenario's calendar: needed when the observed file gives dates (the batch file does not record it). */
  calendar?: Calendar;
}

/** Reliability bins: tenths of the forecast scale. */
export const RELIABILITY_BINS = 10;

function probabilityScore(counts: readonly number[], n: number, observedIndex: number, kind: 'boolean' | 'category', declared: number): ProbabilityScore {
  const count = counts[observedIndex] ?? 0;
  const p = count / n;
  // A boolean's Brier is the one-event form (p − o)²; for a category the sum over values (twice that for K = 2).
  const brier = kind === 'boolean' ? (p - 1) ** 2 : counts.reduce((s, c, k) => s + (c / n - (k === observedIndex ? 1 : 0)) ** 2, 0);
  const epsilon = 1 / (2 * (n + 1));
  const log = -Math.log(Math.max(p, epsilon));
  const K = kind === 'boolean' ? 2 : declared;
  const baseline = kind === 'boolean' ? { brier: 0.25, log: Math.LN2 } : { brier: K > 0 ? 1 - 1 / K : 0, log: K > 0 ? Math.log(K) : 0 };
  const skill = (s: number, b: number) => (b > 0 ? tidy(1 - s / b) : 0);
  return {
    n,
    count,
    p: tidy(p),
    brier: tidy(brier),
    log: tidy(log),
    epsilon: tidy(epsilon),
    clipped: count === 0,
    baseline: { brier: tidy(baseline.brier), log: tidy(baseline.log) },
    skill: { brier: skill(brier, baseline.brier), log: skill(log, baseline.log) },
  };
}

function scoreProportions(o: OutcomeColumn, s: OutcomeSummary, value: ObservedValue): OutcomeScore | undefined {
  if (s.type === 'boolean' && typeof value === 'boolean') {
    if (s.n === 0) return undefined;
    // Counts as [observed value, the other]: the Brier of a boolean is (p_true − o)² = (1 − p_observed)².
    const counts = value ? [s.count, s.n - s.count] : [s.n - s.count, s.count];
    return { id: o.id, label: o.label, type: 'boolean', observed: value, ...probabilityScore(counts, s.n, 0, 'boolean', 2) };
  }
  if (s.type === 'category' && typeof value === 'string') {
    const n = s.values[0]?.n ?? 0;
    if (n === 0) return undefined;
    const counts = s.values.map((v) => v.count);
    const index = s.values.findIndex((v) => v.value === value);
    return {
      id: o.id,
      label: o.label,
      type: 'category',
      observed: value,
      distribution: s.values.map((v) => ({ value: v.value, count: v.count, p: v.p })),
      ...probabilityScore(counts, n, index, 'category', o.values.length),
    };
  }
  return undefined;
}

function meanScore(outcomes: readonly OutcomeScore[]): MeanScore | undefined {
  const scored = outcomes.filter((o): o is Exclude<OutcomeScore, { type: 'number' }> => o.type !== 'number');
  if (scored.length === 0) return undefined;
  const avg = (f: (o: (typeof scored)[number]) => number) => scored.reduce((s, o) => s + f(o), 0) / scored.length;
  const brier = avg((o) => o.brier);
  const log = avg((o) => o.log);
  const base = { brier: avg((o) => o.baseline.brier), log: avg((o) => o.baseline.log) };
  return {
    outcomes: scored.length,
    brier: tidy(brier),
    log: tidy(log),
    baseline: { brier: tidy(base.brier), log: tidy(base.log) },
    skill: { brier: base.brier > 0 ? tidy(1 - brier / base.brier) : 0, log: base.log > 0 ? tidy(1 - log / base.log) : 0 },
    clipped: scored.filter((o) => o.clipped).length,
  };
}

/** CRPS, PIT and mean of number outcomes per cell and pooled: sums over ranked runs in DuckDB. */
async function numberScores(table: BatchTable, o: OutcomeColumn, y: number): Promise<Map<number, { n: number; crps: number; pit: number; mean: number }>> {
  const yl = y.toPrecision(17);
  // d = x − y: centring on y keeps the rank-weighted sum small; Σ(2i − n − 1) = 0, so E|X − X′| is unchanged.
  const ranked = (partition: string) =>
    `SELECT ${partition === '' ? `${POOLED_CELL} AS cell` : 'cell'}, d, row_number() OVER (${partition} ORDER BY d) AS r, count(*) OVER (${partition}) AS m ` +
    `FROM (SELECT cell, ${finiteSql(o.column)} - ${yl} AS d FROM ${table.from}) WHERE d IS NOT NULL`;
  const rows = await table.all(
    `SELECT cell, count(*) AS n, sum(abs(d)) AS sa, sum((2 * r - m - 1) * d) AS sw, count(*) FILTER (WHERE d < 0) AS below, ` +
      `count(*) FILTER (WHERE d = 0) AS ties, avg(d) AS md ` +
      `FROM (${ranked('PARTITION BY cell')} UNION ALL ${ranked('')}) GROUP BY cell ORDER BY cell`,
  );
  const out = new Map<number, { n: number; crps: number; pit: number; mean: number }>();
  for (const r of rows as SqlRow[]) {
    const n = num(r.n);
    if (n === 0) continue;
    // CRPS = (1/n) Σ|x_i − y| − (1/n²) Σ_i (2i − n − 1) x_(i), the second term being ½ E|X − X′|.
    const crps = Math.max(0, num(r.sa) / n - num(r.sw) / (n * n));
    out.set(num(r.cell), { n, crps: tidy(crps), pit: tidy((num(r.below) + num(r.ties) / 2) / n), mean: tidy(num(r.md) + y) });
  }
  return out;
}

/** Bins forecast events (p, happened) into tenths. */
function reliabilityOf(events: readonly { p: number; hit: boolean }[]): ReliabilityBin[] {
  const bins = Array.from({ length: RELIABILITY_BINS }, () => ({ count: 0, sum: 0, hits: 0 }));
  for (const e of events) {
    const b = bins[Math.min(RELIABILITY_BINS - 1, Math.floor(e.p * RELIABILITY_BINS))]!;
    b.count++;
    b.sum += e.p;
    if (e.hit) b.hits++;
  }
  return finishBins(bins);
}

function finishBins(bins: readonly { count: number; sum: number; hits: number }[]): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  bins.forEach((b, k) => {
    if (b.count === 0) return;
    const f = wilson(b.hits, b.count);
    out.push({
      lo: tidy(k / RELIABILITY_BINS),
      hi: tidy((k + 1) / RELIABILITY_BINS),
      count: b.count,
      meanForecast: tidy(b.sum / b.count),
      hits: b.hits,
      frequency: { count: f.count, n: f.n, p: tidy(f.p), lo: tidy(f.lo), hi: tidy(f.hi) },
    });
  });
  return out;
}

/**
 * One reliability table from several scored batches (several scenarios, seeds
 * or sweeps scored against their observations).
 *
 * @example
 * const table = combineReliability([await scoreBatch(a, obsA), await scoreBatch(b, obsB)]);
 */
export function combineReliability(results: readonly ScoreResult[]): ReliabilityBin[] {
  return reliabilityOf(combineEvents(results.flatMap((r) => r.events)));
}

/** Events of the same observation merged into one whose forecast pools their runs (see the module comment). */
export function combineEvents(events: readonly ReliabilityEvent[]): ReliabilityEvent[] {
  const merged = new Map<string, ReliabilityEvent>();
  for (const e of events) {
    const key = JSON.stringify([e.scenario, e.outcome, e.value ?? null, e.hit]);
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...e });
    else {
      seen.n += e.n;
      seen.count += e.count;
      seen.p = tidy(seen.count / seen.n);
    }
  }
  return [...merged.values()];
}

/**
 * Scores a batch against observed outcomes (from {@link parseObserved}), overall
 * and per cell. Throws a {@link BatchInputError} when an observed outcome is not
 * one of the batch's, or its value does not fit it.
 *
 * @example
 * const parsed = parseObserved({ name: 'observed.yaml', text }, table.meta);
 * if (parsed.ok) process.stdout.write(formatScore(await scoreBatch(table, parsed.observed)));
 */
export async function scoreBatch(table: BatchTable, observed: Observed, options: ScoreOptions = {}): Promise<ScoreResult> {
  const { meta } = table;
  const byId = new Map(outcomeColumns(meta).map((o) => [o.id, o]));
  const turnColumns = firstTurnColumns(meta);
  const wanted: { o: OutcomeColumn; value: ObservedValue; date?: string }[] = [];
  for (const obs of observed.outcomes) {
    const o = byId.get(obs.id);
    const fits =
      o !== undefined &&
      (o.kind === 'boolean' ? typeof obs.value === 'boolean' : o.kind === 'category' ? typeof obs.value === 'string' && o.values.includes(obs.value) : typeof obs.value === 'number' && Number.isFinite(obs.value));
    if (!fits)
      throw new BatchInputError(
        o === undefined
          ? `the batch has no outcome "${obs.id}"${didYouMean(obs.id, byId.keys())}: read the observed file with parseObserved against this batch`
          : `the observed value ${JSON.stringify(obs.value)} does not fit the ${o.kind} outcome ${o.id}`,
        'observed-mismatch',
      );
    if (obs.date !== undefined && !(turnColumns.has(obs.id) && obs.value === true))
      throw new BatchInputError(`${obs.id} is observed with a date, but ${turnColumns.has(obs.id) ? 'as false' : 'the batch records no first turn for it (only over: ever boolean outcomes have one)'}`, 'observed-mismatch');
    wanted.push({ o, value: obs.value, ...(obs.date === undefined ? {} : { date: obs.date }) });
  }
  const { calendar } = options;
  const dated = wanted.filter((w) => w.date !== undefined);
  if (dated.length > 0) {
    if (!calendar)
      throw new BatchInputError(
        `the observed file gives the month ${dated.map((w) => w.o.id).join(', ')} first held; turning a month into a turn needs the calendar of ${meta.scenario.id}, which the batch file does not record: give the scenario's calendar`,
        'observed-mismatch',
      );
    const issues = checkObservedDates(observed, calendar);
    if (issues.length > 0) throw new BatchInputError(issues.map(formatIssue).join('\n'), 'observed-mismatch');
  }

  const props = wanted.filter((w) => w.o.kind !== 'number');
  const { overall, cells } = await aggregateOutcomes(
    table,
    props.map((w) => w.o),
  );
  const numbers = new Map<string, Map<number, { n: number; crps: number; pit: number; mean: number }>>();
  for (const w of wanted) if (w.o.kind === 'number') numbers.set(w.o.id, await numberScores(table, w.o, w.value as number));
  const firstTurns = new Map<string, Map<number, number[]>>();
  if (calendar) for (const w of dated) firstTurns.set(w.o.id, await firstTurnCounts(table, w.o.column, turnColumns.get(w.o.id)!, calendar));

  const scoreCell = (c: (typeof cells)[number]): CellScore => {
    const outcomes: OutcomeScore[] = [];
    for (const w of wanted) {
      if (w.o.kind === 'number') {
        const s = numbers.get(w.o.id)?.get(c.cell);
        if (s && c.runs > 0) outcomes.push({ id: w.o.id, label: w.o.label, type: 'number', observed: w.value as number, ...s });
        continue;
      }
      const summary = c.outcomes[props.indexOf(w)];
      const s = summary && scoreProportions(w.o, summary, w.value);
      const counts = firstTurns.get(w.o.id)?.get(c.cell);
      const timing = s?.type === 'boolean' && counts && calendar && w.date !== undefined ? timingScore(counts, w.date, calendar) : undefined;
      if (s) outcomes.push(timing && s.type === 'boolean' ? { ...s, timing } : s);
    }
    const mean = meanScore(outcomes);
    return { cell: c.cell, params: c.params, runs: c.runs, outcomes, ...(mean ? { mean } : {}) };
  };
  const scoredCells = cells.map(scoreCell);
  const pooled = scoreCell(overall);

  // One event per observation, forecast by all runs pooled (see the module comment).
  const events: ReliabilityEvent[] = [];
  const scenario = meta.scenario.id;
  for (const o of pooled.outcomes) {
    if (o.type === 'boolean') {
      // The event is "it held": its forecast is the share of runs where it held, whatever was observed.
      const heldRuns = o.observed ? o.count : o.n - o.count;
      events.push({ scenario, outcome: o.id, n: o.n, count: heldRuns, p: tidy(heldRuns / o.n), hit: o.observed });
    } else if (o.type === 'category')
      for (const d of o.distribution) events.push({ scenario, outcome: o.id, value: d.value, n: o.n, count: d.count, p: tidy(d.count / o.n), hit: d.value === o.observed });
  }

  return {
    scenario: { ...meta.scenario },
    seed: meta.seed,
    design: meta.design.kind,
    swept: meta.design.sweep.map((a) => a.parameter),
    runs: overall.runs,
    planned: meta.shard.to - meta.shard.from,
    ...(observed.file === undefined ? {} : { file: observed.file }),
    observed: wanted.map((w) => ({ id: w.o.id, type: w.o.kind, value: w.value })),
    overall: pooled,
    cells: scoredCells,
    events,
    reliability: reliabilityOf(events),
    ...(calendar && dated.length > 0 ? { calendar: { ...calendar } } : {}),
  };
}
