/**
 * What a batch output is: the scenario, the seed, the design and which slice
 * of runs the file holds. Parquet files carry it in their key-value metadata
 * (key `wargame.batch`); CSV and JSONL files in a sidecar `<file>.meta.json`.
 * Merge, resume, summary, sensitivity, score and report all start from it.
 */
import { seedProblem } from '@wargame/engine';
import { z } from 'zod';

export const BATCH_FORMAT = 'wargame-batch';
export const BATCH_VERSION = 1;

const int = () => z.number().int().nonnegative();

export const ColumnSchema = z.object({
  name: z.string(),
  type: z.enum(['INTEGER', 'DOUBLE', 'BOOLEAN', 'VARCHAR']),
  role: z.enum(['run', 'parameter', 'outcome', 'turn', 'indicator', 'posture', 'move']),
  source: z.string().optional(),
  label: z.string().optional(),
  kind: z.enum(['boolean', 'category', 'number']).optional(),
  values: z.array(z.string()).optional(),
  nullable: z.boolean().optional(),
});

export const SweepAxisSchema = z.object({
  parameter: z.string(),
  /** Grid values, in the order given. */
  values: z.array(z.number()).optional(),
  /** A [low, high] range sampled by Latin hypercube. */
  range: z.tuple([z.number(), z.number()]).optional(),
});

export const DesignSchema = z.object({
  /**
   * single: one cell; grid: every combination of the sweep values; lhs: a Latin
   * hypercube over the ranges (crossed with any grid values); file: the rows of
   * a --design file (crossed with any grid values); sobol: Saltelli's design for
   * Sobol indices over the ranges; morris: Morris trajectories over the ranges.
   */
  kind: z.enum(['single', 'grid', 'lhs', 'file', 'sobol', 'morris']),
  /** Parameters fixed with --set. */
  fixed: z.record(z.string(), z.number()),
  sweep: z.array(SweepAxisSchema),
  /**
   * The cells this file's runs play, with their full parameter values
   * (defaults, --set and the swept ones): every cell of the design for a whole
   * batch, only the shard's own for a shard, so a shard's metadata is in
   * proportion to the shard. Merged shards list the union.
   */
  cells: z.array(z.object({ cell: int(), params: z.record(z.string(), z.number()) })),
  /** How many cells the whole design has (absent in files that list every cell, as whole batches made before 0.2 did). */
  cellCount: int().optional(),
  /**
   * Saltelli's design (kind sobol): `n` base rows; cells come in blocks of
   * k + 2 (first and total order) or 2k + 2 (also second order) for k = the
   * sweep's ranges, in SALib's order: A, AB_1 … AB_k, [BA_1 … BA_k,] B.
   */
  sobol: z.strictObject({ n: z.number().int().positive(), secondOrder: z.boolean() }).optional(),
  /** Morris's design (kind morris): `trajectories` blocks of k + 1 cells on a grid of `levels` levels. */
  morris: z.strictObject({ trajectories: z.number().int().positive(), levels: z.number().int().min(2) }).optional(),
  /** The --design file (kind file): its name as given and the hash of its bytes. */
  file: z.strictObject({ path: z.string(), hash: z.string() }).optional(),
});

export const BatchMetaSchema = z.object({
  format: z.literal(BATCH_FORMAT),
  version: z.literal(BATCH_VERSION),
  scenario: z.object({ id: z.string(), hash: z.string(), title: z.string() }),
  /** The batch seed S: run i (within its cell) plays with seed `${S}.${i}`. */
  seed: z.string().refine((s) => seedProblem(s) === null, { error: (i) => seedProblem(String(i.input)) ?? 'not a seed' }),
  runsPerCell: z.number().int().positive(),
  design: DesignSchema,
  /** cells × runsPerCell. */
  total: int(),
  /** This file's slice of global run indices: [from, to). An unsharded batch is 1/1 over [0, total). */
  shard: z.object({ k: z.number().int().positive(), n: z.number().int().positive(), from: int(), to: int() }),
  /** Rows in the file: runs from .. from + completed − 1 (less than to − from when the batch was interrupted). */
  completed: int(),
  columns: z.array(ColumnSchema),
  /** The command that makes this file, for the record. */
  command: z.string(),
  /**
   * How each run was played, when not freely from the start: following the
   * history track for the turns before a month (a forecast from that date).
   */
  play: z.strictObject({ followHistoryUntil: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }).optional(),
  /**
   * Present in a per-turn series file (`--series`), not in a runs file: the
   * runs file it belongs beside (its name) and how many rows (run × turn) it holds.
   * `completed` and `shard` then count runs, as in the runs file.
   */
  series: z.strictObject({ runs: z.string(), rows: int() }).optional(),
  /** The program's version, and the content hash of the engine that played the runs (absent when run unbundled). */
  engine: z.object({ version: z.string(), build: z.string().optional() }),
});

