/**
 * The design of a batch: which values each cell plays (one cell, a full grid,
 * a Latin hypercube, the rows of a design file, Saltelli's design for Sobol
 * indices or Morris's trajectories, any of the samples crossed with grid
 * values), how many runs per cell, and which global run indices a shard holds.
 * A design varies declared parameters and any number of the scenario by its
 * path (`party.russia.noise`, see the engine's overrides). Pure: bad specs come
 * back as messages.
 */
import seedrandom from 'seedrandom';
import { applyOverrides, didYouMean, overridePaths, type CompiledScenario } from '@wargame/engine';
import type { BatchDesign, SweepAxis } from './meta.js';
import { morrisUnitSample } from './stats/morris.js';
import { saltelliUnitSample } from './stats/sobol.js';
import { maxOf, minOf } from './util/arrays.js';

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses one `--sweep` value: `p=a,b,c` (grid values) or `p=lo:hi` (a range to sample); `p` a parameter or a path. */
export function parseSweep(text: string): Result<SweepAxis> {
  const m = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)=(.+)$/.exec(text);
  if (!m) return { ok: false, message: `--sweep expects name=a,b,c or name=low:high (name a parameter or a path such as party.russia.noise), got "${text}"` };
  const [, parameter, spec] = m as unknown as [string, string, string];
  const range = /^(-?[\d.]+(?:e-?\d+)?):(-?[\d.]+(?:e-?\d+)?)$/.exec(spec);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) return { ok: false, message: `--sweep ${parameter}: a range is low:high with low < high, got "${spec}"` };
    return { ok: true, value: { parameter, range: [lo, hi] } };
  }
  const parts = spec.split(',');
  const values = parts.map((v) => (v.trim() === '' ? NaN : Number(v)));
  const bad = parts.find((_, i) => !Number.isFinite(values[i]));
  if (bad !== undefined) return { ok: false, message: `--sweep ${parameter}: "${bad}" is not a number (write name=a,b,c or name=low:high)` };
  if (new Set(values).size !== values.length) return { ok: false, message: `--sweep ${parameter}: a value is listed twice in "${spec}"` };
  return { ok: true, value: { parameter, values } };
}

/** A design file's contents, read at the edge: column names (parameters or paths) and one row of numbers per cell. */
export interface DesignFile {
  path: string;
  /** The hash of the file's bytes, recorded so a resume or merge can tell it changed. */
  hash: string;
  columns: string[];
  rows: number[][];
}

export interface DesignRequest {
  /** Declared parameters fixed with --set (paths are applied to the scenario before the design). */
  fixed: Record<string, number>;
  sweep: SweepAxis[];
  /** A Latin hypercube of this many points over the ranges. */
  lhs?: number;
  /** Saltelli's design with n base rows over the ranges. */
  sobol?: { n: number; secondOrder: boolean };
  /** Morris's design: trajectories on a grid of levels over the ranges. */
  morris?: { trajectories: number; levels: number };
  /** Cells from a design file. */
  file?: DesignFile;
  seed: string;
  runsPerCell?: number;
}

/** What a name on the command line or in a design file refers to. */
type Target = { kind: 'parameter'; id: string; min: number; max: number; integer: boolean } | { kind: 'path'; path: string };

function targetOf(scenario: CompiledScenario, name: string, flag: string): Result<Target> {
  const p = scenario.parameters.find((x) => x.id === name);
  if (p) return { ok: true, value: { kind: 'parameter', id: p.id, min: p.min, max: p.max, integer: p.integer } };
  const paths = overridePaths(scenario.doc);
  if (name.includes('.') && paths.includes(name)) return { ok: true, value: { kind: 'path', path: name } };
  const ids = scenario.parameters.map((x) => x.id);
  return {
    ok: false,
    message: `${flag} ${name}: the scenario "${scenario.id}" has no parameter or path "${name}"${didYouMean(name, paths)}; its parameters are ${ids.join(', ') || 'none'}, and any number can be set by a path (event.<id>.chance, indicator.<id>.initial, party.<id>.temperature, party.<id>.noise, party.<id>.interest.<id>.weight, …; \`wargame inspect ${scenario.id} --paths\` lists them)`,
  };
}

function checkValue(scenario: CompiledScenario, t: Target, value: number, flag: string): string | null {
  if (t.kind === 'parameter') {
    if (value < t.min || value > t.max) return `${flag} ${t.id}: ${value} is outside the parameter's range ${t.min}–${t.max}`;
    if (t.integer && !Number.isInteger(value)) return `${flag} ${t.id}: the parameter is a whole number, got ${value}`;
    return null;
  }
  const r = applyOverrides(scenario.doc, { [t.path]: value });
  return r.ok ? null : `${flag} ${r.message}`;
}

/** A unit-cube value on an axis: the range's point, rounded so it is exactly reproducible as text (six decimals; whole numbers for integer parameters). */
function scale(t: Target, [lo, hi]: readonly [number, number], u: number): number {
  const v = lo + u * (hi - lo);
  return t.kind === 'parameter' && t.integer ? Math.min(hi, Math.max(lo, Math.round(v))) : Math.round(v * 1e6) / 1e6;
}

