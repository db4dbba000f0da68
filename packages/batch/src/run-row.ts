/** One run of a batch, from its global index to its output row. */
import { createRunContext, evaluateOutcomes, fastRun, prepareFastRun, type CompiledScenario, type FastPlan, type RunContext } from '@wargame/engine';
import type { Row } from './columns.js';
import type { BatchDesign } from './meta.js';
import { runSeed } from './design.js';

export interface RowContext {
  scenario: CompiledScenario;
  plan: FastPlan;
  /** The kernel's scratch, reused by every run this thread plays one after another. */
  run: RunContext;
  design: BatchDesign;
  seed: string;
  runsPerCell: number;
  /** How each run is played: following the history track before a month, and stopping after some turns (absent: free runs to the end). */
  play: RunPlay;
}

export interface RunPlay {
  /** Follow the history track for the turns before this absolute month. */
  followHistoryUntil?: number;
  /** Stop after this many turns. */
  turns?: number;
}

/** A row context for a scenario already compiled in this thread. */
export function prepareBatchContext(scenario: CompiledScenario, design: BatchDesign, seed: string, runsPerCell: number, play: RunPlay = {}): RowContext {
  const plan = prepareFastRun(scenario);
  return { scenario, plan, run: createRunContext(plan), design, seed, runsPerCell, play };
}

export type RowResult = { ok: true; row: Row } | { ok: false; message: string; seed: string };

/** Plays global run `run` and lays its results out in column order (see batchColumns). */
export function playRow(ctx: RowContext, run: number): RowResult {
  const cell = Math.floor(run / ctx.runsPerCell);
  const rep = run - cell * ctx.runsPerCell;
  const seed = runSeed(ctx.seed, rep);
  const { scenario } = ctx;
  const params = ctx.design.cells[cell]!.params;
  const r = fastRun(ctx.plan, { seed, params, context: ctx.run, ...ctx.play });
  if (!r.ok) return { ok: false, message: r.error.message, seed };
  const s = r.state;
  const outcomes = evaluateOutcomes(scenario, s);
  const row: Row = [run, cell, rep, seed, s.turn];
  for (let i = 0; i < scenario.parameters.length; i++) row.push(s.params[i]!);
  for (const o of scenario.outcomes) row.push(outcomes[o.id]!.value);
  for (const o of scenario.outcomes) if (o.type === 'boolean' && o.over === 'ever') row.push(s.ever[o.everIndex]! >= 0 ? s.ever[o.everIndex]! : null);
  for (let i = 0; i < scenario.indicators.length; i++) row.push(s.ind[i]!);
  return { ok: true, row };
}