export type BatchMeta = z.infer<typeof BatchMetaSchema>;
export type BatchDesign = z.infer<typeof DesignSchema>;
export type SweepAxis = z.infer<typeof SweepAxisSchema>;

export type OutputFormat = 'parquet' | 'csv' | 'jsonl';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['parquet', 'csv', 'jsonl'];

/** The format of an output path by its extension, or undefined. */
export function formatOfPath(path: string): OutputFormat | undefined {
  const m = /\.(parquet|csv|jsonl)$/i.exec(path);
  return m ? (m[1]!.toLowerCase() as OutputFormat) : undefined;
}

/** Where CSV and JSONL outputs keep their metadata. */
export function sidecarPath(path: string): string {
  return `${path}.meta.json`;
}

/** The cells a design has in all (a shard's metadata lists only its own). */
export function cellCount(design: BatchDesign): number {
  return design.cellCount ?? design.cells.length;
}

/** The design as a file of runs [from, to) records it: only the cells those runs play. */
export function designForRuns(design: BatchDesign, from: number, to: number, runsPerCell: number): BatchDesign {
  const all = cellCount(design);
  const first = Math.floor(from / runsPerCell);
  const last = to > from ? Math.floor((to - 1) / runsPerCell) : first - 1;
  return { ...design, cellCount: all, cells: design.cells.filter((c) => c.cell >= first && c.cell <= last) };
}

/** Why two files' designs are not one design (the cells both list must agree), or undefined. */
export function designDifference(a: BatchDesign, b: BatchDesign): string | undefined {
  if (a.kind !== b.kind || JSON.stringify(a.fixed) !== JSON.stringify(b.fixed) || JSON.stringify(a.sweep) !== JSON.stringify(b.sweep)) return 'parameters fixed with --set or the sweep';
  if (JSON.stringify([a.sobol, a.morris]) !== JSON.stringify([b.sobol, b.morris])) return 'the --sobol or --morris sample';
  if (a.file?.hash !== b.file?.hash) return `the --design file (${a.file?.path ?? 'none'} vs ${b.file?.path ?? 'none'}, or its contents changed)`;
  if (cellCount(a) !== cellCount(b)) return `the number of cells (${cellCount(a)} vs ${cellCount(b)})`;
  const theirs = new Map(b.cells.map((c) => [c.cell, JSON.stringify(c.params)]));
  const clash = a.cells.find((c) => theirs.has(c.cell) && theirs.get(c.cell) !== JSON.stringify(c.params));
  return clash ? `the parameters of cell ${clash.cell}` : undefined;
}

/** One design from several files' (shards'): the union of the cells they list, in order. */
export function unionDesign(designs: readonly BatchDesign[]): BatchDesign {
  const cells = new Map<number, BatchDesign['cells'][number]>();
  for (const d of designs) for (const c of d.cells) if (!cells.has(c.cell)) cells.set(c.cell, c);
  return { ...designs[0]!, cellCount: cellCount(designs[0]!), cells: [...cells.values()].sort((x, y) => x.cell - y.cell) };
}

/** An engine as people compare them: `0.1.0 (build 3f2a…)`. */
export function engineName(engine: BatchMeta['engine']): string {
  return engine.build === undefined ? engine.version : `${engine.version} (build ${engine.build.slice(0, 12)})`;
}
