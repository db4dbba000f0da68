/** `wargame merge | sensitivity | score | report` on batch outputs. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  BatchInputError,
  BatchOutputError,
  BatchReadError,
  formatOfPath,
  combineReliability,
  compareCells,
  formatCellComparison,
  formatCombinedReliability,
  formatScore,
  formatSensitivityFor,
  formatSummary,
  MAX_OBSERVED_BYTES,
  mergeOutputs,
  seriesPath,
  openBatch,
  parseCompare,
  parseObserved,
  readBatchMeta,
  renderBatchReport,
  scoreBatch,
  sensitivityFor,
  summarizeBatch,
  type BatchMeta,
  type BatchTable,
  type Calendar,
  type OutputFormat,
  type ScoreResult,
} from '@wargame/batch';
import { formatIssue, monthText, type CompiledScenario } from '@wargame/engine';
import { err, out, UserError, writeFileAtomic } from '../io.js';
import { shippedScenarios } from '../scenario-files.js';
import { loadOrFail } from './load.js';

/**
 * The CLI's reading of the batch package's errors: a request the data cannot
 * answer, an output that cannot be read, written or resumed are the user's to
 * fix (the message alone, exit 1). Anything else (a BatchUsageError is a
 * broken contract) stays an internal error.
 */
export function asUserError(e: unknown): unknown {
  if (e instanceof BatchInputError || e instanceof BatchReadError || e instanceof BatchOutputError) return new UserError(e.message, 1);
  return e;
}

/** Opens a batch output (or several shards of one) and always closes it. */
export async function withBatch<T>(paths: string | string[], use: (table: BatchTable) => Promise<T>): Promise<T> {
  const opened = await openBatch(paths);
  if (!opened.ok) throw new UserError(opened.message);
  try {
    return await use(opened.table);
  } catch (e) {
    throw asUserError(e);
  } finally {
    opened.table.close();
  }
}

export interface MergeOptions {
  out: string;
  format?: OutputFormat;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function mergeCommand(inputs: string[], o: MergeOptions): Promise<number> {
  // As batch: an existing output is only replaced when asked (it may be the merge of another study).
  if (existsSync(o.out) && !o.force) throw new UserError(`${o.out} exists: add --force to replace it, or choose another --out`);
  if (existsSync(seriesPath(o.out)) && !o.force) throw new UserError(`${seriesPath(o.out)} exists (the series beside --out): add --force to replace it, or choose another --out`);
  const r = await mergeOutputs(inputs, o.out, o.format);
  if (!r.ok) throw new UserError(r.message);
  if (!o.quiet) err(`merged ${inputs.length} file${inputs.length === 1 ? '' : 's'} into ${o.out}: ${r.meta.completed} runs${r.series ? `, and their per-turn series into ${r.series}` : ''}`);
  const summary = await withBatch(o.out, summarizeBatch);
  if (o.json) out(JSON.stringify({ output: o.out, summary }, null, 2));
  else if (!o.quiet) out(formatSummary(summary));
  return 0;
}

export async function sensitivityCommand(paths: string[], o: { json?: boolean; compare?: string }): Promise<number> {
  if (o.compare !== undefined) {
    const cells = parseCompare(o.compare);
    if (!cells.ok) throw new UserError(cells.message);
    const r = await withBatch(paths, (table) => compareCells(table, ...cells.value));
    out(o.json ? JSON.stringify(r, null, 2) : formatCellComparison(r));
    return 0;
  }
  // The design says which analysis: Sobol indices, Morris's effects, or regression and first-order shares.
  const result = await withBatch(paths, (table) => sensitivityFor(table));
  out(o.json ? JSON.stringify(result, null, 2) : formatSensitivityFor(result, { width: process.stdout.columns ?? 100 }));
  return 0;
}

/** The paths grouped by the batch they belong to (a shard's batch: everything in its metadata but the slice), in order. */
async function batchesOf(paths: readonly string[]): Promise<string[][]> {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const read = await readBatchMeta(path);
    if (!read.ok) throw new UserError(read.message);
    const { scenario, seed, runsPerCell, total, design, engine } = read.meta;
    const key = JSON.stringify([scenario.hash, seed, runsPerCell, total, design, engine]);
    const group = groups.get(key);
    if (group) group.push(path);
    else groups.set(key, [path]);
  }
  return [...groups.values()];
}

