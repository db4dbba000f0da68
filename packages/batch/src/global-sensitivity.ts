/**
 * Global sensitivity on the designs built for it: Sobol indices on a Saltelli
 * design (`wargame batch --sobol N`) and Morris's elementary effects on Morris
 * trajectories (`--morris R`).
 *
 * Both are computed on the cell-mean outcome: each cell's runs are averaged
 * first, so the model being analysed is "the expected outcome at these
 * parameter values", and seed noise does not pose as an interaction. Every
 * cell plays the same seeds (common random numbers), so the part of the noise
 * every cell shares cancels in the differences the estimators take. How much
 * of the per-run variance is the seeds' (within cells) and how much the
 * parameters' and their interactions' (between cells) is reported beside the
 * indices, with an upper bound on the noise left in the cell means.
 */
import seedrandom from 'seedrandom';
import { cellMeans, targetName, targetsOf, type Target, type VarianceSplit } from './cell-means.js';
import { paramColumnName } from './columns.js';
import { BatchInputError } from './errors.js';
import { cellCount, type BatchMeta } from './meta.js';
import type { Interval } from './stats/bootstrap.js';
import { BOOTSTRAP_RESAMPLES } from './stats/bootstrap.js';
import { morrisIndices } from './stats/morris.js';
import { saltelliBlockSize, sobolIndices } from './stats/sobol.js';
import { partialNote, tidy } from './summary.js';
import type { BatchTable } from './table-types.js';
import { formatNumber, formatPercent } from './text/numbers.js';
import { renderTable, type FormatOptions } from './text/table.js';
import { appendAll } from './util/arrays.js';

export interface GlobalOptions {
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

/** A swept axis of a Sobol or Morris design. */
export interface GlobalParameter {
  id: string;
  column: string;
  label: string;
  min: number;
  max: number;
}

interface GlobalBase {
  scenario: { id: string; hash: string; title: string };
  runs: number;
  /** Runs the file(s) were to hold; more than `runs` when interrupted. */
  planned: number;
  runsPerCell: number;
  cells: number;
  resamples: number;
  level: number;
  parameters: GlobalParameter[];
}

interface GlobalOutcomeBase {
  outcome: string;
  /** For a category: the value this row is the share of (one value against the rest). */
  value?: string;
  label: string;
  kind: 'boolean' | 'category' | 'number';
  /** Never varies over the cell means: no index to compute. */
  constant: boolean;
  split: VarianceSplit;
}

export interface SobolOutcome extends GlobalOutcomeBase {
  /** Blocks whose every cell had a value (the others are left out: an interrupted file, a number never finite). */
  blocks: number;
  /** First-order indices S_i, in parameter order. */
  first: Interval[];
  /** Total-order indices S_Ti. */
  total: Interval[];
  /** Second-order indices S_ij (i < j, parameter indices), when the design has them. */
  second?: ({ a: number; b: number } & Interval)[];
  /** It varies between cells, but not over the A and B samples the estimators divide by (a rare outcome): no index can be computed. */
  sparse?: true;
}

export interface SobolSensitivity extends GlobalBase {
  method: 'sobol';
  /** Base rows (blocks) of the design. */
  n: number;
  secondOrder: boolean;
  outcomes: SobolOutcome[];
}

export interface MorrisParameterEffect {
  /** Effects measured: trajectories whose step for this parameter had both outputs. */
  effects: number;
  mu: number;
  muStar: Interval;
  sigma: number;
}

export interface MorrisOutcome extends GlobalOutcomeBase {
  /** In parameter order. Effects are per whole range: the change in the outcome (a share for yes/no) if the parameter went from its low to its high end at that rate. */
  effects: MorrisParameterEffect[];
}

export interface MorrisSensitivity extends GlobalBase {
  method: 'morris';
  trajectories: number;
  levels: number;
  outcomes: MorrisOutcome[];
}

function base(table: BatchTable, runs: number, options: GlobalOptions): GlobalBase {
  const { meta } = table;
  const label = (id: string) => meta.columns.find((c) => c.name === paramColumnName(id))?.label ?? id;
  const parameters = meta.design.sweep.map((a) => ({ id: a.parameter, column: paramColumnName(a.parameter), label: label(a.parameter), min: a.range?.[0] ?? 0, max: a.range?.[1] ?? 0 }));
  return {
    scenario: { ...meta.scenario },
    runs,
    planned: meta.shard.to - meta.shard.from,
    runsPerCell: meta.runsPerCell,
    cells: cellCount(meta.design),
    resamples: options.resamples ?? BOOTSTRAP_RESAMPLES,
    level: options.level ?? 0.95,
    parameters,
  };
}

function outcomeBase(t: Target, split: VarianceSplit): GlobalOutcomeBase {
  const o: GlobalOutcomeBase = { outcome: t.outcome.id, label: t.outcome.label, kind: t.outcome.kind, constant: !(split.betweenCells > 0), split: tidySplit(split) };
  if (t.value !== undefined) o.value = t.value;
  return o;
}

function tidySplit(s: VarianceSplit): VarianceSplit {
  return { perRun: tidy(s.perRun), betweenCells: tidy(s.betweenCells), withinCells: tidy(s.withinCells), seedShare: tidy(s.seedShare), noiseInMeans: tidy(s.noiseInMeans) };
}

function tidyInterval(x: Interval): Interval {
  return { value: tidy(x.value), lo: tidy(x.lo), hi: tidy(x.hi), se: tidy(x.se), conf: tidy(x.conf) };
}

/** Each target's bootstrap stream: from the batch seed and the target alone, so adding an outcome changes no other's interval. */
function streamFor(meta: BatchMeta, method: string, t: Target): () => number {
  return seedrandom.alea(`${meta.seed}/${method}/${targetName({ outcome: t.outcome.id, ...(t.value === undefined ? {} : { value: t.value }) })}`);
}

/** The cells' unit-scale coordinates on the design's axes, from the parameters the metadata lists (undefined for a cell it does not list). */
function unitCoordinates(meta: BatchMeta): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const c of meta.design.cells)
    out.set(
      c.cell,
      meta.design.sweep.map((a) => {
        const [lo, hi] = a.range ?? [0, 1];
        return hi > lo ? ((c.params[a.parameter] ?? Number.NaN) - lo) / (hi - lo) : 0;
      }),
    );
  return out;
}

