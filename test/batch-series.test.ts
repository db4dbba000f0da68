/**
 * `wargame batch --series`: a long per-turn table beside the runs file
 * (issue 12), as BehaviorSpace's table output and Mesa's DataCollector give.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuck, readerSql } from '../packages/batch/src/io/duck.js';
import { readBatchMeta } from '@wargame/batch';
import { batchRows } from './helpers/batch-rows.js';
import { interruptCli, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-batch-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);


/** The series file's rows, read with its own metadata's columns. */
async function seriesOf(path: string): Promise<Record<string, unknown>[]> {
  const meta = await readBatchMeta(path);
  if (!meta.ok) throw new Error(meta.message);
  const duck = await openDuck();
  try {
    const format = path.endsWith('.csv') ? 'csv' : path.endsWith('.jsonl') ? 'jsonl' : 'parquet';
    return await duck.all(`SELECT * FROM ${readerSql(duck, format, [path], meta.meta.columns as never)} ORDER BY run, turn`);
  } finally {
    duck.close();
  }
}

describe('wargame batch --series', () => {
  it('writes one row per run and turn beside the runs, its last turn equal to the run row, the same with 1 and 2 workers', async () => {
    for (const workers of ['1', '2']) {
      const r = runCli(['batch', 'sochi-2021', '--runs', '5', '--seed', 's', '--sweep', 'western_pressure=20,80', '--series', 'turn', '--workers', workers, '--out', at(`w${workers}.csv`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`and its per-turn series ${at(`w${workers}.series.csv`)}`);
    }
    expect(readFileSync(at('w2.series.csv'), 'utf8')).toBe(readFileSync(at('w1.series.csv'), 'utf8'));
    const runs = await batchRows(at('w1.csv'));
    const series = await seriesOf(at('w1.series.csv'));
    expect(series).toHaveLength(runs.reduce((n, r) => n + (r['turns'] as number), 0));
    const meta = await readBatchMeta(at('w1.series.csv'));
    expect(meta.ok && meta.meta.series).toEqual({ runs: 'w1.csv', rows: series.length });
    const names = meta.ok ? meta.meta.columns.map((c) => c.name) : [];
    expect(names.slice(0, 5)).toEqual(['run', 'cell', 'rep', 'turn', 'date']);
    expect(names).toContain('ind_border_tension');
    expect(names).toContain('posture_russia');
    expect(names).toContain('move_armenia');
    for (const run of runs) {
      const mine = series.filter((x) => x['run'] === run['run']);
      expect(mine.map((x) => x['turn'])).toEqual(Array.from({ length: run['turns'] as number }, (_, i) => i + 1));
      expect(mine[0]!['date']).toBe('2021-11');
      const last = mine.at(-1)!;
      for (const [k, v] of Object.entries(run)) if (k.startsWith('final_')) expect({ k, v: last[`ind_${k.slice(6)}`] }).toEqual({ k, v });
      expect(last['cell']).toBe(run['cell']);
    }
    // Moves are move ids of their party (or empty), postures the party's postures.
    expect(series.some((x) => typeof x['move_russia'] === 'string')).toBe(true);
  });

  it('takes a list of indicators, postures and moves; a wrong name gets a did-you-mean', async () => {
    const r = runCli(['batch', 'sochi-2021', '--runs', '2', '--seed', 'l', '--series', 'border_tension,postures', '--out', at('list.parquet'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const meta = await readBatchMeta(at('list.series.parquet'));
    expect(meta.ok && meta.meta.columns.map((c) => c.name).filter((n) => /^(ind|move)_/.test(n))).toEqual(['ind_border_tension']);
    expect(meta.ok && meta.meta.columns.some((c) => c.name === 'posture_azerbaijan')).toBe(true);
    const bad = runCli(['batch', 'sochi-2021', '--runs', '2', '--series', 'border_tenson', '--out', at('never.parquet'), '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"border_tenson" is not an indicator of "sochi-2021" (did you mean "border_tension"?)');
    expect(existsSync(at('never.parquet'))).toBe(false);
    expect(existsSync(at('never.series.parquet'))).toBe(false);
  });

  it('the analyses refuse a series file with a pointer to its runs file', () => {
    const r = runCli(['sensitivity', at('list.series.parquet')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this is the per-turn series of a batch');
    expect(r.stderr).toContain('analyse list.parquet');
  });

  it('the shards of a batch each write their series, and merge puts them together as the unsharded batch wrote it', () => {
    const args = ['sochi-2021', '--runs', '6', '--seed', 'm', '--sweep', 'western_pressure=20,80', '--series', 'turn', '--quiet'];
    expect(runCli(['batch', ...args, '--out', at('whole.csv')]).code).toBe(0);
    for (const k of [1, 2, 3]) expect(runCli(['batch', ...args, '--shard', `${k}/3`, '--out', at(`part${k}.csv`)]).code).toBe(0);
    // Given in any order, in mixed formats too: the merged series is the unsharded one, byte for byte.
    expect(runCli(['batch', ...args, '--shard', '2/3', '--out', at('part2.parquet')]).code).toBe(0);
    const merged = runCli(['merge', at('part3.csv'), at('part2.parquet'), at('part1.csv'), '--out', at('merged.csv')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain(`and their per-turn series into ${at('merged.series.csv')}`);
    expect(readFileSync(at('merged.series.csv'), 'utf8')).toBe(readFileSync(at('whole.series.csv'), 'utf8'));
    expect(readFileSync(at('merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    // A shard without its series: refused, nothing written.
    expect(runCli(['batch', 'sochi-2021', '--runs', '6', '--seed', 'm', '--sweep', 'western_pressure=20,80', '--shard', '3/3', '--quiet', '--out', at('bare3.csv')]).code).toBe(0);
    const bare = runCli(['merge', at('part1.csv'), at('part2.csv'), at('bare3.csv'), '--out', at('never.csv')]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('bare3.series.csv is missing: every shard was written with --series, or none');
    expect(existsSync(at('never.csv'))).toBe(false);
    expect(existsSync(at('never.series.csv'))).toBe(false);
  });

  it('Ctrl-C and --resume give the same runs and series as an uninterrupted batch', async () => {
    const args = ['batch', 'south-caucasus', '--runs', '3000', '--seed', 'int', '--workers', '1', '--series', 'border_tension,moves', '--out', at('int.csv')];
    const { code } = await interruptCli(args, 800);
    expect([0, 130]).toContain(code);
    const meta = await readBatchMeta(at('int.series.csv'));
    const runsMeta = await readBatchMeta(at('int.csv'));
    expect(meta.ok && runsMeta.ok && meta.meta.completed).toBe(runsMeta.ok && runsMeta.meta.completed);
    const resumed = runCli([...args, '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const straight = runCli(['batch', 'south-caucasus', '--runs', '3000', '--seed', 'int', '--workers', '2', '--series', 'border_tension,moves', '--out', at('straight.csv'), '--quiet']);
    expect(straight.code, straight.stderr).toBe(0);
    expect(readFileSync(at('int.series.csv'), 'utf8')).toBe(readFileSync(at('straight.series.csv'), 'utf8'));
    expect(readFileSync(at('int.csv'), 'utf8')).toBe(readFileSync(at('straight.csv'), 'utf8'));
  });
});
