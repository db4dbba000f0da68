/**
 * `wargame sensitivity` on designs built for it, end to end: the built CLI
 * runs a Sobol and a Morris design of the linear fixture scenario
 * (y = 3a + b + 0·c + noise that every cell shares seed by seed) and reads
 * them back. Analytic values: on cell means S_a = 9/10, S_b = 1/10, S_c = 0,
 * S_Ti = S_i, S_ij = 0; per whole range μ*_a = 30, μ*_b = 10, μ*_c = 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MorrisSensitivity, SobolSensitivity } from '@wargame/batch';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-sensitivity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const linear = join(root, 'test', 'fixtures', 'scenarios', 'linear.yaml');
const ranges = ['--sweep', 'a=0:10', '--sweep', 'b=0:10', '--sweep', 'c=0:10'];

function run(args: string[]) {
  const r = runCli(args);
  if (r.code !== 0) throw new Error(`wargame ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

describe('wargame sensitivity on a Sobol design', () => {
  run(['batch', linear, '--runs', '8', '--seed', 's', '--sobol', '128', ...ranges, '--out', at('sobol.parquet'), '--quiet']);
  const r = JSON.parse(run(['sensitivity', at('sobol.parquet'), '--json']).stdout) as SobolSensitivity;
  const y = r.outcomes.find((o) => o.outcome === 'y')!;

  it('recovers the linear model: S_a ≈ 0.9, S_b ≈ 0.1, S_c = 0, no interactions', () => {
    expect(r).toMatchObject({ method: 'sobol', n: 128, secondOrder: true, cells: 128 * 8, runs: 128 * 8 * 8, resamples: 1000 });
    expect(r.parameters.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    const truth = [0.9, 0.1, 0];
    y.first.forEach((s, i) => {
      expect(s.lo, `S_${r.parameters[i]!.id}`).toBeLessThanOrEqual(truth[i]! + 1e-9);
      expect(s.hi, `S_${r.parameters[i]!.id}`).toBeGreaterThanOrEqual(truth[i]! - 1e-9);
    });
    // The noise is the same in every cell seed by seed, so it cancels in the cell means' differences: c is exactly 0.
    expect(y.first[2]!.value).toBe(0);
    expect(y.total[2]!.value).toBe(0);
    expect(Math.abs(y.total[0]!.value - 0.9)).toBeLessThan(0.1);
    for (const s of y.second!) {
      expect(s.lo).toBeLessThanOrEqual(1e-9);
      expect(s.hi).toBeGreaterThanOrEqual(-1e-9);
    }
  });

  it('splits the per-run variance into seeds and parameters', () => {
    // The per-run variance is Var(3a + b) = 10·100/12 between cells plus the noise within.
    const between = (10 * 100) / 12;
    expect(y.split.betweenCells / between).toBeGreaterThan(0.8);
    expect(y.split.betweenCells / between).toBeLessThan(1.2);
    expect(y.split.seedShare).toBeGreaterThan(0.01);
    expect(y.split.seedShare).toBeCloseTo(y.split.withinCells / y.split.perRun, 9);
    // high_a is decided by a alone; lucky by the noise alone, the same in every cell.
    expect(r.outcomes.find((o) => o.outcome === 'high_a')!.split.seedShare).toBe(0);
    expect(r.outcomes.find((o) => o.outcome === 'lucky')!.constant).toBe(true);
  });

  it('prints S_i and S_Ti with intervals, the variance split and the pairs', () => {
    const text = run(['sensitivity', at('sobol.parquet')]).stdout;
    expect(text).toMatch(/^Sobol indices of Linear model \(linear\) · 3 parameters · 1024 cells × 8 runs · 8192 runs$/m);
    expect(text).toMatch(/^y \(mean\)$/m);
    expect(text).toMatch(/^ {2}per-run variance: [\d.]+% seeds \(within cells\), [\d.]+% parameters and their interactions \(between cells\)$/m);
    expect(text).toMatch(/^ {2}a +[01]\.\d\d \[0\.\d\d, [01]\.\d\d\]\* +[01]\.\d\d \[0\.\d\d, [01]\.\d\d\]\*$/m);
    expect(text).toMatch(/^ {2}c +0\.00 \[0\.00, 0\.00\] +0\.00 \[0\.00, 0\.00\]$/m);
    expect(text).toMatch(/S_ij: a × b -?\d\.\d\d \[/);
    expect(text).toMatch(/The same in every cell \(no index to compute\): lucky\./);
  });
});

describe('wargame sensitivity on a Morris design', () => {
  it('gives μ* per whole range: 30 for a, 10 for b, 0 for c', () => {
    run(['batch', linear, '--runs', '5', '--seed', 'm', '--morris', '12', ...ranges, '--out', at('morris.csv'), '--quiet']);
    const r = JSON.parse(run(['sensitivity', at('morris.csv'), '--json']).stdout) as MorrisSensitivity;
    expect(r).toMatchObject({ method: 'morris', trajectories: 12, levels: 4, cells: 48 });
    const y = r.outcomes.find((o) => o.outcome === 'y')!;
    expect(y.effects.map((e) => e.effects)).toEqual([12, 12, 12]);
    expect(y.effects.map((e) => Number(e.muStar.value.toFixed(6)))).toEqual([30, 10, 0]);
    expect(y.effects.map((e) => Number(e.mu.toFixed(6)))).toEqual([30, 10, 0]);
    const text = run(['sensitivity', at('morris.csv')]).stdout;
    expect(text).toMatch(/^ {2}a +30 +\[30, 30\] +30 +0$/m);
    expect(text).toMatch(/^ {2}c +0 +\[0, 0\] +0 +0$/m);
  });

  it('refuses a Sobol file whose cells are not in Saltelli order, and a plain batch asked for Sobol', async () => {
    const { sobolSensitivity, openBatch } = await import('@wargame/batch');
    const opened = await openBatch(at('morris.csv'));
    if (!opened.ok) throw new Error(opened.message);
    try {
      await expect(sobolSensitivity(opened.table)).rejects.toThrow(/this batch's design is morris, not sobol: run wargame batch linear --sobol N/);
    } finally {
      opened.table.close();
    }
  });
});