function refuseUnless(meta: BatchMeta, kind: 'sobol' | 'morris'): void {
  if (meta.design.kind === kind) return;
  throw new BatchInputError(`this batch's design is ${meta.design.kind}, not ${kind}: run wargame batch ${meta.scenario.id} --${kind} ${kind === 'sobol' ? 'N' : 'R'} --sweep p=low:high …`, 'not-this-design');
}

/**
 * Sobol indices (S_i, S_Ti and, when the design has them, S_ij) of every
 * outcome on a Saltelli design, with bootstrap intervals over its blocks.
 *
 * @example
 * const result = await sobolSensitivity(table);
 * process.stdout.write(formatSobolSensitivity(result));
 */
export async function sobolSensitivity(table: BatchTable, options: GlobalOptions = {}): Promise<SobolSensitivity> {
  const { meta } = table;
  refuseUnless(meta, 'sobol');
  const sobol = meta.design.sobol;
  const k = meta.design.sweep.length;
  if (!sobol || k === 0) throw new BatchInputError('the metadata says sobol but gives no --sobol sample or no swept range: the file was not written by wargame batch --sobol', 'not-this-design');
  const step = saltelliBlockSize(k, sobol.secondOrder);
  const total = cellCount(meta.design);
  if (total !== sobol.n * step) throw new BatchInputError(`a Saltelli design of n = ${sobol.n} over ${k} ranges has ${sobol.n * step} cells, but this one has ${total}`, 'not-this-design');
  checkSaltelliOrder(meta, k, step);

  const targets = targetsOf(meta);
  const cm = await cellMeans(table, targets);
  const at = new Map(cm.cells.map((c, i) => [c, i]));
  const b = base(table, await countRuns(table), options);

  const outcomes = targets.map((t, ti): SobolOutcome => {
    const means = cm.means[ti]!;
    const o = outcomeBase(t, cm.split[ti]!);
    // Whole blocks only: the estimators pair A, B and AB^i of one block.
    const y: number[] = [];
    let blocks = 0;
    for (let j = 0; j < sobol.n; j++) {
      const block: number[] = [];
      for (let p = 0; p < step; p++) {
        const i = at.get(j * step + p);
        const v = i === undefined ? Number.NaN : means[i]!;
        if (!Number.isFinite(v)) break;
        block.push(v);
      }
      if (block.length === step) {
        appendAll(y, block);
        blocks++;
      }
    }
    const zero = b.parameters.map(() => ({ value: 0, lo: 0, hi: 0, se: 0, conf: 0 }));
    if (o.constant || blocks === 0) {
      const out: SobolOutcome = { ...o, constant: true, blocks, first: zero, total: zero };
      if (sobol.secondOrder) out.second = pairs(k).map(([a, c]) => ({ a, b: c, ...zero[0]! }));
      return out;
    }
    const ix = sobolIndices(y, k, sobol.secondOrder, { rng: streamFor(meta, 'sobol', t), resamples: b.resamples, level: b.level });
    const out: SobolOutcome = { ...o, constant: ix.constant, blocks, first: ix.first.map(tidyInterval), total: ix.total.map(tidyInterval), ...(ix.constant ? { sparse: true as const } : {}) };
    if (ix.second) out.second = ix.second.map((s) => ({ a: s.i, b: s.j, ...tidyInterval(s) }));
    return out;
  });
  return { method: 'sobol', ...b, n: sobol.n, secondOrder: sobol.secondOrder, outcomes };
}

