/**
 * Scenario discovery on a batch (as the EMA Workbench does it): which
 * combinations of the swept parameters lead to an outcome. X is each run's
 * value of every parameter that varies in the rows, y whether the run's
 * outcome is the one asked about; PRIM finds one box of high density with its
 * peeling trajectory, and a CART tree splits the space into leaves.
 *
 * Only the needed columns are read, through DuckDB; more than
 * {@link MAX_DISCOVER_RUNS} runs are sampled down to that many (a seeded
 * reservoir sample, the same for the same batch), which the result says.
 */
import seedrandom from 'seedrandom';
import { didYouMean } from '@wargame/engine';
import { BatchError } from '../errors.js';
import type { BatchMeta } from '../meta.js';
import { finiteSql, num, outcomeColumns, tidy, type OutcomeColumn } from '../summary.js';
import { ident, literal, type BatchTable } from '../table-types.js';
import { formatNumber, formatPercent } from '../text/numbers.js';
import { growTree, treeLeaves, type CartLeaf } from './cart.js';
import { prim, PRIM_DEFAULTS, quasiPValues, type PrimBox, type PrimOptions, type PrimResult } from './prim.js';
import { ruleText } from './rules-text.js';

/** Most runs a discovery reads; a larger batch is sampled (seeded) down to this many. */
export const MAX_DISCOVER_RUNS = 200_000;

/** A request the batch cannot answer: an unknown outcome or value, nothing that varies, an outcome that never or always happens. */
export class DiscoverInputError extends BatchError<'unknown-outcome' | 'bad-value' | 'no-variation' | 'no-contrast' | 'bad-selection'> {
  override readonly name = 'DiscoverInputError';
}

export interface DiscoverRequest {
  /** The outcome id. */
  outcome: string;
  /**
   * Which runs are cases of interest: `true` (default) or `false` for a yes/no
   * outcome, a declared value for a category, a comparison (`>50`, `<=10`,
   * `=3`) for a number.
   */
  value?: string;
  prim?: Partial<PrimOptions>;
  /** Which point of the trajectory to report (default: the last, as EMA). At most one of `box` and the thresholds. */
  select?: { density?: number; coverage?: number; box?: number };
  cart?: { maxDepth?: number; minLeaf?: number };
  /** Rows read at most (default {@link MAX_DISCOVER_RUNS}). */
  maxRuns?: number;
}

export const CART_DEFAULTS = { maxDepth: 3, minLeaf: 0.05 } as const;

/** A swept parameter as a dimension of the discovery. */
export interface DiscoveryDimension {
  /** The parameter id or override path (`western_pressure`, `party.russia.noise`). */
  id: string;
  column: string;
  label: string;
  /** Smallest and largest value in the runs read. */
  min: number;
  max: number;
}

/** A restricted dimension of a box or leaf: `lower ≤ x ≤ upper` (PRIM) or `lower < x ≤ upper` (CART); an absent end is unrestricted. */
export interface DiscoveryLimit {
  parameter: string;
  lower?: number;
  upper?: number;
  /** PRIM's chosen box only: the quasi-p-value of each restricted end. */
  qpLower?: number;
  qpUpper?: number;
}

export interface DiscoveryPoint {
  /** Its place on the trajectory: 0 is the whole space. */
  index: number;
  step: PrimBox['step'];
  coverage: number;
  density: number;
  mass: number;
  /** Runs in the box, and cases among them. */
  n: number;
  k: number;
  limits: DiscoveryLimit[];
}

export interface DiscoveryLeaf {
  rule: string;
  limits: DiscoveryLimit[];
  n: number;
  k: number;
  density: number;
  coverage: number;
  mass: number;
}

export interface DiscoveryResult {
  scenario: { id: string; hash: string; title: string };
  outcome: { id: string; label: string; kind: OutcomeColumn['kind'] /** What makes a run a case: `= true`, `= eu`, `> 50`. */; condition: string };
  /** Runs in the file(s), and the runs they were to hold (more when interrupted). */
  runs: number;
  planned: number;
  /** Set when the runs were sampled down to `size`, with the sample's seed. */
  sample: { size: number; seed: number } | null;
  /** Runs analysed: read, and with a value of the outcome. */
  used: number;
  /** Runs read without a value of the outcome (a number that is missing or not finite). */
  missing: number;
  /** Cases of interest among the runs used, and their share. */
  cases: number;
  base: number;
  dimensions: DiscoveryDimension[];
  /** Parameters that take one value in every run: not dimensions. */
  constant: string[];
  prim: {
    options: PrimOptions;
    trajectory: DiscoveryPoint[];
    /** The reported point: its index, and why it was picked. */
    chosen: number;
    chosenBy: 'last' | 'threshold' | 'box';
    rule: string;
    box: DiscoveryPoint;
  };
  cart: { maxDepth: number; minLeaf: number; leaves: DiscoveryLeaf[] };
}