function readObserved(path: string): { name: string; text: string } {
  if (!existsSync(path)) throw new UserError(`--observed: ${path} does not exist`);
  const size = statSync(path).size;
  if (size > MAX_OBSERVED_BYTES) throw new UserError(`--observed: ${path} is ${(size / 1048576).toFixed(1)} MB; an observed-outcomes file is limited to ${MAX_OBSERVED_BYTES / 1048576} MB`);
  return { name: path, text: readFileSync(path, 'utf8') };
}

/**
 * The calendar that turns observed months into turns: the batch file does not
 * record it, so it is read from the scenario (--scenario, else the shipped
 * scenario of the batch's id). Another version of the scenario than the
 * batch's is used with a note: the calendar rarely changes, and a turn the
 * calendar cannot hold is refused when the runs are read.
 */
function calendarFor(meta: BatchMeta, scenarioArg: string | undefined, loaded: Map<string, CompiledScenario>): Calendar {
  const arg = scenarioArg ?? meta.scenario.id;
  let s = loaded.get(arg);
  if (!s) {
    // Without --scenario only a shipped id is looked up: the id comes from the batch file, not a path to follow.
    const shipped = scenarioArg === undefined ? shippedScenarios().find((x) => x.id === arg) : undefined;
    if (scenarioArg === undefined && !shipped)
      throw new UserError(
        `the observed file gives months, which score turns into turns with the calendar of scenario "${arg}" (the batch file does not record it), but "${arg}" is not a shipped scenario: pass --scenario <file or folder>`,
      );
    s = loadOrFail(shipped?.path ?? arg);
    loaded.set(arg, s);
  }
  if (s.id !== meta.scenario.id) throw new UserError(`--scenario ${arg} is scenario "${s.id}", but the batch is of "${meta.scenario.id}": give the batch's scenario`);
  if (s.hash !== meta.scenario.hash)
    err(`note: the dates are placed with the calendar of ${arg}, another version of ${s.id} than the batch's (hash ${s.hash.slice(0, 12)}…, the batch's ${meta.scenario.hash.slice(0, 12)}…): ${monthText(s.calendar.start)}, ${s.calendar.turns} turns of ${s.calendar.step} month${s.calendar.step === 1 ? '' : 's'}`);
  return { ...s.calendar };
}

export async function scoreCommand(paths: string[], o: { observed: string; scenario?: string; json?: boolean }): Promise<number> {
  const file = readObserved(o.observed);
  const results: ScoreResult[] = [];
  const loaded = new Map<string, CompiledScenario>();
  // Shards of one batch are scored as that one batch (as sensitivity reads them); different batches
  // (several scenarios, seeds or designs) each on their own, then reliability is pooled.
  for (const group of await batchesOf(paths))
    results.push(
      await withBatch(group, async (table) => {
        const parsed = parseObserved(file, table.meta);
        if (!parsed.ok) throw new UserError(parsed.issues.map(formatIssue).join('\n'));
        const dated = parsed.observed.outcomes.some((x) => x.date !== undefined);
        const options = dated ? { calendar: calendarFor(table.meta, o.scenario, loaded) } : {};
        return { ...(await scoreBatch(table, parsed.observed, options)), file: group.join(' + ') };
      }),
    );
  if (o.json) out(JSON.stringify(results.length === 1 ? results[0] : { results, reliability: combineReliability(results) }, null, 2));
  else {
    out(results.map((r) => formatScore(r, { width: process.stdout.columns ?? 100 })).join('\n\n'));
    if (results.length > 1) out(`\n${formatCombinedReliability(combineReliability(results), results.length)}`);
  }
  return 0;
}

export async function reportCommand(path: string, o: { format: 'md' | 'html'; out?: string; as?: string; runs: number; scenario?: string }): Promise<number> {
  // A batch output by its extension; anything else is read as a session save (`wargame play`/`facilitate`/`run --save`).
  if (formatOfPath(path) === undefined) return (await import('./report-save.js')).reportSaveCommand(path, o);
  const target = o.out ?? join(dirname(path), `${basename(path).replace(/\.(parquet|csv|jsonl)$/i, '')}.report.${o.format}`);
  const text = await withBatch(path, async (table) => {
    const summary = await summarizeBatch(table);
    // A sweep also gets its sensitivity table.
    const sens = table.meta.design.sweep.length > 0 ? formatSensitivityFor(await sensitivityFor(table), { width: 110 }) : undefined;
    return renderBatchReport(summary, { format: o.format, command: table.meta.command, ...(sens === undefined ? {} : { sensitivity: sens }) });
  });
  writeFileAtomic(target, text);
  err(`wrote ${target}`);
  return 0;
}