function pairs(k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) out.push([a, b]);
  return out;
}

async function countRuns(table: BatchTable): Promise<number> {
  const [row] = await table.all(`SELECT count(*) AS n FROM ${table.from}`);
  return Number(row?.n ?? 0);
}

/** The cells must be in Saltelli's order (AB^i is A with B's value on axis i): a design file or a hand-edited one that is not is refused, not misread. */
function checkSaltelliOrder(meta: BatchMeta, k: number, step: number): void {
  const unit = unitCoordinates(meta);
  for (const [cell, a] of unit) {
    if (cell % step !== 0) continue;
    const bRow = unit.get(cell + step - 1);
    if (!bRow) continue;
    for (let i = 0; i < k; i++) {
      const ab = unit.get(cell + 1 + i);
      if (ab?.some((v, m) => Math.abs(v - (m === i ? bRow[m]! : a[m]!)) > 1e-9))
        throw new BatchInputError(`cell ${cell + 1 + i} is not cell ${cell} with parameter ${meta.design.sweep[i]!.parameter} taken from cell ${cell + step - 1}: the cells are not in Saltelli's order`, 'not-this-design');
    }
  }
}

/**
 * Morris's elementary effects (μ, μ*, σ, and an interval for μ*) of every
 * outcome on Morris trajectories. Effects are per whole range of a parameter.
 *
 * @example
 * process.stdout.write(formatMorrisSensitivity(await morrisSensitivity(table)));
 */
export async function morrisSensitivity(table: BatchTable, options: GlobalOptions = {}): Promise<MorrisSensitivity> {
  const { meta } = table;
  refuseUnless(meta, 'morris');
  const morris = meta.design.morris;
  const k = meta.design.sweep.length;
  if (!morris || k === 0) throw new BatchInputError('the metadata says morris but gives no --morris sample or no swept range: the file was not written by wargame batch --morris', 'not-this-design');
  const size = k + 1;
  const total = cellCount(meta.design);
  if (total !== morris.trajectories * size) throw new BatchInputError(`${morris.trajectories} Morris trajectories over ${k} ranges have ${morris.trajectories * size} cells, but this design has ${total}`, 'not-this-design');
  const targets = targetsOf(meta);
  const cm = await cellMeans(table, targets);
  const at = new Map(cm.cells.map((c, i) => [c, i]));
  const unit = unitCoordinates(meta);
  const b = base(table, await countRuns(table), options);
  // Trajectories whose every cell is listed in the metadata (a shard lists its own cells only).
  const listed: number[] = [];
  for (let t = 0; t < morris.trajectories; t++) if (Array.from({ length: size }, (_, s) => unit.has(t * size + s)).every(Boolean)) listed.push(t);
  const x = listed.flatMap((t) => Array.from({ length: size }, (_, s) => unit.get(t * size + s)!));
  const outcomes = targets.map((t, ti): MorrisOutcome => {
    const o = outcomeBase(t, cm.split[ti]!);
    const means = cm.means[ti]!;
    const y = listed.flatMap((tr) =>
      Array.from({ length: size }, (_, s) => {
        const i = at.get(tr * size + s);
        return i === undefined ? Number.NaN : means[i]!;
      }),
    );
    const factors = listed.length === 0 ? [] : morrisIndices(x, y, k, { rng: streamFor(meta, 'morris', t), resamples: b.resamples, level: b.level });
    return {
      ...o,
      effects: b.parameters.map((_, i) => {
        const f = factors[i];
        return f ? { effects: f.effects, mu: tidy(f.mu), muStar: tidyInterval(f.muStar), sigma: tidy(f.sigma) } : { effects: 0, mu: 0, muStar: { value: 0, lo: 0, hi: 0, se: 0, conf: 0 }, sigma: 0 };
      }),
    };
  });
  return { method: 'morris', ...b, trajectories: morris.trajectories, levels: morris.levels, outcomes };
}

