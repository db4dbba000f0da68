/**
 * A batch worker thread: compiles the scenario once from the validated
 * document the main thread loaded (no YAML to parse or schema to check again:
 * a worker starts ~0.2 s sooner), then plays chunks of runs. Rows only depend
 * on the run index, so how chunks are spread over threads never changes the output.
 */
import { workerData } from 'piscina';
import { compileScenarioDoc, type ScenarioDoc } from '@wargame/engine';
import type { Row, SeriesSpec } from './columns.js';
import type { BatchDesign } from './meta.js';
import { playRow, prepareBatchContext, type RowContext, type RunPlay } from './run-row.js';

export interface WorkerSetup {
  /** The validated scenario document (`CompiledScenario.doc`), plain data that crosses to a thread. */
  doc: ScenarioDoc;
  design: BatchDesign;
  seed: string;
  runsPerCell: number;
  /** The scenario hash the main thread compiled: a worker that compiles another refuses to run. */
  hash: string;
  /** How each run is played (history followed before a month); absent: free runs from the start. */
  play?: RunPlay;
  /** The per-turn series to collect beside the rows (absent: none). */
  series?: SeriesSpec;
}

export interface ChunkTask {
  from: number;
  to: number;
}

/** A chunk's rows in run order, and its series rows (run, then turn order) when the batch collects a series. */
export type ChunkResult = { ok: true; rows: Row[]; series?: Row[] } | { ok: false; message: string; run: number; seed?: string };

/** Compiles the setup's scenario and returns a row context, or a message. */
export function createRowContext(setup: WorkerSetup): { ok: true; ctx: RowContext } | { ok: false; message: string } {
  const { scenario, issues } = compileScenarioDoc(setup.doc);
  if (issues.length > 0) return { ok: false, message: `the worker could not compile the scenario: ${issues[0]!.message}` };
  if (scenario.hash !== setup.hash) return { ok: false, message: `the worker compiled another scenario (hash ${scenario.hash}, expected ${setup.hash})` };
  return { ok: true, ctx: prepareBatchContext(scenario, setup.design, setup.seed, setup.runsPerCell, setup.play ?? {}, setup.series) };
}

/** Plays runs [from, to) in order. */
export function playChunk(ctx: RowContext, task: ChunkTask): ChunkResult {
  const rows: Row[] = [];
  const series: Row[] | undefined = ctx.series ? [] : undefined;
  for (let run = task.from; run < task.to; run++) {
    const r = playRow(ctx, run, series);
    if (!r.ok) return { ok: false, message: r.message, run, seed: r.seed };
    rows.push(r.row);
  }
  return series ? { ok: true, rows, series } : { ok: true, rows };
}

let context: { ok: true; ctx: RowContext } | { ok: false; message: string } | undefined;

/** The piscina task function. */
export default function runChunk(task: ChunkTask): ChunkResult {
  context ??= createRowContext(workerData as WorkerSetup);
  if (!context.ok) return { ok: false, message: context.message, run: task.from };
  return playChunk(context.ctx, task);
}
