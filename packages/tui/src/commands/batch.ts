/** `wargame batch`: many seeded runs on every core, streamed to Parquet, CSV or JSONL, then summarised. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  BatchUsageError,
  engineName,
  BATCH_FORMAT,
  BATCH_VERSION,
  batchColumns,
  buildDesign,
  designPaths,
  openSeriesSink,
  parseSeriesSpec,
  seriesColumns,
  seriesPath,
  designDifference,
  designForRuns,
  executeBatch,
  formatOfPath,
  formatSummary,
  openSink,
  parseShard,
  parseSweep,
  readBatchMeta,
  shardRange,
  summarizeBatch,
  type BatchMeta,
  type OutputFormat,
  type SweepAxis,
} from '@wargame/batch';
import { formatIssue, monthIndex, shellWord } from '@wargame/engine';
import { historyInputs, replayCommand, withOverrides } from './run.js';
import { err, fileErrorText, out, UserError } from '../io.js';
import { createProgress } from '../progress.js';
import { readScenario } from '../scenario-files.js';
import { readDesignFile } from './design-file.js';
import { withBatch } from './analyse.js';
import { BUILD_ID, VERSION } from '../version.js';

export interface BatchOptions {
  runs: number;
  seed?: string;
  workers?: number;
  set: Record<string, number>;
  sweep: string[];
  lhs?: number;
  /** Saltelli's design with this many base rows (Sobol indices). */
  sobol?: number;
  /** With --sobol: also the second-order indices (2k + 2 cells a base row instead of k + 2); commander's --no-second-order. */
  secondOrder?: boolean;
  /** Morris's design with this many trajectories. */
  morris?: number;
  /** Morris's grid levels. */
  levels?: number;
  /** A design file: one row per cell. */
  design?: string;
  /** A per-turn series beside the runs: `turn` (everything) or a list of indicators, `postures`, `moves`. */
  series?: string;
  out?: string;
  format?: OutputFormat;
  shard?: string;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** Every run follows the history track for the turns before this month (YYYY-MM), then the computer plays. */
  followHistoryUntil?: string;
  /** Parameters or paths from a file (what calibrate writes); --set wins over it. */
  setFile?: string;
}

function drawSeed(): string {
  // Drawn here, at the edge; printed and recorded so the batch can be made again.
  return String(Math.floor(Math.random() * 1_000_000_000));
}

/** The command that makes this output (without --out, --format and --workers, which do not change the rows). */
export function batchCommand(
  arg: string,
  o: {
    runs: number;
    seed: string;
    set: Record<string, number>;
    sweep: SweepAxis[];
    lhs?: number;
    sobol?: { n: number; secondOrder: boolean };
    morris?: { trajectories: number; levels: number };
    design?: string;
    series?: string;
    shard?: { k: number; n: number };
    followHistoryUntil?: string;
    setFile?: string;
  },
): string {
  const parts = [`wargame batch ${shellWord(arg)} --runs ${o.runs} --seed ${shellWord(o.seed)}`];
  if (o.followHistoryUntil !== undefined) parts.push(`--follow-history-until ${o.followHistoryUntil}`);
  if (o.setFile !== undefined) parts.push(`--set-file ${shellWord(o.setFile)}`);
  for (const [k, v] of Object.entries(o.set)) parts.push(`--set ${k}=${v}`);
  for (const a of o.sweep) parts.push(`--sweep ${a.parameter}=${a.values ? a.values.join(',') : a.range!.join(':')}`);
  if (o.lhs !== undefined) parts.push(`--lhs ${o.lhs}`);
  if (o.sobol) parts.push(`--sobol ${o.sobol.n}${o.sobol.secondOrder ? '' : ' --no-second-order'}`);
  if (o.morris) parts.push(`--morris ${o.morris.trajectories} --levels ${o.morris.levels}`);
  if (o.design !== undefined) parts.push(`--design ${shellWord(o.design)}`);
  if (o.series !== undefined) parts.push(`--series ${shellWord(o.series)}`);
  if (o.shard && o.shard.n > 1) parts.push(`--shard ${o.shard.k}/${o.shard.n}`);
  return parts.join(' ');
}

