/**
 * `wargame batch`, `merge` and friends end to end, as a researcher runs them:
 * the built CLI in a child process, outputs in a temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBatchMeta } from '@wargame/batch';
import { batchRows } from './helpers/batch-rows.js';
import { interruptCli, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-batch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

function batch(args: string[]) {
  const r = runCli(['batch', ...args, '--quiet']);
  if (r.code !== 0) throw new Error(`wargame batch ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}


describe('wargame batch', () => {
  it('gives byte-identical output and summary with 1 and 2 workers (CSV, JSONL and Parquet)', () => {
    for (const format of ['csv', 'jsonl', 'parquet']) {
      const a = batch(['sochi-2021', '--runs', '240', '--seed', '7', '--workers', '1', '--out', at(`w1.${format}`), '--json']);
      const b = batch(['sochi-2021', '--runs', '240', '--seed', '7', '--workers', '2', '--out', at(`w2.${format}`), '--json']);
      expect(readFileSync(at(`w2.${format}`)).equals(readFileSync(at(`w1.${format}`))), `${format} files differ`).toBe(true);
      if (format !== 'parquet') expect(readFileSync(at(`w2.${format}.meta.json`), 'utf8')).toBe(readFileSync(at(`w1.${format}.meta.json`), 'utf8'));
      expect(JSON.parse(b.stdout).summary).toEqual(JSON.parse(a.stdout).summary);
    }
  });

  it('every row replays with wargame run: same outcomes and final indicators', async () => {
    batch(['south-caucasus', '--runs', '6', '--seed', 'r', '--sweep', 'western_pressure=20,80', '--out', at('replay.parquet')]);
    const all = await batchRows(at('replay.parquet'));
    expect(all).toHaveLength(12);
    for (const row of [all[1]!, all[10]!]) {
      const run = runCli(['run', 'south-caucasus', '--seed', String(row['seed']), '--set', `western_pressure=${row['param_western_pressure']}`, '--json']);
      expect(run.code).toBe(0);
      const game = JSON.parse(run.stdout);
      for (const [id, o] of Object.entries(game.outcomes as Record<string, { value: unknown }>)) expect({ id, value: row[`outcome_${id}`] }).toEqual({ id, value: o.value });
      const last = game.turns.at(-1);
      for (const [id, v] of Object.entries(last.indicators as Record<string, number>)) expect({ id, v: row[`final_${id}`] }).toEqual({ id, v });
      expect(row['turns']).toBe(game.turns.length);
    }
  });

  it('--follow-history-until forecasts from a date: every row replays with run --follow-history-until, and the output says where the record ends', async () => {
    const r = batch(['south-caucasus', '--runs', '8', '--seed', 'f', '--follow-history-until', '2024-07', '--out', at('forecast.parquet')]);
    expect(r.stdout).toContain('the record followed until 2024-07, then the computer');
    const all = await batchRows(at('forecast.parquet'));
    expect(all).toHaveLength(8);
    // What the record fixes before mid-2024 holds in every run: Karabakh has fallen.
    expect(all.every((row) => row['outcome_karabakh_offensive'] === true)).toBe(true);
    for (const row of [all[0]!, all[5]!]) {
      const run = runCli(['run', 'south-caucasus', '--seed', String(row['seed']), '--follow-history-until', '2024-07', '--json']);
      expect(run.code).toBe(0);
      const game = JSON.parse(run.stdout);
      for (const [id, o] of Object.entries(game.outcomes as Record<string, { value: unknown }>)) expect({ id, value: row[`outcome_${id}`] }).toEqual({ id, value: o.value });
    }
    const meta = await readBatchMeta(at('forecast.parquet'));
    expect(meta.ok && meta.meta.play).toEqual({ followHistoryUntil: '2024-07' });
    expect(meta.ok && meta.meta.command).toContain('--follow-history-until 2024-07');
    // A free batch with the same seed differs, and resuming the forecast as a free batch is refused.
    const free = runCli(['batch', 'south-caucasus', '--runs', '8', '--seed', 'f', '--out', at('forecast.parquet'), '--resume', '--quiet']);
    expect(free.code).toBe(1);
    expect(free.stderr).toContain('is not this batch: it follows the history track until 2024-07, not at all');
    const outside = runCli(['batch', 'south-caucasus', '--runs', '2', '--follow-history-until', '2030-01', '--quiet']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain("--follow-history-until 2030-01 is outside the scenario's calendar");
  });

  it('--set-file takes parameters and paths (what calibrate writes): parameters into the design, paths into the scenario, --set over both', async () => {
    writeFileSync(at('fit.yaml'), 'western_pressure: 80\nparty.azerbaijan.temperature: 0.2\nrussia_bandwidth: 30\n');
    batch(['south-caucasus', '--runs', '4', '--seed', 's', '--set-file', at('fit.yaml'), '--set', 'russia_bandwidth=60', '--out', at('fitted.csv')]);
    const meta = await readBatchMeta(at('fitted.csv'));
    if (!meta.ok) throw new Error(meta.message);
    expect(meta.meta.design.fixed).toMatchObject({ western_pressure: 80, russia_bandwidth: 60 });
    expect(meta.meta.command).toContain(`--set-file ${at('fit.yaml')}`);
    const plain = batch(['south-caucasus', '--runs', '4', '--seed', 's', '--set', 'western_pressure=80', '--set', 'russia_bandwidth=60', '--out', at('unfitted.csv'), '--json']);
    const other = await readBatchMeta(at('unfitted.csv'));
    // The temperature path changes the scenario itself, so its hash says the two batches differ.
    expect(other.ok && other.meta.scenario.hash).not.toBe(meta.meta.scenario.hash);
    expect(JSON.parse(plain.stdout).summary.runs).toBe(4);
    const bad = runCli(['batch', 'south-caucasus', '--runs', '2', '--set-file', at('missing.yaml'), '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot read');
  });

  it('a grid sweep runs every cell with the same seeds; --lhs samples the ranges', async () => {
    batch(['sochi-2021', '--runs', '5', '--seed', 'g', '--sweep', 'western_pressure=20,50,80', '--sweep', 'russia_bandwidth=30,70', '--out', at('grid.csv')]);
    const grid = await batchRows(at('grid.csv'));
    expect(grid).toHaveLength(30);
    const cells = new Map<number, { wp: unknown; rb: unknown; seeds: unknown[] }>();
    for (const r of grid) {
      const c = cells.get(r['cell'] as number) ?? { wp: r['param_western_pressure'], rb: r['param_russia_bandwidth'], seeds: [] };
      c.seeds.push(r['seed']);
      cells.set(r['cell'] as number, c);
    }
    expect([...cells.values()].map((c) => [c.wp, c.rb])).toEqual([[20, 30], [20, 70], [50, 30], [50, 70], [80, 30], [80, 70]]);
    for (const c of cells.values()) expect(c.seeds).toEqual(['g.0', 'g.1', 'g.2', 'g.3', 'g.4']);

    batch(['sochi-2021', '--runs', '2', '--seed', 'h', '--sweep', 'western_pressure=10:90', '--lhs', '8', '--out', at('lhs.csv')]);
    const lhs = await batchRows(at('lhs.csv'));
    const values = [...new Set(lhs.map((r) => r['param_western_pressure'] as number))].sort((a, b) => a - b);
    expect(values).toHaveLength(8);
    // One value in each eighth of the range.
    values.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(10 + i * 10);
      expect(v).toBeLessThanOrEqual(10 + (i + 1) * 10);
    });
  });

  it('4 shards merged equal the unsharded batch (rows, metadata and summary)', async () => {
    batch(['sochi-2021', '--runs', '50', '--seed', 's', '--sweep', 'western_pressure=30,60', '--out', at('whole.parquet')]);
    for (const k of [1, 2, 3, 4]) batch(['sochi-2021', '--runs', '50', '--seed', 's', '--sweep', 'western_pressure=30,60', '--shard', `${k}/4`, '--out', at(`part${k}.parquet`)]);
    const shardMeta = await readBatchMeta(at('part3.parquet'));
    expect(shardMeta.ok && shardMeta.meta.shard).toEqual({ k: 3, n: 4, from: 50, to: 75 });
    const merged = runCli(['merge', at('part4.parquet'), at('part2.parquet'), at('part1.parquet'), at('part3.parquet'), '--out', at('merged.parquet'), '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(await batchRows(at('merged.parquet'))).toEqual(await batchRows(at('whole.parquet')));
    const [m, w] = await Promise.all([readBatchMeta(at('merged.parquet')), readBatchMeta(at('whole.parquet'))]);
    expect(m.ok && m.meta).toEqual(w.ok && w.meta);
    const whole = runCli(['batch', 'sochi-2021', '--runs', '50', '--seed', 's', '--sweep', 'western_pressure=30,60', '--out', at('whole.parquet'), '--resume', '--json', '--quiet']);
    expect(JSON.parse(merged.stdout).summary).toEqual(JSON.parse(whole.stdout).summary);

    // CSV shards merge to the very bytes of the unsharded file.
    batch(['sochi-2021', '--runs', '40', '--seed', 's', '--out', at('whole.csv')]);
    for (const k of [1, 2, 3, 4]) batch(['sochi-2021', '--runs', '40', '--seed', 's', '--shard', `${k}/4`, '--out', at(`part${k}.csv`)]);
    expect(runCli(['merge', ...[1, 2, 3, 4].map((k) => at(`part${k}.csv`)), '--out', at('merged.csv'), '--quiet']).code).toBe(0);
    expect(readFileSync(at('merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    expect(readFileSync(at('merged.csv.meta.json'), 'utf8')).toBe(readFileSync(at('whole.csv.meta.json'), 'utf8'));
    // An existing output is replaced only with --force (issue 13, item 10).
    const again = runCli(['merge', at('part1.csv'), at('part2.csv'), '--out', at('merged.csv'), '--quiet']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/merged\.csv exists: add --force/);
    expect(readFileSync(at('merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    expect(runCli(['merge', ...[1, 2, 3, 4].map((k) => at(`part${k}.csv`)), '--out', at('merged.csv'), '--quiet', '--force']).code).toBe(0);
  });

  it("a shard's metadata lists only its own cells, in proportion to the shard; its shards merge into the whole design (issue 13, item 6)", async () => {
    const design = ['sochi-2021', '--runs', '1', '--seed', 'p', '--sweep', 'western_pressure=0:100', '--sweep', 'russia_bandwidth=0:100', '--lhs', '2000'];
    batch([...design, '--out', at('lhs-whole.csv')]);
    for (const k of [1, 2, 3, 4]) batch([...design, '--shard', `${k}/4`, '--out', at(`lhs-${k}.csv`)]);
    const whole = await readBatchMeta(at('lhs-whole.csv'));
    const first = await readBatchMeta(at('lhs-1.csv'));
    if (!whole.ok || !first.ok) throw new Error('unreadable metadata');
    expect(whole.meta.design.cells).toHaveLength(2000);
    expect(first.meta.design.cells.map((c) => c.cell)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(first.meta.design.cellCount).toBe(2000);
    const size = (p: string) => readFileSync(`${p}.meta.json`).length;
    expect(size(at('lhs-1.csv'))).toBeLessThan(size(at('lhs-whole.csv')) / 2);
    const merged = runCli(['merge', at('lhs-1.csv'), at('lhs-2.csv'), at('lhs-3.csv'), at('lhs-4.csv'), '--out', at('lhs-merged.csv'), '--quiet']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(readFileSync(at('lhs-merged.csv'), 'utf8')).toBe(readFileSync(at('lhs-whole.csv'), 'utf8'));
    const m = await readBatchMeta(at('lhs-merged.csv'));
    expect(m.ok && m.meta.design).toEqual(whole.meta.design);
    // A shard whose metadata leaves out a cell its runs play is refused, naming the cell.
    const broken = JSON.parse(readFileSync(at('lhs-2.csv.meta.json'), 'utf8')) as { design: { cells: unknown[] } };
    broken.design.cells.pop();
    writeFileSync(at('lhs-2.csv.meta.json'), JSON.stringify(broken));
    const bad = await readBatchMeta(at('lhs-2.csv'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toContain("cell 999, which runs 500–999 play, is not in the design's cells");
  });

  it('more shards than runs: empty shards still write their file, and the merge equals the batch', () => {
    for (const k of [1, 2, 3, 4]) batch(['sochi-2021', '--runs', '2', '--seed', 'few', '--shard', `${k}/4`, '--out', at(`few${k}.csv`)]);
    batch(['sochi-2021', '--runs', '2', '--seed', 'few', '--out', at('few.csv')]);
    expect(readFileSync(at('few1.csv'), 'utf8').trim().split('\n')).toHaveLength(1); // the header alone
    expect(runCli(['merge', ...[1, 2, 3, 4].map((k) => at(`few${k}.csv`)), '--out', at('few-merged.csv'), '--quiet']).code).toBe(0);
    expect(readFileSync(at('few-merged.csv'), 'utf8')).toBe(readFileSync(at('few.csv'), 'utf8'));
  });

  it('merge names a missing shard and refuses', () => {
    const r = runCli(['merge', at('part1.csv'), at('part2.csv'), at('part4.csv'), '--out', at('bad.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shard 3\/4 \(runs 20–29\) missing/);
  });

  it('Ctrl-C leaves a valid file of the runs finished, and --resume completes it to the uninterrupted result', async () => {
    const args = ['batch', 'south-caucasus', '--runs', '2500', '--seed', 'int', '--workers', '1', '--out', at('int.csv')];
    // Interrupt once the batch has started and has had a second to work.
    const { code, stderr } = await interruptCli(args, 1000);
    const meta = await readBatchMeta(at('int.csv'));
    if (!meta.ok) throw new Error(meta.message);
    if (code === 130) {
      expect(stderr).toMatch(/Resume with: wargame batch south-caucasus --runs 2500 --seed int --out .*int\.csv --resume/);
      expect(meta.meta.completed).toBeLessThan(2500);
    } else expect(code).toBe(0); // a very fast machine finished first: still a valid file
    expect((await batchRows(at('int.csv'))).map((r) => r['run'])).toEqual(Array.from({ length: meta.meta.completed }, (_, i) => i));
    if (code === 130) {
      // The interrupted file says so wherever it is read (issue 12): not summarised as if complete.
      const report = runCli(['report', at('int.csv'), '--format', 'md', '--out', at('int.md')]);
      expect(report.code, report.stderr).toBe(0);
      expect(readFileSync(at('int.md'), 'utf8')).toContain(`PARTIAL: this file holds ${meta.meta.completed} of the 2500 runs`);
      writeFileSync(at('int-observed.yaml'), 'karabakh_exodus: true\n');
      const score = runCli(['score', at('int.csv'), '--observed', at('int-observed.yaml')]);
      expect(score.stdout).toContain(`PARTIAL: this file holds ${meta.meta.completed} of the 2500 runs`);
    }

    const resumed = runCli([...args, '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    batch(['south-caucasus', '--runs', '2500', '--seed', 'int', '--workers', '2', '--out', at('straight.csv')]);
    expect(readFileSync(at('int.csv'), 'utf8')).toBe(readFileSync(at('straight.csv'), 'utf8'));
  });

  it('prints a summary with Wilson intervals and category frequencies', () => {
    const r = runCli(['batch', 'sochi-2021', '--runs', '200', '--seed', '3', '--out', at('sum.parquet'), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/%\s+\[\s*\d+\.\d, \s*\d+\.\d\]/);
    const j = runCli(['batch', 'sochi-2021', '--runs', '200', '--seed', '3', '--out', at('sum.parquet'), '--resume', '--json', '--quiet']);
    const summary = JSON.parse(j.stdout).summary;
    expect(summary.runs).toBe(200);
    for (const o of summary.overall.outcomes) {
      if (o.type === 'boolean') expect(o.lo <= o.p && o.p <= o.hi && o.n === 200).toBe(true);
      if (o.type === 'category') expect(o.values.reduce((a: number, v: { count: number }) => a + v.count, 0)).toBe(200);
    }
  });
});

describe('wargame batch refuses bad requests with a clear message', () => {
  const folderOut = at('folder.parquet');
  mkdirSync(folderOut);
  const cases: [string, string[], RegExp][] = [
    ['a sweep over an undeclared parameter', ['sochi-2021', '--runs', '2', '--sweep', 'western_presure=1,2'], /--sweep western_presure: the scenario "sochi-2021" has no parameter or path "western_presure" \(did you mean "western_pressure"\?\)/],
    ['a value outside the range', ['sochi-2021', '--runs', '2', '--sweep', 'western_pressure=1,500'], /500 is outside the parameter's range/],
    ['a range without --lhs', ['sochi-2021', '--runs', '2', '--sweep', 'western_pressure=10:90'], /add --lhs K/],
    ['a bad shard', ['sochi-2021', '--runs', '2', '--shard', '5/4'], /--shard expects k\/n with 1 ≤ k ≤ n/],
    ['a bad run count', ['sochi-2021', '--runs', '0'], /--runs.*expected a whole number from 1/],
    ['a format that contradicts the file name', ['sochi-2021', '--runs', '2', '--format', 'csv', '--out', 'x.parquet'], /--format csv does not match the file name/],
    ['an unknown scenario', ['sochi-2012', '--runs', '2'], /no scenario "sochi-2012".*did you mean "sochi-2021"/],
    ['an output in a folder that does not exist', ['sochi-2021', '--runs', '2', '--out', '/nonexistent-folder/x.parquet'], /x\.parquet: cannot write there: directory \/nonexistent-folder does not exist/],
    ['an output name without a known extension', ['sochi-2021', '--runs', '2', '--out', 'x.txt', '--format', 'csv'], /--out x\.txt: name the output \.parquet, \.csv or \.jsonl \(for --format csv: x\.csv\)/],
    ['an output that is a folder', ['sochi-2021', '--runs', '2', '--out', folderOut], /--out .*folder\.parquet is a folder: give a file name such as/],
  ];
  for (const [what, args, message] of cases)
    it(what, () => {
      const r = runCli(['batch', ...(args.includes('--out') ? args : [...args, '--out', at('never.parquet')])]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

  it('an existing output is kept unless --resume or --force', () => {
    writeFileSync(at('keep.csv'), 'precious');
    const r = runCli(['batch', 'sochi-2021', '--runs', '2', '--out', at('keep.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keep\.csv exists: add --resume to continue that batch, --force to replace it/);
    expect(readFileSync(at('keep.csv'), 'utf8')).toBe('precious');
  });

  it('--resume of another batch says what differs', () => {
    batch(['sochi-2021', '--runs', '4', '--seed', 'a', '--out', at('other.csv')]);
    const r = runCli(['batch', 'sochi-2021', '--runs', '4', '--seed', 'b', '--out', at('other.csv'), '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not this batch: it has seed a, not b/);
  });
});

describe('wargame sensitivity, score and report on a batch output', () => {
  it('sensitivity ranks the swept parameters; without a sweep it says what to run', () => {
    batch(['sochi-2021', '--runs', '60', '--seed', 'sens', '--sweep', 'western_pressure=10,90', '--out', at('sens.parquet')]);
    batch(['sochi-2021', '--runs', '100', '--seed', 'plain', '--out', at('plain.parquet')]);
    const r = runCli(['sensitivity', at('sens.parquet'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.parameters.filter((p: { swept: boolean }) => p.swept).map((p: { id: string }) => p.id)).toEqual(['western_pressure']);
    expect(runCli(['sensitivity', at('sens.parquet')]).stdout).toMatch(/SRC\s+S_i/);
    const none = runCli(['sensitivity', at('plain.parquet')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--sweep/);
  });

  it('score reads an observed file and scores it; a malformed one gets located errors', () => {
    batch(['sochi-2021', '--runs', '100', '--seed', 'plain', '--out', at('plain.parquet'), '--force']);
    writeFileSync(at('observed.yaml'), 'csto_discredited: true\nregional_order: contested\n');
    const r = runCli(['score', at('plain.parquet'), '--observed', at('observed.yaml'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const score = JSON.parse(r.stdout);
    const o = score.overall.outcomes.find((x: { id: string }) => x.id === 'csto_discredited');
    // Brier of a boolean that happened: (1 − p)².
    expect(o.brier).toBeCloseTo((1 - o.p) ** 2, 9);

    writeFileSync(at('bad.yaml'), 'csto_discreditted: true\nregional_order: chaos\n');
    const bad = runCli(['score', at('plain.parquet'), '--observed', at('bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:1:1 .*unknown outcome "csto_discreditted".*did you mean "csto_discredited"/);
    expect(bad.stderr).toMatch(/bad\.yaml:2:17 .*"chaos"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(runCli(['score', at('plain.parquet'), '--observed', at('missing.yaml')]).stderr).toMatch(/missing\.yaml does not exist/);
  });

  it('report writes a self-contained HTML file with charts, and Markdown', () => {
    const r = runCli(['report', at('sens.parquet'), '--format', 'html', '--out', at('sens.html')]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(at('sens.html'), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script/);
    expect(html).toMatch(/Sensitivity/i);
    expect(runCli(['report', at('sens.parquet'), '--format', 'md', '--out', at('sens.md')]).code).toBe(0);
    expect(readFileSync(at('sens.md'), 'utf8')).toMatch(/data:image\/svg\+xml;base64,/);
  });

  it('a truncated CSV is reported with the file and the line, not as an internal error', () => {
    batch(['sochi-2021', '--runs', '40', '--seed', 'cut', '--out', at('cut.csv')]);
    const text = readFileSync(at('cut.csv'), 'utf8');
    writeFileSync(at('cut.csv'), text.slice(0, Math.floor(text.length / 2)));
    const r = runCli(['batch', 'sochi-2021', '--runs', '40', '--seed', 'cut', '--out', at('cut.csv'), '--resume', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut\.csv: cannot read the batch output \(is it damaged\?\): CSV Error on Line: \d+/);
    expect(r.stderr).not.toMatch(/internal error|Possible fixes/);
  });

  it('a damaged output is refused with a clear message', () => {
    writeFileSync(at('junk.parquet'), 'not parquet at all');
    const r = runCli(['sensitivity', at('junk.parquet')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/junk\.parquet/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

