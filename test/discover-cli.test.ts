/**
 * `wargame discover` end to end on a real batch of the flagship: a small
 * Latin hypercube over three parameters made with the built CLI, then the
 * discovery in text, JSON and HTML, on the whole file and on its shards,
 * and the refusals of requests the batch cannot answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, DiscoverInputError, openBatch, sampleSeedOf, type DiscoverRequest, type DiscoveryResult } from '@wargame/batch';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

const SWEEP = ['--sweep', 'western_pressure=0:100', '--sweep', 'russia_bandwidth=0:100', '--sweep', 'turkey_backing=0:100', '--lhs', '30', '--seed', '1'];

function batch(args: string[]) {
  const r = runCli(['batch', 'south-caucasus', ...args, '--quiet']);
  if (r.code !== 0) throw new Error(`wargame batch ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
}

function discoverJson(args: string[]): DiscoveryResult {
  const r = runCli(['discover', ...args, '--json']);
  if (r.code !== 0) throw new Error(`wargame discover ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as DiscoveryResult;
}

/** The discovery run in this process on the sweep, as the CLI runs it. */
async function inProcess(request: DiscoverRequest): Promise<DiscoveryResult> {
  const opened = await openBatch(at('sweep.parquet'));
  if (!opened.ok) throw new Error(opened.message);
  try {
    return await discover(opened.table, request);
  } finally {
    opened.table.close();
  }
}

beforeAll(() => {
  batch(['--runs', '20', ...SWEEP, '--out', at('sweep.parquet')]);
});