function sameBatch(a: BatchMeta, b: BatchMeta): string | null {
  if (a.scenario.hash !== b.scenario.hash) return `it was made from another version of the scenario (hash ${a.scenario.hash.slice(0, 12)}…, now ${b.scenario.hash.slice(0, 12)}…)`;
  if (a.seed !== b.seed) return `it has seed ${a.seed}, not ${b.seed}`;
  if (a.engine.version !== b.engine.version || a.engine.build !== b.engine.build)
    return `it was played by another engine (${engineName(a.engine)}, this is ${engineName(b.engine)}), which may play the same seed differently`;
  if (a.runsPerCell !== b.runsPerCell) return `it has ${a.runsPerCell} runs per cell, not ${b.runsPerCell}`;
  const design = designDifference(a.design, b.design);
  if (design) return `its design differs (${design})`;
  if (a.play?.followHistoryUntil !== b.play?.followHistoryUntil) return `it follows the history track ${a.play ? `until ${a.play.followHistoryUntil}` : 'not at all'}, not ${b.play ? `until ${b.play.followHistoryUntil}` : 'at all'}`;
  if (a.shard.k !== b.shard.k || a.shard.n !== b.shard.n) return `it is shard ${a.shard.k}/${a.shard.n}, not ${b.shard.k}/${b.shard.n}`;
  return null;
}