interface Target {
  outcome: OutcomeColumn;
  condition: string;
  /** A SQL expression: 1 for a case, 0 for not, NULL for no value. */
  sql: string;
}

/** Checks the outcome and value against the batch's columns. */
export function discoveryTarget(meta: BatchMeta, outcome: string, value: string | undefined): Target {
  const outcomes = outcomeColumns(meta);
  const o = outcomes.find((c) => c.id === outcome);
  if (!o) {
    const ids = outcomes.map((c) => c.id);
    throw new DiscoverInputError(
      `no outcome "${outcome}" in this batch of ${meta.scenario.id}${didYouMean(outcome, ids)}; its outcomes are ${ids.join(', ') || '(none)'}`,
      'unknown-outcome',
    );
  }
  const col = ident(o.column);
  if (o.kind === 'boolean') {
    const v = (value ?? 'true').toLowerCase();
    if (v !== 'true' && v !== 'false') throw new DiscoverInputError(`${o.id} is a yes/no outcome: --value must be true or false, not "${value}"`, 'bad-value');
    return { outcome: o, condition: `= ${v}`, sql: `CAST(${col} = ${v} AS INTEGER)` };
  }
  if (o.kind === 'category') {
    if (value === undefined) throw new DiscoverInputError(`${o.id} is a category: give --value, one of ${o.values.join(', ')}`, 'bad-value');
    if (!o.values.includes(value))
      throw new DiscoverInputError(`${o.id} has no value "${value}"${didYouMean(value, o.values)}; its values are ${o.values.join(', ')}`, 'bad-value');
    return { outcome: o, condition: `= ${value}`, sql: `CAST(${col} = ${literal(value)} AS INTEGER)` };
  }
  const m = value === undefined ? null : /^\s*(>=|<=|>|<|=)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(value);
  if (!m || !Number.isFinite(Number(m[2])))
    throw new DiscoverInputError(
      `${o.id} is a number: give --value a comparison such as '>50', '<=10' or '=3'${value === undefined ? '' : `, not "${value}"`}`,
      'bad-value',
    );
  const threshold = Number(m[2]);
  return { outcome: o, condition: `${m[1]} ${threshold}`, sql: `CAST(${finiteSql(o.column)} ${m[1]} ${threshold} AS INTEGER)` };
}

/**
 * Finds the combinations of swept parameters that lead to an outcome: PRIM's
 * box and trajectory, and a CART tree's leaves. Throws a
 * {@link DiscoverInputError} for a request the batch cannot answer.
 *
 * @example
 * const r = await discover(table, { outcome: 'peace_treaty_signed' });
 * console.log(r.prim.rule, r.prim.box.density, r.prim.box.coverage);
 */
