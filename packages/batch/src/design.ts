/**
 * The design of a batch: which parameter values each cell plays (one cell, a
 * full grid, or a Latin hypercube), how many runs per cell, and which global
 * run indices a shard holds. Pure: bad specs come back as messages.
 */
import seedrandom from 'seedrandom';
import { didYouMean, type CompiledScenario } from '@wargame/engine';
import type { BatchDesign, SweepAxis } from './meta.js';

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses one `--sweep` value: `p=a,b,c` (grid values) or `p=lo:hi` (a range for --lhs). */
export function parseSweep(text: string): Result<SweepAxis> {
  const m = /^([a-z][a-z0-9_]*)=(.+)$/.exec(text);
  if (!m) return { ok: false, message: `--sweep expects name=a,b,c or name=low:high, got "${text}"` };
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

function checkValue(scenario: CompiledScenario, name: string, value: number, flag: string): string | null {
  const p = scenario.parameters.find((x) => x.id === name)!;
  if (value < p.min || value > p.max) return `${flag} ${name}: ${value} is outside the parameter's range ${p.min}–${p.max}`;
  if (p.integer && !Number.isInteger(value)) return `${flag} ${name}: the parameter is a whole number, got ${value}`;
  return null;
}

function unknownParameter(scenario: CompiledScenario, name: string, flag: string): string {
  const ids = scenario.parameters.map((p) => p.id);
  return `${flag} ${name}: the scenario "${scenario.id}" declares no parameter "${name}"${didYouMean(name, ids)}; its parameters are ${ids.join(', ') || 'none'}`;
}

/**
 * Builds the cells of a batch. Grid cells enumerate the sweep values with the
 * last --sweep varying fastest; a Latin hypercube draws `lhs` cells from the
 * ranges, seeded by the batch seed so the design is part of the reproducible run.
 */
/** The most runs one batch may hold (cells × runs per cell): beyond it, shard across machines. docs/limits.md. */
export const MAX_BATCH_RUNS = 100_000_000;

/**
 * The most cells one design may have. Every output's metadata lists each
 * cell's parameters (about 170 bytes a cell), so 100,000 cells keep it under
 * 20 MB; a study of 10^6 runs at 10 seeds a cell fits.
 */
export const MAX_DESIGN_CELLS = 100_000;

export function buildDesign(
  scenario: CompiledScenario,
  opts: { fixed: Record<string, number>; sweep: SweepAxis[]; lhs?: number; seed: string; runsPerCell?: number },
): Result<BatchDesign> {
  // Sized from the axes before a single cell is built: a grid of four axes × 100 values is 10^8 cells.
  const planned = opts.lhs ?? opts.sweep.reduce((n, a) => n * (a.values?.length ?? 1), 1);
  if (planned > MAX_DESIGN_CELLS)
    return { ok: false, message: `the design has ${planned.toLocaleString('en')} cells; the limit is ${MAX_DESIGN_CELLS.toLocaleString('en')} (fewer values per --sweep, a smaller --lhs, or an --lhs sample instead of a grid)` };
  if (opts.runsPerCell !== undefined && planned * opts.runsPerCell > MAX_BATCH_RUNS)
    return {
      ok: false,
      message: `${planned.toLocaleString('en')} cells × ${opts.runsPerCell.toLocaleString('en')} runs is ${(planned * opts.runsPerCell).toLocaleString('en')} runs; the limit is ${MAX_BATCH_RUNS.toLocaleString('en')} per batch (use fewer runs per cell, or several batches)`,
    };
  const ids = new Set(scenario.parameters.map((p) => p.id));
  for (const [name, value] of Object.entries(opts.fixed)) {
    if (!ids.has(name)) return { ok: false, message: unknownParameter(scenario, name, '--set') };
    const bad = checkValue(scenario, name, value, '--set');
    if (bad) return { ok: false, message: bad };
  }
  const seen = new Set<string>();
  for (const axis of opts.sweep) {
    if (!ids.has(axis.parameter)) return { ok: false, message: unknownParameter(scenario, axis.parameter, '--sweep') };
    if (seen.has(axis.parameter)) return { ok: false, message: `--sweep ${axis.parameter} is given twice` };
    if (Object.hasOwn(opts.fixed, axis.parameter)) return { ok: false, message: `${axis.parameter} is both fixed with --set and swept with --sweep: choose one` };
    seen.add(axis.parameter);
    for (const v of axis.values ?? axis.range ?? []) {
      const bad = checkValue(scenario, axis.parameter, v, '--sweep');
      if (bad) return { ok: false, message: bad };
    }
  }
  const base: Record<string, number> = Object.fromEntries(scenario.parameters.map((p) => [p.id, Object.hasOwn(opts.fixed, p.id) ? opts.fixed[p.id]! : p.default]));
  if (opts.lhs !== undefined) {
    const notRange = opts.sweep.find((a) => !a.range);
    if (opts.sweep.length === 0) return { ok: false, message: '--lhs needs at least one --sweep name=low:high range' };
    if (notRange) return { ok: false, message: `--lhs samples ranges: write --sweep ${notRange.parameter}=low:high, not a list of values` };
    const rng = seedrandom.alea(`${opts.seed}/lhs`);
    const k = opts.lhs;
    // One stratum per cell on each axis, strata shuffled independently (Fisher–Yates), a uniform point inside each.
    const columns = opts.sweep.map((axis) => {
      const order = Array.from({ length: k }, (_, i) => i);
      for (let i = k - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const p = scenario.parameters.find((x) => x.id === axis.parameter)!;
      const [lo, hi] = axis.range!;
      return order.map((stratum) => {
        const v = lo + ((stratum + rng()) / k) * (hi - lo);
        // Six decimals keep the value readable and exactly reproducible as text; integers are rounded.
        return p.integer ? Math.min(hi, Math.max(lo, Math.round(v))) : Math.round(v * 1e6) / 1e6;
      });
    });
    const cells = Array.from({ length: k }, (_, c) => ({
      cell: c,
      params: { ...base, ...Object.fromEntries(opts.sweep.map((a, i) => [a.parameter, columns[i]![c]!])) },
    }));
    return { ok: true, value: { kind: 'lhs', fixed: opts.fixed, sweep: opts.sweep, cells } };
  }
  const ranged = opts.sweep.find((a) => a.range);
  if (ranged) return { ok: false, message: `--sweep ${ranged.parameter}=${ranged.range!.join(':')} is a range: add --lhs K to sample K cells from it, or list grid values (name=a,b,c)` };
  let grid: Record<string, number>[] = [{}];
  for (const axis of opts.sweep) grid = grid.flatMap((g) => axis.values!.map((v) => ({ ...g, [axis.parameter]: v })));
  const cells = grid.map((g, c) => ({ cell: c, params: { ...base, ...g } }));
  return { ok: true, value: { kind: opts.sweep.length === 0 ? 'single' : 'grid', fixed: opts.fixed, sweep: opts.sweep, cells } };
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
