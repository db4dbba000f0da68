/**
 * Common random numbers end to end: the pooled line of a sweep's summary is
 * clustered by seed, and `wargame sensitivity --compare a,b` takes the
 * difference of two cells seed by seed. The linear fixture's noise is the same
 * in every cell for a given seed, so the truth is known exactly: y differs by
 * 3·Δa with no noise at all, and `lucky` (noise only) is the same share in
 * every cell, decided by the seeds alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wilson, wilsonEffective, type BatchSummary, type CellComparisonResult } from '@wargame/batch';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'grid.parquet');
const linear = join(root, 'test', 'fixtures', 'scenarios', 'linear.yaml');

function run(args: string[]) {
  const r = runCli(args);
  if (r.code !== 0) throw new Error(`wargame ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

describe('common random numbers in the summary and in --compare', () => {
  const { summary } = JSON.parse(run(['batch', linear, '--runs', '40', '--seed', 'crn', '--sweep', 'a=2,8', '--out', out, '--json']).stdout) as { summary: BatchSummary };

  it('widens the pooled interval of a share the seeds decide: two identical cells count as 40 runs, not 80', () => {
    const lucky = summary.overall.outcomes.find((o) => o.id === 'lucky')!;
    if (lucky.type !== 'boolean') throw new Error('lucky is a boolean outcome');
    expect(lucky.n).toBe(80);
    // Each seed's two runs agree: the cluster-robust variance is that of 40 runs, with the CR1 factor 40/39.
    expect(lucky.deff).toBeCloseTo(80 / 39, 6);
    const honest = wilsonEffective(lucky.p, 39);
    expect(lucky.lo).toBeCloseTo(honest.lo, 9);
    expect(lucky.hi).toBeCloseTo(honest.hi, 9);
    expect(lucky.hi - lucky.lo).toBeGreaterThan(1.3 * (wilson(lucky.count, 80).hi - wilson(lucky.count, 80).lo));
    const y = summary.overall.outcomes.find((o) => o.id === 'y')!;
    if (y.type !== 'number') throw new Error('y is a number outcome');
    expect(y.meanInterval!.lo).toBeLessThan(y.mean);
    expect(y.meanInterval!.hi).toBeGreaterThan(y.mean);
  });

  it('pairs two cells seed by seed: y differs by exactly 3·6 with no noise, the seeds-only share by nothing', () => {
    const r = JSON.parse(run(['sensitivity', out, '--compare', '0,1', '--json']).stdout) as CellComparisonResult;
    expect(r.cells.map((c) => [c.cell, c.params, c.runs])).toEqual([
      [0, { a: 2 }, 40],
      [1, { a: 8 }, 40],
    ]);
    const by = new Map(r.outcomes.map((o) => [o.outcome, o]));
    expect(by.get('y')!.paired).toMatchObject({ pairs: 40, difference: 18, lo: 18, hi: 18 });
    expect(by.get('y')!.paired.se).toBeLessThan(1e-9);
    expect(by.get('y')!.paired.unpairedSe).toBeGreaterThan(0.5);
    expect(by.get('high_a')!.paired).toMatchObject({ difference: 1, lo: 1, hi: 1 });
    expect(by.get('lucky')!.paired).toMatchObject({ difference: 0, lo: 0, hi: 0, correlation: 1 });
    expect(by.get('lucky')!.paired.unpairedSe).toBeGreaterThan(0.05);
    const text = run(['sensitivity', out, '--compare', '0,1']).stdout;
    expect(text).toMatch(/^Linear model \(linear\): cell 1 \(a 8\) against cell 0 \(a 2\)$/m);
    expect(text).toMatch(/^y +\d[\d.]* +\d[\d.]* +\+18\.00 +\[\+18\.00, \+18\.00\] +[\d.]+ +40$/m);
    expect(text).toMatch(/^lucky +[\d.]+% +[\d.]+% +\+0\.0 pts +\[\+0\.0, \+0\.0\] +[\d.]+ +40$/m);
  });

  it('refuses a cell the batch does not have, and a malformed pair', () => {
    expect(runCli(['sensitivity', out, '--compare', '0,7']).stderr).toMatchInlineSnapshot(`
      "--compare: there is no cell 7; this batch has cells 0–1
      "
    `);
    const bad = runCli(['sensitivity', out, '--compare', '0-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--compare expects two cell numbers, as in --compare 0,3/);
  });
});
