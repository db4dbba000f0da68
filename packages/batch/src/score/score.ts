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
 * - Reliability: every cell's forecast of every boolean outcome (p of true) and
 *   every category value (p of that value, one-vs-rest) is an event; events are
 *   binned by forecast into tenths, with the mean forecast and the observed
 *   frequency (and its Wilson interval) per bin. Pooled forecasts of a sweep
 *   are not events (they would count each cell twice). `combineReliability`
 *   merges the tables of several batch files.
 */
import { didYouMean } from '@wargame/engine';
import { BatchInputError } from '../errors.js';
import { wilson } from '../stats/wilson.js';
import { aggregateOutcomes, finiteSql, num, outcomeColumns, POOLED_CELL, tidy, type OutcomeColumn } from '../summary.js';
import type { OutcomeSummary, Proportion } from '../summary-types.js';
import type { BatchDesign } from '../meta.js';
import type { BatchTable, SqlRow } from '../table-types.js';
import type { Observed, ObservedValue } from './observed.js';

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
  | ({ id: string; label: string; type: 'boolean'; observed: boolean } & ProbabilityScore)
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
  /** Bins with at least one event, in order. */
  reliability: ReliabilityBin[];
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
  const bins = Array.from({ length: RELIABILITY_BINS }, () => ({ count: 0, sum: 0, hits: 0 }));
  for (const r of results)
    for (const b of r.reliability) {
      const k = Math.min(RELIABILITY_BINS - 1, Math.round(b.lo * RELIABILITY_BINS));
      bins[k]!.count += b.count;
      bins[k]!.sum += b.meanForecast * b.count;
      bins[k]!.hits += b.hits;
    }
  return finishBins(bins);
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
export async function scoreBatch(table: BatchTable, observed: Observed): Promise<ScoreResult> {
  const { meta } = table;
  const byId = new Map(outcomeColumns(meta).map((o) => [o.id, o]));
  const wanted: { o: OutcomeColumn; value: ObservedValue }[] = [];
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
    wanted.push({ o, value: obs.value });
  }

  const props = wanted.filter((w) => w.o.kind !== 'number');
  const { overall, cells } = await aggregateOutcomes(
    table,
    props.map((w) => w.o),
  );
  const numbers = new Map<string, Map<number, { n: number; crps: number; pit: number; mean: number }>>();
  for (const w of wanted) if (w.o.kind === 'number') numbers.set(w.o.id, await numberScores(table, w.o, w.value as number));

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
      if (s) outcomes.push(s);
    }
    const mean = meanScore(outcomes);
    return { cell: c.cell, params: c.params, runs: c.runs, outcomes, ...(mean ? { mean } : {}) };
  };
  const scoredCells = cells.map(scoreCell);

  const events: { p: number; hit: boolean }[] = [];
  for (const c of scoredCells)
    for (const o of c.outcomes) {
      if (o.type === 'boolean') events.push({ p: o.observed ? o.count / o.n : 1 - o.count / o.n, hit: o.observed });
      else if (o.type === 'category') for (const d of o.distribution) events.push({ p: d.count / o.n, hit: d.value === o.observed });
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
    overall: scoreCell(overall),
    cells: scoredCells,
    reliability: reliabilityOf(events),
  };
}