/** k points of a Latin hypercube in the unit cube: one stratum per point on each axis, strata shuffled independently (Fisher–Yates), a uniform point inside each. */
function lhsUnitSample(dims: number, k: number, rng: () => number): number[][] {
  const columns = Array.from({ length: dims }, () => {
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.map((stratum) => (stratum + rng()) / k);
  });
  return Array.from({ length: k }, (_, c) => columns.map((col) => col[c]!));
}

/** The most cells one design may have. Every output's metadata lists each cell's values (about 170 bytes a cell), so 100,000 cells keep it under 20 MB. */
export const MAX_DESIGN_CELLS = 100_000;
/** The most runs one batch may hold (cells × runs per cell): beyond it, shard across machines. docs/limits.md. */
export const MAX_BATCH_RUNS = 100_000_000;

/** How many points the sampled part of a request has (1 when nothing is sampled), before any is drawn. */
function sampledCount(req: DesignRequest, ranges: number): number {
  if (req.sobol) return req.sobol.n * (req.sobol.secondOrder ? 2 * ranges + 2 : ranges + 2);
  if (req.morris) return req.morris.trajectories * (ranges + 1);
  if (req.lhs !== undefined) return req.lhs;
  if (req.file) return req.file.rows.length;
  return 1;
}

/**
 * Builds the cells of a batch. Grid values are crossed with the sampled part
 * (the Latin hypercube or the design file's rows): the grid outermost, its last
 * --sweep varying fastest, the sample innermost. Sobol and Morris designs keep
 * their blocks whole (the estimators read them in order), so they take ranges
 * only. Every random draw comes from the batch seed, so the design is part of
 * the reproducible run.
 */
