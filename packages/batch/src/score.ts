/**
 * Scoring a batch's forecasts against what really happened.
 *
 * The observed file is YAML, a flat mapping of outcome → observed value:
 *
 *     karabakh_exodus: true
 *     peace_broker: none
 *     armenian_land_lost_km2: 0
 *
 * or the same under `observed:`, next to the scenario it is for (checked
 * against the batch) and free-text `notes`:
 *
 *     scenario: south-caucasus
 *     notes: as of 2025-08, after the Washington summit
 *     observed:
 *       karabakh_exodus: true
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
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { didYouMean, type ScenarioIssue, type SourceFile } from '@wargame/engine';
import type { BatchMeta } from './meta.js';
import type { OutcomeSummary, Proportion } from './summary-types.js';
import { wilson } from './stats/wilson.js';
import {
  aggregateOutcomes,
  BatchInputError,
  finiteSql,
  formatNumber,
  num,
  outcomeColumns,
  percent,
  POOLED_CELL,
  renderTable,
  renderWide,
  tidy,
  type Align,
  type FormatOptions,
  type OutcomeColumn,
} from './summary.js';
import type { BatchTable, SqlRow } from './table-types.js';

// ---------------------------------------------------------------------------
// The observed file.

export type ObservedValue = boolean | string | number;

export interface ObservedOutcome {
  id: string;
  value: ObservedValue;
  /** Where the value was given (1-based), for messages. */
  line?: number;
  column?: number;
}

export interface Observed {
  /** The file name, as given. */
  file?: string;
  /** The scenario the file names, if it does. */
  scenario?: string;
  notes?: string;
  /** In file order. */
  outcomes: ObservedOutcome[];
}

export type ObservedParse = { ok: true; observed: Observed } | { ok: false; issues: ScenarioIssue[] };

/** Observed files are a few lines; anything this large is the wrong file. */
export const MAX_OBSERVED_BYTES = 1024 * 1024;

const WRAPPER_KEYS = ['scenario', 'notes', 'observed'];

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan'}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * Reads an observed-outcomes file against the outcomes of a batch. Every problem
 * is reported at once, located at file:line:column (print them with
 * `formatIssue` from @wargame/engine).
 *
 * @example
 * const parsed = parseObserved({ name: 'observed.yaml', text }, table.meta);
 * if (!parsed.ok) for (const issue of parsed.issues) console.error(formatIssue(issue));
 */
