/**
 * The debrief's background batch: computer-played runs over the game's own
 * months (comparison.ts), played in short time slices between renders (setImmediate), so
 * key presses are handled while it runs and the screen never freezes.
 */
import type { CompiledScenario } from '@wargame/engine';
import type { RunPlay } from '@wargame/batch';
import type { BatchValue } from './debrief-model.js';
import { computerRunUtilities } from './grade.js';

export interface BatchProgress {
  done: number;
  total: number;
  finished: boolean;
  error?: string;
  /** Each outcome's value in every run played so far, by outcome id. */
  columns: Record<string, BatchValue[]>;
  /** With `grade`: the graded party's interests' utilities at the end of every run played so far. */
  utilities: number[][];
  /** Wall time so far, in milliseconds. */
  elapsedMs: number;
}

export interface BackgroundBatchOptions {
  scenario: CompiledScenario;
  params: Record<string, number>;
  /** The batch seed: run i plays seed `<seed>.i`, as `wargame batch --seed`. */
  seed: string;
  runs: number;
  /** How the runs are played (the game's own stretch of months: comparison.ts). */
  play?: RunPlay;
  onProgress: (p: BatchProgress) => void;
  /** Longest stretch of runs between two yields to the event loop. */
  sliceMs?: number;
  /** Least time between two progress reports (the last one is always reported). */
  reportEveryMs?: number;
  /** Also keep, for each run, where this party's interests ended (the debrief's grade: grade.ts). */
  grade?: { party: number };
}

/**
 * Starts the batch; returns a function that stops it.
 *
 * @example
 * const stop = startBackgroundBatch({ scenario, params: session.params, seed: '1', runs: 2000, onProgress: (p) => render(p) });
 */
export function startBackgroundBatch(opts: BackgroundBatchOptions): () => void {
  let cancelled = false;
  const started = performance.now();
  const columns: Record<string, BatchValue[]> = Object.fromEntries(opts.scenario.outcomes.map((o) => [o.id, []]));
  const utilities: number[][] = [];
  const report = (done: number, finished: boolean, error?: string) =>
    opts.onProgress({ done, total: opts.runs, finished, columns, utilities, elapsedMs: performance.now() - started, ...(error === undefined ? {} : { error }) });

  void (async () => {
    // Loaded only when a debrief needs it: the batch package is not on the path to the first screen.
    const batch = await import('@wargame/batch');
    if (cancelled) return;
    const design = batch.buildDesign(opts.scenario, { fixed: opts.params, sweep: [], seed: opts.seed });
    if (!design.ok) return report(0, true, design.message);
    // The scenario is already compiled here: build the row context from it rather than recompiling the sources.
    const ctx = batch.prepareBatchContext(opts.scenario, design.value, opts.seed, opts.runs, opts.play ?? {});
    const cols = batch.batchColumns(opts.scenario);
    const index = opts.scenario.outcomes.map((o) => [o.id, cols.findIndex((c) => c.name === `outcome_${o.id}`)] as const);
    // The same runs again on the engine's fast path, for the graded party's final world (the rows hold outcomes, not utilities).
    const graded = opts.grade ? computerRunUtilities(opts.scenario, { seed: opts.seed, params: opts.params, play: opts.play ?? {}, party: opts.grade.party }) : null;
    const sliceMs = opts.sliceMs ?? 12;
    const reportEvery = opts.reportEveryMs ?? 80;
    let next = 0;
    let lastReport = 0;
    const tick = () => {
      if (cancelled) return;
      const t0 = performance.now();
      while (next < opts.runs && performance.now() - t0 < sliceMs) {
        const to = Math.min(opts.runs, next + 8);
        const r = batch.playChunk(ctx, { from: next, to });
        if (!r.ok) return report(next, true, `run ${r.run} (seed ${r.seed ?? '?'}) failed: ${r.message}`);
        for (const row of r.rows) for (const [id, i] of index) columns[id]!.push(row[i] as BatchValue);
        if (graded)
          for (let i = next; i < to; i++) {
            const u = graded(i);
            if (!Array.isArray(u)) return report(next, true, `run ${i} (seed ${opts.seed}.${i}) failed: ${u.error}`);
            utilities.push(u);
          }
        next = to;
      }
      const finished = next >= opts.runs;
      if (finished || performance.now() - lastReport >= reportEvery) {
        lastReport = performance.now();
        report(next, finished);
      }
      if (!finished) setImmediate(tick);
    };
    report(0, false);
    setImmediate(tick);
  })().catch((e: unknown) => {
    if (!cancelled) report(0, true, `the background runs could not start: ${(e as Error).message}`);
  });
  return () => {
    cancelled = true;
  };
}