export function buildDesign(scenario: CompiledScenario, req: DesignRequest): Result<BatchDesign> {
  const samplers = [req.lhs !== undefined && '--lhs', req.sobol && '--sobol', req.morris && '--morris', req.file && '--design'].filter((x): x is string => typeof x === 'string');
  if (samplers.length > 1) return { ok: false, message: `${samplers.join(' and ')} are two designs: choose one` };
  const ranged = req.sweep.filter((a) => a.range);
  const gridAxes = req.sweep.filter((a) => a.values);
  const sampling = samplers[0];
  if ((req.sobol || req.morris || req.lhs !== undefined) && ranged.length === 0) return { ok: false, message: `${sampling} needs at least one --sweep name=low:high range to sample` };
  if ((req.sobol || req.morris) && gridAxes.length > 0)
    return { ok: false, message: `${sampling} samples ranges only (its estimator reads the design's blocks in order): write --sweep ${gridAxes[0]!.parameter}=low:high, or run one ${sampling} batch per value` };
  if (!sampling && ranged.length > 0)
    return { ok: false, message: `--sweep ${ranged[0]!.parameter}=${ranged[0]!.range!.join(':')} is a range: add --lhs K, --sobol N or --morris R to sample it, or list grid values (name=a,b,c)` };
  if (req.morris && req.morris.levels % 2 !== 0)
    return { ok: false, message: `--levels ${req.morris.levels}: Morris's grid needs an even number of levels (4, 6, 8…), so that each step of Δ = p/(2(p−1)) lands on the grid` };
  if (req.file && ranged.length > 0) return { ok: false, message: `--design gives the sampled values itself: cross it with grid values (name=a,b,c), not with a range (--sweep ${ranged[0]!.parameter})` };

  // Sized before a single cell is built: a grid of four axes × 100 values is 10^8 cells.
  const planned = gridAxes.reduce((n, a) => n * a.values!.length, 1) * sampledCount(req, ranged.length);
  if (planned > MAX_DESIGN_CELLS)
    return { ok: false, message: `the design has ${planned.toLocaleString('en')} cells; the limit is ${MAX_DESIGN_CELLS.toLocaleString('en')} (fewer values per --sweep, a smaller sample, or several batches)` };
  if (req.runsPerCell !== undefined && planned * req.runsPerCell > MAX_BATCH_RUNS)
    return {
      ok: false,
      message: `${planned.toLocaleString('en')} cells × ${req.runsPerCell.toLocaleString('en')} runs is ${(planned * req.runsPerCell).toLocaleString('en')} runs; the limit is ${MAX_BATCH_RUNS.toLocaleString('en')} per batch (use fewer runs per cell, or several batches)`,
    };

  for (const [name, value] of Object.entries(req.fixed)) {
    const t = targetOf(scenario, name, '--set');
    if (!t.ok) return t;
    const bad = checkValue(scenario, t.value, value, '--set');
    if (bad) return { ok: false, message: bad };
  }
  // Every varied name once, each a parameter or a path, with its values in range.
  const seen = new Set<string>();
  const targets = new Map<string, Target>();
  const fileColumns = req.file?.columns ?? [];
  for (const [name, flag] of [...req.sweep.map((a) => [a.parameter, '--sweep'] as const), ...fileColumns.map((c) => [c, `--design ${req.file!.path}: column`] as const)]) {
    if (seen.has(name)) return { ok: false, message: `${name} is varied twice (${flag === '--sweep' ? 'two --sweep flags' : 'by --sweep and by the design file, or twice in the file'})` };
    if (Object.hasOwn(req.fixed, name)) return { ok: false, message: `${name} is both fixed with --set and varied: choose one` };
    seen.add(name);
    const t = targetOf(scenario, name, flag);
    if (!t.ok) return t;
    targets.set(name, t.value);
  }
  for (const axis of req.sweep) {
    for (const v of axis.values ?? axis.range ?? []) {
      const bad = checkValue(scenario, targets.get(axis.parameter)!, v, '--sweep');
      if (bad) return { ok: false, message: bad };
    }
  }
  if (req.file) {
    const f = req.file;
    for (let c = 0; c < f.columns.length; c++) {
      const t = targets.get(f.columns[c]!)!;
      // A path's range is an interval, so its lowest and highest values are enough (each check copies the scenario).
      let rows = f.rows.map((_, r) => r);
      if (t.kind === 'path') {
        const lo = rows.reduce((m, r) => (f.rows[r]![c]! < f.rows[m]![c]! ? r : m), 0);
        const hi = rows.reduce((m, r) => (f.rows[r]![c]! > f.rows[m]![c]! ? r : m), 0);
        rows = [lo, hi];
      }
      for (const r of rows) {
        // Row r + 2: the header is line 1.
        const bad = checkValue(scenario, t, f.rows[r]![c]!, `--design ${f.path}: line ${r + 2}:`);
        if (bad) return { ok: false, message: bad };
      }
    }
  }

  const base: Record<string, number> = Object.fromEntries(scenario.parameters.map((p) => [p.id, Object.hasOwn(req.fixed, p.id) ? req.fixed[p.id]! : p.default]));
  // The sampled part: one assignment per point.
  let sample: Record<string, number>[] = [{}];
  const rng = seedrandom.alea(`${req.seed}/${req.sobol ? 'sobol' : req.morris ? 'morris' : 'lhs'}`);
  const unit = req.sobol
    ? saltelliUnitSample(ranged.length, req.sobol.n, req.sobol.secondOrder, rng)
    : req.morris
      ? morrisUnitSample(ranged.length, req.morris.trajectories, req.morris.levels, rng)
      : req.lhs !== undefined
        ? lhsUnitSample(ranged.length, req.lhs, rng)
        : undefined;
  if (unit) sample = unit.map((u) => Object.fromEntries(ranged.map((a, i) => [a.parameter, scale(targets.get(a.parameter)!, a.range!, u[i]!)])));
  else if (req.file) sample = req.file.rows.map((row) => Object.fromEntries(req.file!.columns.map((c, i) => [c, row[i]!])));
  let grid: Record<string, number>[] = [{}];
  for (const axis of gridAxes) grid = grid.flatMap((g) => axis.values!.map((v) => ({ ...g, [axis.parameter]: v })));
  const cells: BatchDesign['cells'] = [];
  for (const g of grid) for (const x of sample) cells.push({ cell: cells.length, params: { ...base, ...g, ...x } });

  // A file's columns are recorded as axes over the range they span, so every reader sees what varies.
  const fileAxes: SweepAxis[] = (req.file?.columns ?? []).map((c, i) => {
    const vs = req.file!.rows.map((r) => r[i]!);
    return { parameter: c, range: [minOf(vs), maxOf(vs)] as [number, number] };
  });
  const kind: BatchDesign['kind'] = req.sobol ? 'sobol' : req.morris ? 'morris' : req.file ? 'file' : req.lhs !== undefined ? 'lhs' : gridAxes.length > 0 ? 'grid' : 'single';
  return {
    ok: true,
    value: {
      kind,
      fixed: req.fixed,
      sweep: [...req.sweep, ...fileAxes],
      cells,
      ...(req.sobol ? { sobol: req.sobol } : {}),
      ...(req.morris ? { morris: req.morris } : {}),
      ...(req.file ? { file: { path: req.file.path, hash: req.file.hash } } : {}),
    },
  };
}

/** The paths (not declared parameters) a design varies, in axis order: each gets a column of its own. */
export function designPaths(scenario: CompiledScenario, design: BatchDesign): string[] {
  const ids = new Set(scenario.parameters.map((p) => p.id));
  return design.sweep.map((a) => a.parameter).filter((name) => !ids.has(name));
}

/** Parses `--shard k/n`. */
export function parseShard(text: string): Result<{ k: number; n: number }> {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) return { ok: false, message: `--shard expects k/n with 1 ≤ k ≤ n (e.g. 3/8), got "${text}"` };
  return { ok: true, value: { k, n } };
}

/** The k-th (1-based) of n contiguous slices of [0, total): [from, to). */
export function shardRange(total: number, k: number, n: number): { from: number; to: number } {
  return { from: Math.floor(((k - 1) * total) / n), to: Math.floor((k * total) / n) };
}

/**
 * The seed of a run. Every cell plays the same seeds (common random numbers),
 * so differences between cells come from the parameters, not from luck.
 */
export function runSeed(batchSeed: string, rep: number): string {
  return `${batchSeed}.${rep}`;
}