// ---------------------------------------------------------------------------
// The text.

/** Fixed decimals, never `-0.00`. */
function fixed(x: number, digits: number): string {
  const t = x.toFixed(digits);
  return Number(t) === 0 ? (0).toFixed(digits) : t;
}

/** An index with its interval, two decimals: `0.41 [0.33, 0.49]`. */
function withInterval(x: Interval, digits = 2): string {
  return `${fixed(x.value, digits)} [${fixed(x.lo, digits)}, ${fixed(x.hi, digits)}]`;
}

/** Index intervals whose lower end reaches this are marked: an effect the data can tell from none. */
export const INDEX_MARK = 0.01;

function splitLine(o: GlobalOutcomeBase): string {
  const s = o.split;
  const noise = s.noiseInMeans >= 0.2 ? `; seed noise is up to ${formatPercent(s.noiseInMeans)} of the cell means' variance, so read the indices with care (more runs per cell)` : '';
  return `  per-run variance: ${formatPercent(s.seedShare)} seeds (within cells), ${formatPercent(1 - s.seedShare)} parameters and their interactions (between cells)${noise}`;
}

function heading(o: GlobalOutcomeBase): string {
  const what = o.kind === 'number' ? 'mean' : 'share of runs';
  return `${targetName(o)} (${what})`;
}

function head(r: SobolSensitivity | MorrisSensitivity, what: string): string[] {
  const lines = [`${what} of ${r.scenario.title} (${r.scenario.id}) · ${r.parameters.length} parameter${r.parameters.length === 1 ? '' : 's'} · ${r.cells} cells × ${r.runsPerCell} runs · ${r.runs} runs`];
  const partial = partialNote(r.runs, r.planned, []);
  if (partial) lines.push(partial);
  return lines;
}

/** Outcomes that vary, strongest first by `strength`; the others named once at the end. */
function ordered<T extends GlobalOutcomeBase>(outcomes: readonly T[], strength: (o: T) => number): { shown: T[]; still: string[] } {
  const shown = outcomes
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => !o.constant)
    .sort((a, b) => strength(b.o) - strength(a.o) || a.i - b.i)
    .map(({ o }) => o);
  return { shown, still: outcomes.filter((o) => o.constant).map((o) => targetName(o)) };
}

/**
 * The Sobol result as text: per outcome (strongest first), the split of its
 * per-run variance, then each parameter's S_i and S_Ti with their intervals
 * and the second-order indices of each pair; outcomes that never vary over
 * the cells are named at the end.
 */