export async function discover(table: BatchTable, request: DiscoverRequest): Promise<DiscoveryResult> {
  const { meta } = table;
  const target = discoveryTarget(meta, request.outcome, request.value);
  const options: PrimOptions = { ...PRIM_DEFAULTS, ...request.prim };
  const maxRuns = request.maxRuns ?? MAX_DISCOVER_RUNS;
  checkSelection(request.select);

  // Which parameters vary, over every run of the file(s).
  const params = meta.columns
    .filter((c) => c.role === 'parameter')
    .map((c) => ({ id: c.source ?? c.name.replace(/^param_/, ''), column: c.name, label: c.label ?? c.source ?? c.name }));
  const rangeSql = params.flatMap((p, j) => [`min(${ident(p.column)}) AS lo${j}`, `max(${ident(p.column)}) AS hi${j}`]);
  const [ranges] = await table.all(`SELECT count(*) AS runs${rangeSql.map((s) => `, ${s}`).join('')} FROM ${table.from}`);
  const runs = num(ranges?.['runs']);
  const varying = params.filter((_, j) => num(ranges?.[`hi${j}`]) > num(ranges?.[`lo${j}`]));
  const constant = params.filter((p) => !varying.includes(p)).map((p) => p.id);
  if (varying.length === 0) {
    const why =
      runs === 0
        ? 'the batch has no runs'
        : meta.design.sweep.length > 0
          ? 'no parameter varies in the runs of this file (one cell of the sweep?)'
          : 'no parameter varies in this batch (a single cell)';
    throw new DiscoverInputError(
      `${why}: discovery needs runs over several parameter values; run wargame batch ${meta.scenario.id} --runs N --sweep p=lo:hi --sweep q=lo:hi --lhs K`,
      'no-variation',
    );
  }

  // The rows: only the columns needed, a seeded sample past the bound.
  const sampleSeed = sampleSeedOf(meta.seed);
  const sampled = runs > maxRuns;
  const cols = varying.map((p, j) => `CAST(${ident(p.column)} AS DOUBLE) AS x${j}`);
  // Only the columns needed go into the sample (DuckDB single-threaded, so the seed makes it repeatable).
  const needed = ['run', ...varying.map((p) => p.column), target.outcome.column].map(ident).join(', ');
  const source = sampled ? `(SELECT ${needed} FROM ${table.from} USING SAMPLE reservoir(${maxRuns} ROWS) REPEATABLE (${sampleSeed}))` : table.from;
  const rows = await table.all(`SELECT ${[...cols, `${target.sql} AS y`].join(', ')} FROM ${source} ORDER BY run`);
  const present = rows.filter((r) => r['y'] !== null && r['y'] !== undefined);
  const used = present.length;
  const x = varying.map((_, j) => Float64Array.from(present, (r) => num(r[`x${j}`])));
  const y = Uint8Array.from(present, (r) => (num(r['y']) === 1 ? 1 : 0));
  let cases = 0;
  for (const v of y) cases += v;
  const what = `${target.outcome.id} ${target.condition}`;
  const among = `${used.toLocaleString('en')} run${used === 1 ? '' : 's'}${sampled ? ' sampled' : ''}`;
  if (used === 0) throw new DiscoverInputError(`${target.outcome.id} has no value in any run read: nothing to discover`, 'no-contrast');
  if (cases === 0 || cases === used) {
    // For a number, where its values lie tells the user which threshold would split the runs.
    let spread = '';
    if (target.outcome.kind === 'number') {
      const [r] = await table.all(`SELECT min(${finiteSql(target.outcome.column)}) AS lo, max(${finiteSql(target.outcome.column)}) AS hi FROM ${table.from}`);
      spread = `; its values run from ${formatNumber(num(r?.['lo']))} to ${formatNumber(num(r?.['hi']))}`;
    }
    if (cases === 0)
      throw new DiscoverInputError(
        `${what} never happens in the ${among}: there is nothing to discover (try another --value, or wider sweeps)${spread}`,
        'no-contrast',
      );
    throw new DiscoverInputError(
      `${what} happens in every one of the ${among}: no parameter values avoid it (try another --value, or wider sweeps)${spread}`,
      'no-contrast',
    );
  }

  const dimensions: DiscoveryDimension[] = varying.map((p, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x[j]!) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return { id: p.id, column: p.column, label: p.label, min: tidy(lo), max: tidy(hi) };
  });
  const ids = dimensions.map((d) => d.id);

  // PRIM.
  const found = prim(x, y, options);
  const trajectory = found.trajectory.map((b, index) => point(b, index, found.init, ids));
  const { chosen, chosenBy } = chooseBox(trajectory, request.select);
  const box = { ...trajectory[chosen]! };
  const qp = quasiPValues(x, y, found.trajectory[chosen]!, found.init);
  box.limits = box.limits.map((l) => {
    const q = qp.find((e) => ids[e.dim] === l.parameter);
    return { ...l, ...(q?.lower === undefined ? {} : { qpLower: tidy(q.lower) }), ...(q?.upper === undefined ? {} : { qpUpper: tidy(q.upper) }) };
  });

  // CART.
  const maxDepth = request.cart?.maxDepth ?? CART_DEFAULTS.maxDepth;
  const minLeaf = Math.max(1, Math.floor((request.cart?.minLeaf ?? CART_DEFAULTS.minLeaf) * used));
  const leaves = treeLeaves(growTree(x, y, { maxDepth, minLeaf })).map((leaf) => cartLeaf(leaf, ids, used, cases));
  leaves.sort((a, b) => b.density - a.density || b.n - a.n);

  return {
    scenario: { ...meta.scenario },
    outcome: { id: target.outcome.id, label: target.outcome.label, kind: target.outcome.kind, condition: target.condition },
    runs,
    planned: meta.shard.to - meta.shard.from,
    sample: sampled ? { size: maxRuns, seed: sampleSeed } : null,
    used,
    missing: rows.length - used,
    cases,
    base: tidy(cases / used),
    dimensions,
    constant,
    prim: { options, trajectory, chosen, chosenBy, rule: ruleText(box.limits, 'prim'), box },
    cart: { maxDepth, minLeaf, leaves },
  };
}

