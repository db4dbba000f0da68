#!/usr/bin/env node
// Batch speed figures (a benchmark, not a test). Usage: pnpm bench [scenario] [runs] [--memory-runs N]
//   1. the batch path (fastRun) on one worker: runs/s and µs per party-turn;
//   2. the same batch on every core through the worker pool: runs/s and the scaling ratio;
//   3. peak memory of a real `wargame batch` writing Parquet (10^5 runs by default);
//   4. the same scenario through the full engine, with XState's own transition() and with the compiled table, for comparison.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastRun, prepareFastRun, runGame, formatIssue } from '../packages/engine/dist/index.js';
import { buildDesign, executeBatch } from '../packages/batch/dist/index.js';
import { readScenario } from '../packages/tui/dist/scenario-files.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const memoryRuns = Number(flag('--memory-runs', '100000'));
const [id = 'south-caucasus', runsArg = '4000'] = args;
const runs = Number(runsArg);
const loaded = readScenario(id);
if (!loaded.ok) {
  console.error(loaded.issues.map(formatIssue).join('\n'));
  process.exit(1);
}
const s = loaded.scenario;
const cores = availableParallelism();
const fmt = (x, d = 0) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`scenario ${s.id}: ${s.parties.length} parties × ${s.calendar.turns} turns; node ${process.version}; ${cores} cores`);

// 1. One worker, in this thread.
const plan = prepareFastRun(s);
for (let i = 0; i < 200; i++) fastRun(plan, { seed: `warm.${i}` });
let partyTurns = 0;
let t0 = performance.now();
for (let i = 0; i < runs; i++) {
  const r = fastRun(plan, { seed: `bench.${i}` });
  if (!r.ok) throw new Error(r.error.message);
  partyTurns += r.state.turn * s.parties.length;
}
let seconds = (performance.now() - t0) / 1000;
const single = runs / seconds;
console.log(`batch path, 1 worker      ${fmt(single).padStart(8)} runs/s   ${fmt((seconds * 1e6) / partyTurns, 2).padStart(6)} µs per party-turn   (${fmt(runs)} runs)`);

// 2. Every core, through the pool (rows built, written nowhere).
const design = buildDesign(s, { fixed: {}, sweep: [], seed: 'bench' });
if (!design.ok) throw new Error(design.message);
const sink = { written: 0, resumed: 0, write(rows) { this.written += rows.length; }, async commit() {}, async abort() {} };
const setup = { doc: s.doc, design: design.value, seed: 'bench', runsPerCell: runs * cores, hash: s.hash };
// Rates all in (pool start, each worker compiling the scenario and warming up) and in the steady state (after the first fifth of the runs).
const pooled = async (workers, n) => {
  const start = performance.now();
  let mark = null;
  const r = await executeBatch({
    setup,
    from: 0,
    to: n,
    workers,
    sink,
    onProgress: (done) => {
      if (mark === null && done >= n / 5) mark = { done, at: performance.now() };
    },
  });
  if (!r.ok) throw new Error(r.message);
  const end = performance.now();
  return { all: n / ((end - start) / 1000), steady: (n - mark.done) / ((end - mark.at) / 1000) };
};
const one = await pooled(1, runs);
const all = await pooled(cores, runs * cores);
console.log(`batch, pool of 1          ${fmt(one.steady).padStart(8)} runs/s   steady (${fmt(one.all)} all in: rows built, in-thread)`);
console.log(
  `batch, pool of ${String(cores).padEnd(2)}         ${fmt(all.steady).padStart(8)} runs/s   steady (${fmt(all.all)} all in, with ${cores} workers starting)   scaling ${fmt(all.steady / one.steady, 2)}× steady, ${fmt(all.all / one.all, 2)}× all in`,
);

// 3. Peak memory of a real batch to Parquet.
if (memoryRuns > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-bench-'));
  const wrapper = `const { main } = await import(${JSON.stringify(new URL('../packages/tui/dist/cli-main.js', import.meta.url).href)});
const code = await main(process.argv);
process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');
process.exit(code);`;
  t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper, 'wargame', 'batch', id, '--runs', String(memoryRuns), '--seed', 'mem', '--out', join(dir, 'out.parquet'), '--quiet'], { encoding: 'utf8' });
  seconds = (performance.now() - t0) / 1000;
  const rss = /maxrss (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !rss) console.log(`peak memory: the batch failed (exit ${r.status}): ${(r.stderr ?? '').slice(0, 500)}`);
  else console.log(`wargame batch --runs ${fmt(memoryRuns)} → Parquet: peak resident memory ${fmt(Number(rss[1]) / 1024)} MB, ${fmt(seconds, 1)} s (${fmt(memoryRuns / seconds)} runs/s incl. start, writing and summary)`);
  rmSync(dir, { recursive: true, force: true });
}

// 4. The full engine (turn logs, explanations, input checks), for comparison.
for (const driver of ['xstate', 'table']) {
  const n = Math.max(20, Math.round(runs / 100));
  for (let i = 0; i < 10; i++) runGame(s, { seed: `warm${i}`, driver, hash: false });
  t0 = performance.now();
  let pt = 0;
  for (let i = 0; i < n; i++) {
    const g = runGame(s, { seed: `bench.${i}`, driver, hash: false });
    if (!g.ok) throw new Error(g.error.message);
    pt += g.run.turns.length * s.parties.length;
  }
  seconds = (performance.now() - t0) / 1000;
  const label = driver === 'xstate' ? 'full engine, XState interpreter' : 'full engine, compiled table  ';
  console.log(`${label} ${fmt(n / seconds).padStart(5)} runs/s   ${fmt((seconds * 1e6) / pt, 2).padStart(6)} µs per party-turn   (turn logs and explanations)`);
}