export function formatSobolSensitivity(r: SobolSensitivity, _options: FormatOptions = {}): string {
  const lines = head(r, 'Sobol indices');
  const pct = `${Math.round(r.level * 100)}%`;
  lines.push(
    `On each cell's mean over its ${r.runsPerCell} runs (every cell plays the same seeds); ${pct} bootstrap intervals over the ${r.n} blocks (${r.resamples} resamples).`,
  );
  const { shown, still } = ordered(r.outcomes, (o) => Math.max(0, ...o.total.map((x) => x.value)));
  for (const o of shown) {
    lines.push('', heading(o), splitLine(o));
    const rows = [['  parameter', 'S_i (first order)', 'S_Ti (total)']];
    r.parameters.forEach((p, i) => {
      const mark = (x: Interval) => (x.lo >= INDEX_MARK ? '*' : ' ');
      rows.push([`  ${p.id}`, `${withInterval(o.first[i]!)}${mark(o.first[i]!)}`, `${withInterval(o.total[i]!)}${mark(o.total[i]!)}`]);
    });
    appendAll(lines, renderTable(rows, ['l', 'l', 'l']));
    if (o.second && o.second.length > 0) {
      const strong = o.second.filter((s) => s.lo >= INDEX_MARK || s.hi <= -INDEX_MARK);
      const list = o.second.length <= 6 ? o.second : strong;
      const shownPairs = list.map((s) => `${r.parameters[s.a]!.id} × ${r.parameters[s.b]!.id} ${withInterval(s)}`);
      if (shownPairs.length > 0) lines.push(`  S_ij: ${shownPairs.join('; ')}`);
      if (list.length < o.second.length) lines.push(`  (${o.second.length - list.length} other pairs' S_ij intervals include 0; --json has them)`);
    }
    if (o.blocks < r.n) lines.push(`  computed on ${o.blocks} of the ${r.n} blocks (the others have a cell without a value)`);
  }
  lines.push('');
  lines.push('S_i: the share of the cell means\' variance a parameter explains alone; S_Ti: with all its interactions.');
  lines.push('S_Ti − S_i is what the parameter does through interactions; 1 − ΣS_i is what interactions do in all.');
  lines.push(`* marks an index whose interval's lower end is at least ${INDEX_MARK}.`);
  const sparse = r.outcomes.filter((o) => o.sparse).map((o) => targetName(o));
  const same = still.filter((name) => !sparse.includes(name));
  if (same.length > 0) lines.push(`The same in every cell (no index to compute): ${same.join(', ')}.`);
  if (sparse.length > 0)
    lines.push(`Too rare to estimate (it varies between cells, but not over the A and B samples the indices divide by): ${sparse.join(', ')}; a larger --sobol N or more --runs per cell would show it.`);
  return `${lines.join('\n')}\n`;
}

/**
 * The Morris result as text: per outcome (strongest first), the split of its
 * per-run variance, then each parameter's μ* with its interval, μ and σ.
 */
export function formatMorrisSensitivity(r: MorrisSensitivity, _options: FormatOptions = {}): string {
  const lines = head(r, "Morris's elementary effects");
  const pct = `${Math.round(r.level * 100)}%`;
  lines.push(
    `${r.trajectories} trajectories on a ${r.levels}-level grid; on each cell's mean over its ${r.runsPerCell} runs (every cell plays the same seeds); ${pct} bootstrap intervals of μ* over the trajectories (${r.resamples} resamples).`,
  );
  const { shown, still } = ordered(r.outcomes, (o) => Math.max(0, ...o.effects.map((e) => e.muStar.value)));
  for (const o of shown) {
    lines.push('', heading(o), splitLine(o));
    // Below a billionth of the largest effect is rounding (σ of effects that are all equal), shown as 0.
    const scale = Math.max(0, ...o.effects.map((e) => e.muStar.value));
    const show = (x: number) => (Math.abs(x) <= 1e-9 * scale ? (o.kind === 'number' ? '0' : '0.00') : o.kind === 'number' ? formatNumber(x) : fixed(x, 2));
    const rows = [['  parameter', 'μ*', '', 'μ', 'σ']];
    const order = r.parameters.map((p, i) => ({ p, i })).sort((a, b) => o.effects[b.i]!.muStar.value - o.effects[a.i]!.muStar.value || a.i - b.i);
    for (const { p, i } of order) {
      const e = o.effects[i]!;
      rows.push([`  ${p.id}`, show(e.muStar.value), `[${show(e.muStar.lo)}, ${show(e.muStar.hi)}]`, show(e.mu), show(e.sigma)]);
    }
    appendAll(lines, renderTable(rows, ['l', 'r', 'l', 'r', 'r']));
  }
  lines.push('');
  lines.push("μ*: the mean absolute change of the outcome (a share for yes/no outcomes) per whole range of the parameter — the screen's ranking;");
  lines.push('μ: the same with signs (effects of both signs cancel); σ: their spread, large when the effect depends on the other parameters or bends.');
  if (still.length > 0) lines.push(`The same in every cell (no effect to measure): ${still.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