/** The seed of a batch's sample: from the batch seed, in [0, 2^31), the range DuckDB's REPEATABLE accepts. */
export function sampleSeedOf(batchSeed: string): number {
  return seedrandom.alea(`${batchSeed}/discover`).int32() >>> 1;
}

function point(b: PrimBox, index: number, init: PrimResult['init'], ids: readonly string[]): DiscoveryPoint {
  const limits: DiscoveryLimit[] = b.restricted.map((j) => ({
    parameter: ids[j]!,
    ...(b.lower[j] === init.lower[j] ? {} : { lower: tidy(b.lower[j]!) }),
    ...(b.upper[j] === init.upper[j] ? {} : { upper: tidy(b.upper[j]!) }),
  }));
  return { index, step: b.step, coverage: tidy(b.coverage), density: tidy(b.density), mass: tidy(b.mass), n: b.n, k: b.k, limits };
}

function cartLeaf(leaf: CartLeaf, ids: readonly string[], used: number, cases: number): DiscoveryLeaf {
  const limits: DiscoveryLimit[] = leaf.conditions.map((c) => ({
    parameter: ids[c.dim]!,
    ...(c.lower === undefined ? {} : { lower: tidy(c.lower) }),
    ...(c.upper === undefined ? {} : { upper: tidy(c.upper) }),
  }));
  return {
    rule: ruleText(limits, 'cart'),
    limits,
    n: leaf.n,
    k: leaf.k,
    density: tidy(leaf.n > 0 ? leaf.k / leaf.n : 0),
    coverage: tidy(leaf.k / cases),
    mass: tidy(leaf.n / used),
  };
}

function checkSelection(select: DiscoverRequest['select']): void {
  if (!select) return;
  const { box, density, coverage } = select;
  if (box !== undefined && (density !== undefined || coverage !== undefined))
    throw new DiscoverInputError('give either --box or --density/--coverage, not both', 'bad-selection');
  for (const [name, v] of [
    ['density', density],
    ['coverage', coverage],
  ] as const)
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new DiscoverInputError(`--${name} must be a share from 0 to 1, not ${v}`, 'bad-selection');
}

/**
 * The point to report: `--box N` as asked; thresholds: of the points with
 * density ≥ `density` and coverage ≥ `coverage`, the one with the most
 * coverage (with only a coverage threshold: the densest); else the last, as
 * the EMA Workbench selects after `find_box`.
 */
export function chooseBox(
  trajectory: readonly DiscoveryPoint[],
  select: DiscoverRequest['select'],
): { chosen: number; chosenBy: DiscoveryResult['prim']['chosenBy'] } {
  const last = trajectory.length - 1;
  if (select?.box !== undefined) {
    if (!Number.isInteger(select.box) || select.box < 0 || select.box > last)
      throw new DiscoverInputError(`--box ${select.box} is not on the trajectory: its points are 0 (all runs) to ${last}`, 'bad-selection');
    return { chosen: select.box, chosenBy: 'box' };
  }
  const { density, coverage } = select ?? {};
  if (density === undefined && coverage === undefined) return { chosen: last, chosenBy: 'last' };
  const fits = trajectory.filter((p) => (density === undefined || p.density >= density) && (coverage === undefined || p.coverage >= coverage));
  if (fits.length === 0) {
    const best = trajectory.reduce((a, b) => (b.density > a.density ? b : a));
    const asked = [density === undefined ? '' : `density ≥ ${formatPercent(density)}`, coverage === undefined ? '' : `coverage ≥ ${formatPercent(coverage)}`]
      .filter(Boolean)
      .join(' and ');
    throw new DiscoverInputError(
      `no box on the trajectory has ${asked}: the densest is point ${best.index} (density ${formatPercent(best.density)}, coverage ${formatPercent(best.coverage)}); lower the threshold or pick a point with --box N`,
      'bad-selection',
    );
  }
  const key = (p: DiscoveryPoint) => (density === undefined ? p.density : p.coverage);
  const pick = fits.reduce((a, b) => (key(b) > key(a) ? b : a));
  return { chosen: pick.index, chosenBy: 'threshold' };
}
