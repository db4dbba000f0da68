/**
 * Runs a slice of a batch on a pool of worker threads and streams the rows to
 * a sink in run order. Chunks finish out of order; a small reorder buffer holds
 * them until their turn, and at most a few chunks per worker are in flight, so
 * memory stays flat however many runs there are.
 *
 * Stopping (an aborted signal) lets the chunks in flight finish, writes every
 * run up to the first gap, and reports how far it got: the output is then a
 * valid prefix of the batch that `--resume` continues.
 */
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { RowSink } from './io/sink.js';
import type { SeriesSink } from './io/series-sink.js';
import { createRowContext, playChunk, type ChunkResult, type ChunkTask, type WorkerSetup } from './worker.js';

export interface BatchExecution {
  setup: WorkerSetup;
  /** Global run indices to play: [from, to). */
  from: number;
  to: number;
  workers: number;
  sink: RowSink;
  /** Where the per-turn series goes, when the setup collects one. */
  seriesSink?: SeriesSink;
  /** Runs per task (default: about 0.2 s of work, fewer for small batches so every worker gets some). */
  chunk?: number;
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}

export type ExecutionResult =
  | { ok: true; done: number; interrupted: boolean }
  | { ok: false; done: number; message: string; run: number; seed?: string };

/** The worker script: dist/worker.js, also when this module runs from source (tests). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/[\\/]src[\\/]runner\.ts$/, '/dist/worker.js') : here.replace(/runner\.js$/, 'worker.js');
}

function chunkSize(runs: number, workers: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, requested);
  // Enough tasks for every worker to stay busy and for progress to move, few enough to keep overhead low.
  return Math.max(1, Math.min(200, Math.ceil(runs / (workers * 8))));
}

/** Plays runs [from, to) and writes them to the sink in order. */
export async function executeBatch(job: BatchExecution): Promise<ExecutionResult> {
  const size = chunkSize(job.to - job.from, job.workers, job.chunk);
  const tasks: ChunkTask[] = [];
  for (let a = job.from; a < job.to; a += size) tasks.push({ from: a, to: Math.min(job.to, a + size) });
  let done = 0;
  const write = async (r: ChunkResult, task: ChunkTask): Promise<ExecutionResult | null> => {
    if (!r.ok) return { ok: false, done, message: r.message, run: r.run, ...(r.seed === undefined ? {} : { seed: r.seed }) };
    await job.sink.write(r.rows);
    if (r.series) job.seriesSink?.write(r.series);
    done += task.to - task.from;
    job.onProgress?.(done);
    return null;
  };

  if (job.workers <= 1) {
    // One worker: play in this thread, no pool to start.
    const made = createRowContext(job.setup);
    if (!made.ok) return { ok: false, done, message: made.message, run: job.from };
    for (const task of tasks) {
      if (job.signal?.aborted) return { ok: true, done, interrupted: true };
      const stop = await write(playChunk(made.ctx, task), task);
      if (stop) return stop;
      // Let a Ctrl-C or a progress redraw in between chunks.
      await yieldToEvents();
    }
    return { ok: true, done, interrupted: false };
  }

  const pool = new Piscina<ChunkTask, ChunkResult>({
    filename: workerFile(),
    workerData: job.setup,
    minThreads: job.workers,
    maxThreads: job.workers,
    idleTimeout: 1000,
  });
  try {
    const inFlight = new Map<number, Promise<ChunkResult>>();
    const maxInFlight = job.workers * 3;
    let next = 0;
    for (let write_ = 0; write_ < tasks.length; write_++) {
      while (next < tasks.length && inFlight.size < maxInFlight && !job.signal?.aborted) {
        const task = tasks[next]!;
        // A worker that throws becomes an error result, so no rejection is ever left unhandled.
        inFlight.set(
          next,
          pool.run(task).catch((e: unknown): ChunkResult => ({ ok: false, message: `a worker failed: ${(e as Error).message ?? String(e)}`, run: task.from })),
        );
        next++;
      }
      const pending = inFlight.get(write_);
      // Stopped before this chunk was started: everything before it is written.
      if (!pending) return { ok: true, done, interrupted: true };
      const result = await pending;
      inFlight.delete(write_);
      const stop = await write(result, tasks[write_]!);
      if (stop) return stop;
    }
    return { ok: true, done, interrupted: false };
  } finally {
    await pool.destroy();
  }
}