export function parseObserved(file: SourceFile, meta: BatchMeta): ObservedParse {
  const issues: ScenarioIssue[] = [];
  const lc = new LineCounter();
  const at = (node: YamlNode | null | undefined, path: (string | number)[], message: string, offset?: number): ScenarioIssue => {
    const { line, col } = lc.linePos(offset ?? node?.range?.[0] ?? 0);
    return { file: file.name, line, column: col, path, message };
  };
  const fail = (...list: ScenarioIssue[]): ObservedParse => ({ ok: false, issues: sortByPlace(list) });

  if (file.text.length > MAX_OBSERVED_BYTES)
    return fail({ file: file.name, line: 1, column: 1, path: [], message: `the file is ${(file.text.length / 1048576).toFixed(1)} MB; an observed-outcomes file is a short list of outcome: value lines` });

  const doc = parseDocument(file.text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    // The parser's first error per line: later ones on a line mostly echo it.
    const byLine = new Map<number, ScenarioIssue>();
    for (const e of doc.errors) {
      const issue = at(null, [], `YAML: ${e.message.split('\n')[0] ?? e.message}`, e.pos[0]);
      if (!byLine.has(issue.line!)) byLine.set(issue.line!, issue);
    }
    return fail(...byLine.values());
  }
  const root = doc.contents as YamlNode | null;
  const example = 'e.g. karabakh_exodus: true';
  if (root === null || (isScalar(root) && root.value === null))
    return fail({ file: file.name, line: 1, column: 1, path: [], message: `the file is empty: expected one outcome: value per line, ${example}` });
  if (!isMap(root)) {
    const got = isSeq(root) ? 'a list' : describe(isScalar(root) ? root.value : undefined);
    return fail(at(root, [], `expected a mapping of outcome → observed value at the top of the file (${example}), got ${got}`));
  }

  const outcomes = new Map(outcomeColumns(meta).map((o) => [o.id, o]));
  const keysOf = (map: YamlNode, path: (string | number)[]) => {
    const out: { key: string; keyNode: YamlNode; value: YamlNode | null }[] = [];
    const first = new Map<string, number>();
    for (const pair of isMap(map) ? map.items : []) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number' && typeof keyNode.value !== 'boolean')) {
        issues.push(at(keyNode, path, 'expected an outcome name as the key'));
        continue;
      }
      const key = String(keyNode.value);
      const line = lc.linePos(keyNode.range?.[0] ?? 0).line;
      if (first.has(key)) {
        issues.push(at(keyNode, [...path, key], `"${key}" is given twice (first on line ${first.get(key)}): keep one`));
        continue;
      }
      first.set(key, line);
      let value = pair.value as YamlNode | null;
      if (value && isAlias(value)) value = (value.resolve(doc as Document) as YamlNode | undefined) ?? null;
      out.push({ key, keyNode, value });
    }
    return out;
  };

  // The wrapped form, unless the scenario really has an outcome named like a wrapper key.
  const top = keysOf(root, []);
  const wrapped = top.some((e) => WRAPPER_KEYS.includes(e.key) && !outcomes.has(e.key));
  const observed: Observed = { file: file.name, outcomes: [] };
  let body: { entries: ReturnType<typeof keysOf>; path: string[] } = { entries: top, path: [] };
  if (wrapped) {
    body = { entries: [], path: ['observed'] };
    for (const e of top) {
      const v = e.value && isScalar(e.value) ? e.value.value : undefined;
      if (e.key === 'scenario') {
        if (typeof v !== 'string') issues.push(at(e.value ?? e.keyNode, ['scenario'], `expected the scenario id (${meta.scenario.id}), got ${describe(v)}`));
        else if (v !== meta.scenario.id)
          issues.push(at(e.value, ['scenario'], `this file observes scenario "${v}", but the batch is of "${meta.scenario.id}": score it against a batch of ${v}, or fix the id`));
        else observed.scenario = v;
      } else if (e.key === 'notes') {
        if (typeof v !== 'string') issues.push(at(e.value ?? e.keyNode, ['notes'], `expected notes as text, got ${e.value && isScalar(e.value) ? describe(v) : 'a structure'}`));
        else observed.notes = v;
      } else if (e.key === 'observed') {
        if (!e.value || !isMap(e.value)) issues.push(at(e.value ?? e.keyNode, ['observed'], `expected a mapping of outcome → observed value under observed (${example})`));
        else body = { entries: keysOf(e.value, ['observed']), path: ['observed'] };
      } else {
        issues.push(at(e.keyNode, [e.key], `unknown key "${e.key}"${didYouMean(e.key, WRAPPER_KEYS)}: next to observed only scenario and notes may be given`));
      }
    }
    if (!top.some((e) => e.key === 'observed')) issues.push(at(root, [], `expected observed: a mapping of outcome → observed value (${example})`));
  }

  for (const { key, keyNode, value } of body.entries) {
    const path = [...body.path, key];
    const o = outcomes.get(key);
    if (!o) {
      const hint = didYouMean(key, outcomes.keys());
      const list = hint === '' ? `; the batch's outcomes are ${[...outcomes.keys()].join(', ')}` : '';
      issues.push(at(keyNode, path, `unknown outcome "${key}"${hint}${list}`));
      continue;
    }
    if (value && (isMap(value) || isSeq(value))) {
      issues.push(at(value, path, `expected one observed value for ${key}, got a ${isMap(value) ? 'mapping' : 'list'}`));
      continue;
    }
    const raw: unknown = value && isScalar(value) ? value.value : null;
    const where = value?.range && !(isScalar(value) && value.value === null) ? value : keyNode;
    const issue = (message: string) => issues.push(at(where, path, message));
    if (raw === null || raw === undefined) {
      issue(`no value given for ${key}: ${o.kind === 'boolean' ? 'write true or false' : o.kind === 'category' ? `write one of ${o.values.join(', ')}` : 'write a number'}, or leave the line out`);
      continue;
    }
    let ok: ObservedValue | undefined;
    if (o.kind === 'boolean') {
      if (typeof raw === 'boolean') ok = raw;
      else {
        const yamlOne = typeof raw === 'string' && /^(yes|no|y|n|on|off)$/i.test(raw) ? ' (YAML 1.2 reads yes/no/on/off as text)' : '';
        issue(`${key} is a boolean outcome: expected true or false, got ${describe(raw)}${yamlOne}`);
      }
    } else if (o.kind === 'category') {
      const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
      if (text !== undefined && o.values.includes(text)) ok = text;
      else
        issue(
          `${text === undefined ? describe(raw) : JSON.stringify(text)} is not a value of ${key}${text === undefined ? '' : didYouMean(text, o.values)}: expected one of ${o.values.join(', ')}`,
        );
    } else if (typeof raw === 'number' && Number.isFinite(raw)) ok = raw;
    else issue(`${key} is a number outcome: expected a finite number, got ${describe(raw)}`);
    if (ok === undefined) continue;
    const { line, col } = lc.linePos(where.range?.[0] ?? 0);
    observed.outcomes.push({ id: key, value: ok, line, column: col });
  }
  if (issues.length === 0 && observed.outcomes.length === 0)
    issues.push(at(root, body.path, `no outcomes observed: give at least one outcome: value line (${example})`));
  return issues.length > 0 ? fail(...issues) : { ok: true, observed };
}