describe('wargame discover', () => {
  it("reports a PRIM box whose figures are the batch's own runs inside its limits", async () => {
    const r = discoverJson([at('sweep.parquet'), '--outcome', 'peace_treaty_signed']);
    expect(r.dimensions.map((d) => d.id)).toEqual(['western_pressure', 'russia_bandwidth', 'turkey_backing']);
    expect(r.used).toBe(600);
    expect(r.sample).toBeNull();
    expect(r.prim.chosen).toBe(r.prim.trajectory.length - 1);
    expect(r.prim.chosenBy).toBe('last');
    const box = r.prim.box;
    expect(box.limits.length).toBeGreaterThan(0);
    expect(box.density).toBeGreaterThan(r.base);

    // Recount the box from the rows themselves.
    const opened = await openBatch(at('sweep.parquet'));
    if (!opened.ok) throw new Error(opened.message);
    try {
      const rows = await opened.table.all(`SELECT * FROM ${opened.table.from}`);
      const inside = rows.filter((row) =>
        box.limits.every((l) => {
          const v = Number(row[`param_${l.parameter}`]);
          return (l.lower === undefined || v >= l.lower) && (l.upper === undefined || v <= l.upper);
        }),
      );
      const cases = rows.filter((row) => row['outcome_peace_treaty_signed'] === true).length;
      const hits = inside.filter((row) => row['outcome_peace_treaty_signed'] === true).length;
      expect(r.cases).toBe(cases);
      expect(box.n).toBe(inside.length);
      expect(box.k).toBe(hits);
      expect(box.density).toBeCloseTo(hits / inside.length, 9);
      expect(box.coverage).toBeCloseTo(hits / cases, 9);
      expect(box.mass).toBeCloseTo(inside.length / rows.length, 9);
    } finally {
      opened.table.close();
    }
    // CART's leaves partition the runs.
    expect(r.cart.leaves.reduce((s, l) => s + l.n, 0)).toBe(600);
    expect(r.cart.leaves.reduce((s, l) => s + l.k, 0)).toBe(r.cases);
    for (const leaf of r.cart.leaves) expect(leaf.n).toBeGreaterThanOrEqual(r.cart.minLeaf);
  });

  it('prints the rule, the limits, the trajectory and the CART leaves', async () => {
    const r = await inProcess({ outcome: 'peace_treaty_signed' });
    const text = runCli(['discover', at('sweep.parquet'), '--outcome', 'peace_treaty_signed']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  ${r.prim.rule}: ${pct(r.prim.box.density)} of runs, coverage ${pct(r.prim.box.coverage)}`);
    expect(text.stdout).toContain('Trade-off along the peeling trajectory');
    expect(text.stdout).toMatch(new RegExp(`\\n\\s+${r.prim.chosen} ◀`));
    expect(text.stdout).toContain(`  ${r.cart.leaves[0]!.rule}: ${pct(r.cart.leaves[0]!.density)} of runs`);
  });

  it('--density, --coverage and --box choose the reported point; --depth limits the tree', async () => {
    const all = await inProcess({ outcome: 'peace_treaty_signed' });
    const byBox = await inProcess({ outcome: 'peace_treaty_signed', select: { box: 2 } });
    expect(byBox.prim.chosen).toBe(2);
    expect(byBox.prim.box.coverage).toBe(all.prim.trajectory[2]!.coverage);
    const target = all.prim.trajectory[Math.floor(all.prim.trajectory.length / 2)]!.density;
    const byDensity = await inProcess({ outcome: 'peace_treaty_signed', select: { density: target } });
    expect(byDensity.prim.box.density).toBeGreaterThanOrEqual(target);
    const best = Math.max(...all.prim.trajectory.filter((p) => p.density >= target).map((p) => p.coverage));
    expect(byDensity.prim.box.coverage).toBe(best);
    const shallow = await inProcess({ outcome: 'peace_treaty_signed', cart: { maxDepth: 1 } });
    expect(shallow.cart.leaves).toHaveLength(2);
  });

  it('reads the shards of a batch as the batch', async () => {
    batch(['--runs', '20', ...SWEEP, '--shard', '1/2', '--out', at('shard.1.parquet')]);
    batch(['--runs', '20', ...SWEEP, '--shard', '2/2', '--out', at('shard.2.parquet')]);
    const whole = await inProcess({ outcome: 'renewed_war' });
    const shards = discoverJson([at('shard.2.parquet'), at('shard.1.parquet'), '--outcome', 'renewed_war']);
    expect(shards).toEqual(whole);
    // Sampling works on shards read as one table too.
    const opened = await openBatch([at('shard.1.parquet'), at('shard.2.parquet')]);
    if (!opened.ok) throw new Error(opened.message);
    try {
      const sampled = await discover(opened.table, { outcome: 'renewed_war', maxRuns: 250 });
      expect(sampled.used).toBe(250);
      expect(sampled.runs).toBe(600);
    } finally {
      opened.table.close();
    }
  });

  it('samples a batch larger than its bound, the same way every time', async () => {
    const a = await inProcess({ outcome: 'peace_treaty_signed', maxRuns: 250 });
    const b = await inProcess({ outcome: 'peace_treaty_signed', maxRuns: 250 });
    expect(a.sample?.size).toBe(250);
    expect(a.used).toBe(250);
    expect(a.runs).toBe(600);
    expect(b).toEqual(a);
    // Every batch seed gives a sample seed DuckDB accepts (REPEATABLE takes 0 to 2^31 − 1).
    for (const seed of ['1', 'big', 'flagship', '2024.06', 'x'.repeat(40)]) {
      const s = sampleSeedOf(seed);
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    }
    expect(sampleSeedOf('big')).toBeGreaterThan(2 ** 30); // a seed whose 32-bit draw broke the SQL
  });

  it('writes an HTML page with the trade-off curve and the box, and no network resource', () => {
    const r = runCli(['discover', at('sweep.parquet'), '--outcome', 'peace_treaty_signed', '--html', at('discover.html')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${at('discover.html')}`);
    const html = readFileSync(at('discover.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('Coverage and density along the peeling trajectory');
    expect(html).not.toMatch(/<script|<link|@import|src="http/);
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toContain('http');
  });

  it('refuses what the batch cannot answer, saying why, with exit 1', async () => {
    const file = at('sweep.parquet');
    const r = runCli(['discover', file, '--outcome', 'peace_treatysigned']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.replace(file, '<file>')).toMatch(
      /^<file>: no outcome "peace_treatysigned" in this batch of south-caucasus \(did you mean "peace_treaty_signed"\?\); its outcomes are karabakh_exodus, /,
    );
    const fail = (request: DiscoverRequest) =>
      inProcess(request).then(
        () => 'no error',
        (e: unknown) => (e instanceof DiscoverInputError ? e.message : `not a DiscoverInputError: ${String(e)}`),
      );
    expect(await fail({ outcome: 'peace_broker' })).toMatchInlineSnapshot(`"peace_broker is a category: give --value, one of russia, eu, us, regional, none"`);
    expect(await fail({ outcome: 'peace_broker', value: 'EU' })).toMatchInlineSnapshot(
      `"peace_broker has no value "EU" (did you mean "eu"?); its values are russia, eu, us, regional, none"`,
    );
    expect(await fail({ outcome: 'armenian_land_lost_km2', value: '1000' })).toMatchInlineSnapshot(
      `"armenian_land_lost_km2 is a number: give --value a comparison such as '>50', '<=10' or '=3', not "1000""`,
    );
    expect(await fail({ outcome: 'azerbaijan_in_csto' })).toMatchInlineSnapshot(
      `"azerbaijan_in_csto = true never happens in the 600 runs: there is nothing to discover (try another --value, or wider sweeps)"`,
    );
    expect(await fail({ outcome: 'azerbaijan_in_csto', value: 'false' })).toMatchInlineSnapshot(
      `"azerbaijan_in_csto = false happens in every one of the 600 runs: no parameter values avoid it (try another --value, or wider sweeps)"`,
    );
    expect(await fail({ outcome: 'armenian_land_lost_km2', value: '>1e9' })).toMatch(
      /^armenian_land_lost_km2 > 1000000000 never happens in the 600 runs: .*; its values run from [\d.]+ to [\d.]+$/,
    );
    expect(await fail({ outcome: 'peace_treaty_signed', select: { box: 500 } })).toMatch(
      /^--box 500 is not on the trajectory: its points are 0 \(all runs\) to \d+$/,
    );
    expect(await fail({ outcome: 'peace_treaty_signed', select: { box: 1, coverage: 0.5 } })).toMatchInlineSnapshot(
      `"give either --box or --density/--coverage, not both"`,
    );
  });

  it('says a single-cell batch has nothing that varies', () => {
    batch(['--runs', '10', '--seed', '1', '--out', at('single.parquet')]);
    const r = runCli(['discover', at('single.parquet'), '--outcome', 'peace_treaty_signed']);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(at('single.parquet'), '<file>').trim()).toMatchInlineSnapshot(
      `"<file>: no parameter varies in this batch (a single cell): discovery needs runs over several parameter values; run wargame batch south-caucasus --runs N --sweep p=lo:hi --sweep q=lo:hi --lhs K"`,
    );
  });
});

/** As the text prints shares (one decimal). */
function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}