export async function batchCommandRun(arg: string, o: BatchOptions): Promise<number> {
  const loaded = readScenario(arg);
  if (!loaded.ok) {
    err(loaded.issues.map(formatIssue).join('\n'));
    return 1;
  }
  // --set-file and --set: parameters go into the design, other paths into the scenario (whose hash then says so).
  const { scenario, params } = withOverrides(loaded.scenario, o);
  const seed = o.seed ?? drawSeed();
  // Checked as run checks it; every run then follows the record before that month.
  if (o.followHistoryUntil !== undefined) historyInputs(scenario, o.followHistoryUntil);
  const play = o.followHistoryUntil === undefined ? undefined : { followHistoryUntil: o.followHistoryUntil };

  const sweep: SweepAxis[] = [];
  for (const s of o.sweep) {
    const r = parseSweep(s);
    if (!r.ok) throw new UserError(r.message);
    sweep.push(r.value);
  }
  if ((o.levels !== undefined || o.secondOrder === false) && o.morris === undefined && o.sobol === undefined)
    throw new UserError(o.levels !== undefined ? '--levels goes with --morris R' : '--no-second-order goes with --sobol N');
  const sobol = o.sobol === undefined ? undefined : { n: o.sobol, secondOrder: o.secondOrder !== false };
  const morris = o.morris === undefined ? undefined : { trajectories: o.morris, levels: o.levels ?? 4 };
  const file = o.design === undefined ? undefined : readDesignFile(o.design);
  const design = buildDesign(scenario, {
    fixed: params,
    sweep,
    seed,
    runsPerCell: o.runs,
    ...(o.lhs === undefined ? {} : { lhs: o.lhs }),
    ...(sobol ? { sobol } : {}),
    ...(morris ? { morris } : {}),
    ...(file ? { file } : {}),
  });
  if (!design.ok) throw new UserError(design.message);
  const series = o.series === undefined ? undefined : parseSeriesSpec(scenario, o.series);
  if (series && !series.ok) throw new UserError(series.message);
  const shard = o.shard === undefined ? { k: 1, n: 1 } : (() => {
    const r = parseShard(o.shard);
    if (!r.ok) throw new UserError(r.message);
    return r.value;
  })();

  const fromPath = o.out === undefined ? undefined : formatOfPath(o.out);
  // The extension is how merge, report and the analysis commands tell a batch output from a save.
  if (o.out !== undefined && fromPath === undefined)
    throw new UserError(`--out ${o.out}: name the output .parquet, .csv or .jsonl${o.format ? ` (for --format ${o.format}: ${o.out.replace(/\.[^./\\]*$/, '')}.${o.format})` : ''}`);
  if (o.format && fromPath && o.format !== fromPath) throw new UserError(`--format ${o.format} does not match the file name ${o.out} (.${fromPath}): make them agree`);
  const format: OutputFormat = o.format ?? fromPath ?? 'parquet';
  const suffix = shard.n > 1 ? `-${shard.k}-of-${shard.n}` : '';
  const path = o.out ?? `${scenario.id}-batch${suffix}.${format}`;

  const cells = design.value.cells.length;
  const total = cells * o.runs;
  const range = shardRange(total, shard.k, shard.n);
  const command = batchCommand(arg, {
    runs: o.runs,
    seed,
    set: o.set,
    sweep,
    ...(o.lhs === undefined ? {} : { lhs: o.lhs }),
    ...(sobol ? { sobol } : {}),
    ...(morris ? { morris } : {}),
    ...(o.design === undefined ? {} : { design: o.design }),
    ...(o.series === undefined ? {} : { series: o.series }),
    shard,
    ...(o.followHistoryUntil === undefined ? {} : { followHistoryUntil: o.followHistoryUntil }),
    ...(o.setFile === undefined ? {} : { setFile: o.setFile }),
  });
  const meta: BatchMeta = {
    format: BATCH_FORMAT,
    version: BATCH_VERSION,
    scenario: { id: scenario.id, hash: scenario.hash, title: scenario.title },
    seed,
    runsPerCell: o.runs,
    // Only the cells this file's runs play: a shard's metadata stays in proportion to the shard.
    design: designForRuns(design.value, range.from, range.to, o.runs),
    total,
    shard: { ...shard, ...range },
    completed: 0,
    columns: batchColumns(scenario, designPaths(scenario, design.value)),
    command,
    ...(play ? { play } : {}),
    engine: { version: VERSION, ...(BUILD_ID === undefined ? {} : { build: BUILD_ID }) },
  };

  let start = range.from;
  if (o.resume) {
    if (!existsSync(path)) throw new UserError(`--resume: ${path} does not exist; run without --resume to start the batch`);
    const old = await readBatchMeta(path);
    if (!old.ok) throw new UserError(`--resume: ${old.message}`);
    const why = sameBatch(old.meta, meta);
    if (why) throw new UserError(`--resume: ${path} is not this batch: ${why}. Its command was: ${old.meta.command}`);
    start = range.from + old.meta.completed;
    if (start >= range.to) err(`${path} is already complete (${old.meta.completed} runs); summarising it.`);
  } else if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UserError(`--out ${path} is a folder: give a file name such as ${join(path, `${scenario.id}-batch.${format}`)}`);
  } else if (existsSync(path) && !o.force) {
    throw new UserError(`${path} exists: add --resume to continue that batch, --force to replace it, or choose another --out`);
  }

  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), 256));
  if (!o.quiet && !o.json)
    err(
      `${scenario.title} (${scenario.id}) · seed ${seed} · ${cells > 1 ? `${cells} cells × ` : ''}${o.runs} runs${shard.n > 1 ? ` · shard ${shard.k}/${shard.n} (runs ${range.from}–${range.to - 1})` : ''} · ${workers} worker${workers > 1 ? 's' : ''} → ${path}${start > range.from && start < range.to ? ` (resuming: ${start - range.from} runs done)` : ''}`,
    );

  // An empty slice (more shards than runs) still gets its file, so merge finds every shard.
  if (start < range.to || !o.resume) {
    // A sink that cannot be opened (no such folder, no permission, a damaged file to resume) is the user's to fix;
    // a BatchUsageError (columns the sink refuses) is a bug here.
    const sink = await openSink({ path, format, columns: meta.columns, ...(o.resume ? { resume: { path } } : {}) }).catch((e: unknown) => {
      throw e instanceof BatchUsageError ? e : new UserError((e as Error).message);
    });
    // The per-turn series goes beside the runs file and is published with it.
    const seriesFile = series ? seriesPath(path) : undefined;
    const seriesSink =
      series && seriesFile
        ? await openSeriesSink({ path: seriesFile, format, columns: seriesColumns(scenario, series.value), resume: o.resume === true }).catch(async (e: unknown) => {
            await sink.abort();
            throw e instanceof BatchUsageError ? e : new UserError((e as Error).message);
          })
        : undefined;
    const abortAll = async () => {
      await sink.abort();
      await seriesSink?.abort();
    };
    const controller = new AbortController();
    let abandoned = false;
    const progress = createProgress(range.to - start, { tty: process.stderr.isTTY === true, quiet: o.quiet === true, label: 'batch' });
    const onSignal = (signal: NodeJS.Signals) => {
      if (!controller.signal.aborted) {
        controller.abort();
        progress.stop();
        err(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: finishing the runs in progress, then writing what is done (Ctrl-C again to abandon without writing).`);
      } else if (!abandoned) {
        abandoned = true;
        void abortAll().finally(() => {
          err(`abandoned: ${path} was not changed.`);
          process.exit(130);
        });
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await executeBatch({
        setup: {
          doc: scenario.doc,
          design: design.value,
          seed,
          runsPerCell: o.runs,
          hash: scenario.hash,
          ...(play ? { play: { followHistoryUntil: monthIndex(play.followHistoryUntil) } } : {}),
          ...(series ? { series: series.value } : {}),
        },
        from: start,
        to: range.to,
        workers,
        sink,
        ...(seriesSink ? { seriesSink } : {}),
        signal: controller.signal,
        onProgress: (done) => progress.update(done),
      });
      progress.stop();
      if (!result.ok) {
        await abortAll();
        const cell = Math.floor(result.run / o.runs);
        const cellParams = design.value.cells[cell]?.params ?? {};
        // What differs from the defaults, and every path the design varies (run --set takes paths too).
        const sets = Object.fromEntries(Object.entries(cellParams).filter(([k, v]) => scenario.parameters.find((p) => p.id === k)?.default !== v));
        const replay = result.seed
          ? replayCommand(arg, result.seed, { set: sets, ...(o.setFile === undefined ? {} : { setFile: o.setFile }), ...(o.followHistoryUntil === undefined ? {} : { followHistoryUntil: o.followHistoryUntil }) })
          : undefined;
        throw new UserError(`run ${result.run} failed: ${result.message}${replay ? `\nreplay it: ${replay}` : ''}\n${path} was not changed.`);
      }
      meta.completed = start - range.from + result.done;
      // The series first, the runs file last: a published runs file always has its series beside it.
      await seriesSink?.commit(meta, path).catch(async (e: unknown) => {
        await abortAll();
        if (e instanceof BatchUsageError) throw e;
        throw new UserError(`cannot write ${seriesFile}: ${fileErrorText(e)}; the previous files (if any) are unchanged`);
      });
      await sink.commit(meta).catch(async (e: unknown) => {
        await sink.abort();
        if (e instanceof BatchUsageError) throw e;
        throw new UserError(`cannot write ${path}: ${fileErrorText(e)}; the previous file (if any) is unchanged`);
      });
      if (result.interrupted) {
        err(
          `Stopped: ${path} holds ${meta.completed} of ${range.to - range.from} runs (a valid file).\nResume with: ${command}${o.out ? ` --out ${shellWord(o.out)}` : ''}${o.format ? ` --format ${o.format}` : ''} --resume`,
        );
        return 130;
      }
    } catch (e) {
      // A write that failed part-way (a full disk, a device gone): no temporary is left behind, the old file stays.
      await abortAll();
      // Only the system's file errors are the user's to fix; anything else stays a bug, reported as one.
      if (typeof (e as NodeJS.ErrnoException).code !== 'string' || e instanceof UserError || e instanceof BatchUsageError) throw e;
      throw new UserError(`cannot write ${path}: ${fileErrorText(e)}; nothing was written and the previous file (if any) is unchanged`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.stop();
    }
  }

  const summary = await withBatch(path, summarizeBatch);
  if (o.json) out(JSON.stringify({ output: path, summary }, null, 2));
  else {
    out(formatSummary(summary));
    if (!o.quiet) err(`wrote ${path}${format === 'parquet' ? '' : ` (+ ${path}.meta.json)`}${o.series === undefined ? '' : ` and its per-turn series ${seriesPath(path)}`}`);
  }
  return 0;
}