function sortByPlace(issues: ScenarioIssue[]): ScenarioIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

// ---------------------------------------------------------------------------
// Scores.

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
  design: 'single' | 'grid' | 'lhs';
  swept: string[];
  runs: number;
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
    ...(observed.file === undefined ? {} : { file: observed.file }),
    observed: wanted.map((w) => ({ id: w.o.id, type: w.o.kind, value: w.value })),
    overall: scoreCell(overall),
    cells: scoredCells,
    reliability: reliabilityOf(events),
  };
}

// ---------------------------------------------------------------------------
// The text.

function observedText(v: ObservedValue): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function skillText(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

const CLIP = '‡';

/**
 * The score as plain text: for all runs, one row per observed outcome with the
 * probability the batch gave to what happened, Brier and log scores next to the
 * uniform baseline and the skill; number outcomes with CRPS and PIT; the mean
 * row. For a sweep, then one column per cell (rows: p(observed) or CRPS per
 * outcome, then the mean scores and skills). Last, the reliability table.
 *
 * @example
 * process.stdout.write(formatScore(await scoreBatch(table, observed)));
 */
export function formatScore(result: ScoreResult, options: FormatOptions = {}): string {
  const maxWidth = options.width ?? 100;
  const lines: string[] = [];
  const against = result.file === undefined ? '' : ` against ${result.file}`;
  lines.push(`Score of ${result.scenario.title} (${result.scenario.id})${against}`);
  const sweep = result.cells.length > 1;
  lines.push(`${result.runs} runs · seed ${result.seed}${sweep ? ` · ${result.cells.length} cells (${result.design}: ${result.swept.join(', ')})` : ''}`);
  lines.push('');
  if (sweep) lines.push('All cells pooled (the mixture of the cells as one forecast):');

  const o = result.overall;
  const rows: string[][] = [['outcome', 'observed', 'p(obs)', 'Brier', 'base', 'skill', 'log', 'base', 'skill']];
  const numbers: string[][] = [];
  for (const s of o.outcomes) {
    if (s.type === 'number') {
      numbers.push([s.id, observedText(s.observed), `CRPS ${formatNumber(s.crps)} · PIT ${s.pit.toFixed(2)} · mean of runs ${formatNumber(s.mean)} · n ${s.n}`]);
      continue;
    }
    rows.push([
      s.id,
      observedText(s.observed),
      percent(s.p),
      s.brier.toFixed(3),
      s.baseline.brier.toFixed(3),
      skillText(s.skill.brier),
      `${s.log.toFixed(2)}${s.clipped ? CLIP : ' '}`,
      s.baseline.log.toFixed(2),
      skillText(s.skill.log),
    ]);
  }
  if (o.mean)
    rows.push([
      `mean of ${o.mean.outcomes}`,
      '',
      '',
      o.mean.brier.toFixed(3),
      o.mean.baseline.brier.toFixed(3),
      skillText(o.mean.skill.brier),
      `${o.mean.log.toFixed(2)} `,
      o.mean.baseline.log.toFixed(2),
      skillText(o.mean.skill.log),
    ]);
  if (rows.length > 1) lines.push(...renderTable(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
  if (numbers.length > 0) {
    if (rows.length > 1) lines.push('');
    lines.push(...renderTable([['outcome', 'observed', 'ensemble score'], ...numbers], ['l', 'l', 'l']));
  }
  if (o.outcomes.length === 0) lines.push('No runs to score.');

  lines.push('');
  if (rows.length > 1) {
    lines.push('p(obs): share of runs that produced what happened. Scores: lower is better; base: a uniform forecast');
    lines.push('(½ for booleans, 1/K for K values); skill = 1 − score/base, above 0 beats it. Log: natural log.');
  }
  const clipped = [o, ...result.cells].some((c) => c.outcomes.some((s) => s.type !== 'number' && s.clipped));
  if (clipped) lines.push(`${CLIP} the runs never produced the observed value: log score at p = 1/(2(n+1)) instead of infinity.`);
  if (numbers.length > 0) lines.push('CRPS: in the outcome\'s units, no baseline; PIT: share of runs below the observed value.');

  if (sweep) {
    lines.push('', 'By cell:');
    const swept = result.swept.length > 0 ? result.swept : Object.keys(result.cells[0]?.params ?? {});
    const table: string[][] = [['cell', ...result.cells.map((c) => String(c.cell))]];
    for (const p of swept) table.push([p, ...result.cells.map((c) => (c.params[p] === undefined ? '' : formatNumber(c.params[p])))]);
    table.push(['runs', ...result.cells.map((c) => String(c.runs))]);
    for (const obs of result.observed) {
      const label = obs.type === 'number' ? `${obs.id} CRPS` : `${obs.id} p(obs)`;
      table.push([
        label,
        ...result.cells.map((c) => {
          const s = c.outcomes.find((x) => x.id === obs.id);
          if (!s) return '—';
          return s.type === 'number' ? formatNumber(s.crps) : `${percent(s.p)}${s.clipped ? CLIP : ''}`;
        }),
      ]);
    }
    const meanRow = (label: string, f: (m: MeanScore) => string) => table.push([label, ...result.cells.map((c) => (c.mean ? f(c.mean) : '—'))]);
    if (result.cells.some((c) => c.mean)) {
      meanRow('mean Brier', (m) => m.brier.toFixed(3));
      meanRow('Brier skill', (m) => skillText(m.skill.brier));
      meanRow('mean log', (m) => m.log.toFixed(2));
      meanRow('log skill', (m) => skillText(m.skill.log));
    }
    lines.push(...renderWide(table, ['l', ...result.cells.map((): Align => 'r')], 1, maxWidth));
  }

  if (result.reliability.length > 0) {
    const events = result.reliability.reduce((s, b) => s + b.count, 0);
    lines.push('', `Reliability (${events} forecasts: each ${sweep ? "cell's " : ''}boolean outcome and category value):`);
    const rel: string[][] = [['forecast', 'events', 'mean forecast', 'happened', 'frequency', '95% CI (%)']];
    for (const b of result.reliability)
      rel.push([
        `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`,
        String(b.count),
        percent(b.meanForecast),
        String(b.hits),
        percent(b.frequency.p),
        `[${(b.frequency.lo * 100).toFixed(1)}, ${(b.frequency.hi * 100).toFixed(1)}]`,
      ]);
    lines.push(...renderTable(rel, ['l', 'r', 'r', 'r', 'r', 'l']));
    lines.push('A calibrated batch has frequencies close to its mean forecasts.');
  }
  return `${lines.join('\n')}\n`;
}
