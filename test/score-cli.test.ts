/**
 * `wargame score` with dated observations, end to end: a real batch of the
 * flagship made by the built CLI, scored against the flagship's observed file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthIndex } from '@wargame/engine';
import { openBatch, type ScoreResult } from '@wargame/batch';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-score-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const OBSERVED = join(root, 'docs', 'scenarios', 'south-caucasus.observed.yaml');

function batch(args: string[]): void {
  const r = runCli(['batch', ...args, '--quiet']);
  if (r.code !== 0) throw new Error(`wargame batch ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
}

/** The months the observed file dates, read from its text (not through the parser under test). */
function datedOutcomes(): Map<string, string> {
  const text = readFileSync(OBSERVED, 'utf8');
  return new Map([...text.matchAll(/^\s+([a-z_]+): \{ value: true, date: (\d{4}-\d{2}) \}$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** CRPS, in months, of the runs' first months (never = one month past 2025-12) against a month: E|X − y| − ½E|X − X′|. */
function kernelCrps(firstTurns: (number | null)[], observedTurn: number, horizon: number): number {
  const xs = firstTurns.map((t) => t ?? horizon + 1);
  const n = xs.length;
  let a = 0;
  let b = 0;
  for (const x of xs) a += Math.abs(x - observedTurn);
  for (const x of xs) for (const z of xs) b += Math.abs(x - z);
  return a / n - b / (2 * n * n);
}

beforeAll(() => {
  batch(['south-caucasus', '--runs', '50', '--seed', '1', '--out', at('flagship.parquet')]);
});

describe('wargame score with dates', () => {
  it('scores when each dated outcome first held, against the runs themselves', async () => {
    const dated = datedOutcomes();
    expect(dated.size).toBeGreaterThanOrEqual(6);
    const r = runCli(['score', at('flagship.parquet'), '--observed', OBSERVED, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScoreResult;
    // The flagship's calendar: monthly from November 2021, 50 turns (to December 2025).
    expect(result.calendar).toEqual({ start: monthIndex('2021-11'), step: 1, turns: 50 });
    const opened = await openBatch(at('flagship.parquet'));
    if (!opened.ok) throw new Error(opened.message);
    try {
      for (const [id, date] of dated) {
        const s = result.overall.outcomes.find((o) => o.id === id);
        if (s?.type !== 'boolean' || !s.timing) throw new Error(`no timing for ${id}`);
        const turns = (await opened.table.all(`SELECT turn_${id} AS t FROM ${opened.table.from}`)).map((row) => (row.t === null ? null : Number(row.t)));
        const y = monthIndex(date) - monthIndex('2021-11') + 1;
        expect({ id, n: s.timing.n, held: s.timing.held }).toEqual({ id, n: 50, held: turns.filter((t) => t !== null).length });
        expect(s.timing.crps, id).toBeCloseTo(kernelCrps(turns, y, 50), 8);
      }
    } finally {
      opened.table.close();
    }
    // One reliability event per observed boolean, whatever the design.
    expect(result.events).toHaveLength(dated.size);
  });

  it('places each month in the turn the engine records: runs that follow the record to mid 2024 score 0', () => {
    batch(['south-caucasus', '--runs', '5', '--seed', '4', '--follow-history-until', '2024-07', '--out', at('record.parquet')]);
    const r = runCli(['score', at('record.parquet'), '--observed', OBSERVED, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ScoreResult;
    const timings = result.overall.outcomes.map((o) => (o.type === 'boolean' && o.timing ? [o.id, o.timing.held, o.timing.q50, o.timing.crps] : [o.id]));
    expect(timings).toEqual([...datedOutcomes()].map(([id, date]) => [id, 5, date, 0]));
  });

  it('prints the forecast of when next to the observed month', () => {
    const r = runCli(['score', at('flagship.parquet'), '--observed', OBSERVED]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith('When (the month each outcome first held):'));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/^outcome\s+observed\s+held\s+10%\s+50%\s+90%\s+PIT\s+CRPS \(months\)$/);
    const row = lines.slice(head).find((l) => l.startsWith('karabakh_offensive '));
    expect(row).toMatch(/^karabakh_offensive\s+2023-09\s+\d+\.\d%\s+(\d{4}-\d{2}|—)\s+(\d{4}-\d{2}|—)\s+(\d{4}-\d{2}|—)\s+\d\.\d\d\s+\d+\.\d\d$/);
  });

  it('counts each observation once in the reliability of a sweep', () => {
    batch(['south-caucasus', '--runs', '10', '--seed', '2', '--sweep', 'western_pressure=20,50,80', '--out', at('sweep.parquet')]);
    const r = runCli(['score', at('sweep.parquet'), '--observed', OBSERVED, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScoreResult;
    expect(result.cells).toHaveLength(3);
    expect(result.reliability.reduce((s, b) => s + b.count, 0)).toBe(datedOutcomes().size);
    for (const c of result.cells) expect(c.outcomes.every((o) => o.type === 'boolean' && o.timing !== undefined)).toBe(true);
  });

  it('refuses a month outside the calendar at its line, and a --scenario that is not the batch’s', () => {
    writeFileSync(at('early.yaml'), 'scenario: south-caucasus\nobserved:\n  karabakh_exodus: { value: true, date: 2019-05 }\n');
    const early = runCli(['score', at('flagship.parquet'), '--observed', at('early.yaml')]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`${at('early.yaml')}:3:41 ✖ 2019-05 is before the scenario's first turn (2021-11)`);
    expect(early.stderr).not.toMatch(/^\s+at /m);
    writeFileSync(at('bad.yaml'), 'karabakh_exodus:\n  value: true\n  date: Sept 2023\n');
    const bad = runCli(['score', at('flagship.parquet'), '--observed', at('bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${at('bad.yaml')}:3:9 ✖ the month karabakh_exodus first held: expected YYYY-MM (e.g. 2023-09), got the text "Sept 2023"`);
    const other = runCli(['score', at('flagship.parquet'), '--observed', OBSERVED, '--scenario', 'peace-tracks']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('--scenario peace-tracks is scenario "peace-tracks", but the batch is of "south-caucasus"');
  });
});
