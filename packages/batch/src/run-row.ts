/** One run of a batch, from its global index to its output row. */
import { applyOverrides, compileScenarioDoc, createRunContext, evaluateOutcomes, fastRun, prepareFastRun, type CompiledScenario, type FastPlan, type GameState, type RunContext } from '@wargame/engine';
import { seriesRow, type Row, type SeriesSpec } from './columns.js';
import type { BatchDesign } from './meta.js';
import { designPaths, runSeed } from './design.js';

/** A scenario as one cell plays it: compiled once, with its plan and scratch. */
interface Compiled {
  scenario: CompiledScenario;
  plan: FastPlan;
  run: RunContext;
}

/**
 * Cells whose paths (not parameters) differ play differently compiled
 * scenarios. Runs come in cell order, so a handful of compiled cells is enough
 * for a thread to compile each cell about once.
 */
const COMPILED_CELLS_KEPT = 4;

export interface RowContext {
  scenario: CompiledScenario;
  plan: FastPlan;
  /** The kernel's scratch, reused by every run this thread plays one after another. */
  run: RunContext;
  design: BatchDesign;
  /** The paths the design varies, in column order (empty: every cell plays `scenario`). */
  paths: string[];
  /** Scenarios compiled with a cell's paths, most recently used last. */
  cellScenarios: Map<string, Compiled>;
  seed: string;
  runsPerCell: number;
  /** How each run is played: following the history track before a month, and stopping after some turns (absent: free runs to the end). */
  play: RunPlay;
  /** What each turn adds to the per-turn series (absent: no series). */
  series?: SeriesSpec;
}

export interface RunPlay {
  /** Follow the history track for the turns before this absolute month. */
  followHistoryUntil?: number;
  /** Stop after this many turns. */
  turns?: number;
}

/** A row context for a scenario already compiled in this thread. */
export function prepareBatchContext(scenario: CompiledScenario, design: BatchDesign, seed: string, runsPerCell: number, play: RunPlay = {}, series?: SeriesSpec): RowContext {
  const plan = prepareFastRun(scenario);
  return { scenario, plan, run: createRunContext(plan), design, paths: designPaths(scenario, design), cellScenarios: new Map(), seed, runsPerCell, play, ...(series ? { series } : {}) };
}

/** The scenario a cell plays: the batch's own, or compiled with the cell's paths (cached). */
function cellScenario(ctx: RowContext, params: Readonly<Record<string, number>>): { ok: true; value: Compiled } | { ok: false; message: string } {
  if (ctx.paths.length === 0) return { ok: true, value: ctx };
  const values = Object.fromEntries(ctx.paths.map((p) => [p, params[p]!]));
  const key = JSON.stringify(values);
  const hit = ctx.cellScenarios.get(key);
  if (hit) {
    ctx.cellScenarios.delete(key);
    ctx.cellScenarios.set(key, hit);
    return { ok: true, value: hit };
  }
  const applied = applyOverrides(ctx.scenario.doc, values);
  if (!applied.ok) return { ok: false, message: applied.message };
  const { scenario, issues } = compileScenarioDoc(applied.doc);
  if (issues.length > 0) return { ok: false, message: `the cell's values make the scenario invalid: ${issues[0]!.message}` };
  const plan = prepareFastRun(scenario);
  const compiled = { scenario, plan, run: createRunContext(plan) };
  ctx.cellScenarios.set(key, compiled);
  if (ctx.cellScenarios.size > COMPILED_CELLS_KEPT) ctx.cellScenarios.delete(ctx.cellScenarios.keys().next().value!);
  return { ok: true, value: compiled };
}

export type RowResult = { ok: true; row: Row } | { ok: false; message: string; seed: string };

/** Plays global run `run` and lays its results out in column order (see batchColumns); with a series, appends its per-turn rows to `series`. */
export function playRow(ctx: RowContext, run: number, series?: Row[]): RowResult {
  const cell = Math.floor(run / ctx.runsPerCell);
  const rep = run - cell * ctx.runsPerCell;
  const seed = runSeed(ctx.seed, rep);
  const params = ctx.design.cells[cell]!.params;
  const compiled = cellScenario(ctx, params);
  if (!compiled.ok) return { ok: false, message: compiled.message, seed };
  const { scenario, plan, run: context } = compiled.value;
  // Declared parameters go to the run; paths were compiled into the cell's scenario.
  const declared = ctx.paths.length === 0 ? params : Object.fromEntries(scenario.parameters.map((p) => [p.id, params[p.id]!]));
  const spec = ctx.series;
  const onTurn = spec && series ? (st: Readonly<GameState>) => series.push(seriesRow(scenario, spec, run, cell, rep, st)) : undefined;
  const r = fastRun(plan, { seed, params: declared, context, ...ctx.play, ...(onTurn ? { onTurn } : {}) });
  if (!r.ok) return { ok: false, message: r.error.message, seed };
  const s = r.state;
  const outcomes = evaluateOutcomes(scenario, s);
  const row: Row = [run, cell, rep, seed, s.turn];
  for (let i = 0; i < scenario.parameters.length; i++) row.push(s.params[i]!);
  for (const path of ctx.paths) row.push(params[path]!);
  for (const o of scenario.outcomes) row.push(outcomes[o.id]!.value);
  for (const o of scenario.outcomes) if (o.type === 'boolean' && o.over === 'ever') row.push(s.ever[o.everIndex]! >= 0 ? s.ever[o.everIndex]! : null);
  for (let i = 0; i < scenario.indicators.length; i++) row.push(s.ind[i]!);
  return { ok: true, row };
}
