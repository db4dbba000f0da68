/**
 * Streaming, atomic writers of batch outputs. Rows go to a temporary file
 * beside the target as they arrive (memory stays flat however many runs);
 * `commit` publishes the file with its metadata by rename, `abort` deletes the
 * temporaries. Whatever happens in between, the target path holds either the
 * previous complete file or nothing — never a half-written one.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Column, Row } from '../columns.js';
import { BatchMetaSchema, formatOfPath } from '../meta.js';
import type { BatchMeta, OutputFormat } from '../meta.js';
import { publish, removeFiles } from './atomic.js';
import { claimOutput, type OutputClaim } from './claim.js';
import { checkCsvHeader, openCsvWriter } from './csv-sink.js';
import { duckMessage, openDuck, readerSql } from './duck.js';
import { checkJsonlKeys, openJsonlWriter } from './jsonl-sink.js';
import { openParquetWriter, PARQUET_SINK_MEMORY } from './parquet-sink.js';
import { readBatchMeta } from './read-meta.js';
import { BatchOutputError, BatchUsageError } from '../errors.js';

export { PARQUET_SINK_MEMORY };

/** Receives a batch's rows in run order and publishes them as one output file. */
export interface RowSink {
  /**
   * Appends rows: arrays in column order, runs consecutive. A bad row throws
   * before any row of the call is written. Await the result (today's sinks
   * write synchronously, through a buffer; the contract leaves room).
   */
  write(rows: Row[]): Promise<void> | void;
  /** Publishes the file with `meta` (whose `completed` must equal `written`), replacing any previous one. */
  commit(meta: BatchMeta): Promise<void>;
  /** Discards everything written; the target (and a previous file there) is left untouched. Idempotent. */
  abort(): Promise<void>;
  /** Rows the output holds so far, resumed rows included. */
  readonly written: number;
  /** Rows taken over from the output being resumed. */
  readonly resumed: number;
}

export interface SinkOptions {
  path: string;
  format: OutputFormat;
  /** The batch's columns (`batchColumns(scenario)`, or `meta.columns`). */
  columns: readonly Column[] | BatchMeta['columns'];
  /** An existing output (same format) whose rows come first; it stays untouched until commit replaces it. */
  resume?: { path: string };
  /** DuckDB's memory limit in MiB while building a Parquet output (default {@link PARQUET_SINK_MEMORY}; raised for very wide batches). */
  memoryMiB?: number;
}

/** The runs found in an output appended in bulk. */
export interface AppendedRuns {
  rows: number;
  /** First and last run index, or null for no rows. */
  first: number | null;
  last: number | null;
}

/** @internal What each file format implements; the sink around it checks rows and owns the commit protocol. */
export interface FormatWriter {
  /** Every temporary path the writer may create, removed on abort. */
  readonly temps: readonly string[];
  /** Appends rows already checked against the columns. */
  writeRows(rows: readonly Row[]): void;
  /** Whether `appendOutput` of this format can bypass JS (byte copy, or DuckDB reading it directly). */
  canCopy(format: OutputFormat): boolean;
  /** Appends all rows of an existing output of `format` (already checked by the caller). */
  copyOutput(path: string, format: OutputFormat): Promise<void>;
  /** Writes and fsyncs the final temporaries; returns the renames that publish them, in order. */
  finish(meta: BatchMeta): Promise<Array<readonly [temp: string, target: string]>>;
  /** Releases handles (files, DuckDB). */
  close(): void;
}

/**
 * Opens a sink writing a batch output at `path`.
 *
 * @example
 * const sink = await openSink({ path: 'out.parquet', format: 'parquet', columns });
 * try {
 *   for await (const rows of results) await sink.write(rows);
 *   await sink.commit({ ...meta, completed: sink.written });
 * } catch (error) {
 *   await sink.abort();
 *   throw error;
 * }
 */
export async function openSink(opts: SinkOptions): Promise<RowSink> {
  return createSink(opts);
}

/** @internal {@link openSink} with the bulk append merge uses. */
export async function createSink(opts: SinkOptions): Promise<BatchSink> {
  const { path, format } = opts;
  const columns = columnsOf({ columns: opts.columns });
  const implied = formatOfPath(path);
  if (implied !== undefined && implied !== format) throw new BatchOutputError(`${path}: the extension says ${implied}, but the format asked for is ${format}`, 'format-mismatch');
  checkColumns(columns);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BatchOutputError(`${path}: cannot write there: directory ${dir} does not exist`, 'no-directory');
  if (existsSync(path) && statSync(path).isDirectory()) throw new BatchOutputError(`${path}: is a directory`, 'is-directory');

  // Before any temporary exists: a second batch on the same output stops here, and a killed one's leftovers go.
  const claim = claimOutput(path);
  let writer: FormatWriter;
  try {
    writer =
      format === 'csv' ? openCsvWriter(path, columns) : format === 'jsonl' ? openJsonlWriter(path, columns) : await openParquetWriter(path, columns, opts.memoryMiB);
  } catch (error) {
    claim.release();
    throw error;
  }
  const sink = new BatchSink(path, format, columns, writer, claim);
  if (opts.resume) {
    const from = opts.resume.path;
    try {
      if (!existsSync(from)) throw new BatchOutputError('no such file', 'cannot-resume');
      const resumedFormat = formatOfPath(from) ?? format;
      if (resumedFormat !== format) throw new BatchOutputError(`it is ${resumedFormat}, but the output is ${format}; resume into the same format`, 'cannot-resume');
      const found = await sink.appendOutput(from, format);
      // A torn replacement (see text-sink.ts) pairs data with another write's metadata: refuse to build on it.
      const read = await readBatchMeta(from);
      if (!read.ok) throw new BatchOutputError(read.message, 'cannot-resume');
      const { completed, shard } = read.meta;
      if (found.rows !== completed || (found.rows > 0 && found.first !== shard.from))
        throw new BatchOutputError(
          `it holds ${found.rows} rows from run ${found.first ?? shard.from}, but its metadata says ${completed} from run ${shard.from}; the data and its metadata do not belong together`,
          'mismatched-output',
        );
    } catch (error) {
      await sink.abort();
      throw new BatchOutputError(`cannot resume from ${from}: ${error instanceof Error ? error.message : String(error)}`, 'cannot-resume');
    }
    sink.markResumed();
  }
  return sink;
}

/** @internal */
export class BatchSink implements RowSink {
  #state: 'open' | 'committed' | 'aborted' = 'open';
  /** Why the sink can take no more rows (a write failed part-way: disk full, DuckDB error); only abort is left. */
  #broken: string | null = null;
  #written = 0;
  #resumed = 0;
  #first: number | null = null;
  #next: number | null = null;
  readonly #runIndex: number;
  readonly #checks: ReadonlyArray<(cell: unknown) => string | undefined>;

  constructor(
    readonly path: string,
    readonly format: OutputFormat,
    readonly columns: readonly Column[],
    private readonly writer: FormatWriter,
    private readonly claim: OutputClaim,
  ) {
    this.#runIndex = columns.findIndex((c) => c.name === 'run');
    this.#checks = columns.map(cellCheck);
  }

  get written(): number {
    return this.#written;
  }

  get resumed(): number {
    return this.#resumed;
  }

  /** @internal */
  markResumed(): void {
    this.#resumed = this.#written;
  }

  write(rows: Row[]): void {
    this.#assertOpen('write');
    // Check every row before writing any, so a bad row leaves the output as it was.
    let next = this.#next;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (!Array.isArray(row) || row.length !== this.columns.length)
        throw new BatchUsageError(`write: ${this.#where(row, r)} has ${Array.isArray(row) ? row.length : 'no'} cells; the batch has ${this.columns.length} columns`, 'bad-row');
      for (let i = 0; i < row.length; i++) {
        const problem = this.#checks[i]!(row[i]);
        if (problem !== undefined) {
          const c = this.columns[i]!;
          throw new BatchUsageError(`write: ${this.#where(row, r)}, column ${c.name} (${c.type}${c.nullable ? ', nullable' : ''}): ${problem}, got ${show(row[i])}`, 'bad-row');
        }
      }
      const run = row[this.#runIndex] as number;
      if (next !== null && run !== next) throw new BatchUsageError(`write: run ${run} follows run ${next - 1}; rows must come in run order, without gaps`, 'bad-row');
      next = run + 1;
    }
    if (rows.length === 0) return;
    this.#guard(() => this.writer.writeRows(rows));
    if (this.#first === null) this.#first = rows[0]![this.#runIndex] as number;
    this.#next = next;
    this.#written += rows.length;
  }

  /**
   * Appends every row of an existing output: in bulk (byte copy or DuckDB)
   * where the formats allow, else streamed through {@link write}. Checks that
   * its runs are consecutive and continue the rows before.
   */
  async appendOutput(path: string, format: OutputFormat): Promise<AppendedRuns> {
    this.#assertOpen('append');
    if (format === 'csv') checkCsvHeader(path, this.columns);
    else if (format === 'jsonl') checkJsonlKeys(path, this.columns);
    if (!this.writer.canCopy(format)) {
      // Another format into CSV/JSONL: rows through JS, so they get this format's spelling.
      const before = this.#written;
      const duck = await openDuck();
      try {
        const chunks = duck.rows(`SELECT * FROM ${readerSql(duck, format, [path], this.columns)}`)[Symbol.asyncIterator]();
        let first: number | null = null;
        for (;;) {
          let chunk: IteratorResult<Row[]>;
          try {
            chunk = await chunks.next();
          } catch (error) {
            throw new BatchOutputError(`cannot read it as ${format} with the batch's columns: ${duckMessage(error)}`, 'mismatched-output');
          }
          if (chunk.done) break;
          if (first === null && chunk.value.length > 0) first = chunk.value[0]![this.#runIndex] as number;
          this.write(chunk.value);
        }
        const rows = this.#written - before;
        return { rows, first, last: rows === 0 ? null : this.#next! - 1 };
      } catch (error) {
        // Part of the file is in the output already: it must not be committed.
        if (this.#written > before) this.#broken ??= error instanceof Error ? error.message : String(error);
        throw error;
      } finally {
        duck.close();
      }
    }
    const runs = await scanRuns(path, format, this.columns);
    if (runs.rows > 0) {
      if (this.#next !== null && runs.first !== this.#next)
        throw new BatchOutputError(`its first run is ${runs.first}, but the rows before end with run ${this.#next - 1}; runs must be consecutive`, 'mismatched-output');
      this.#first ??= runs.first;
      this.#next = runs.last! + 1;
    }
    await this.#guardAsync(() => this.writer.copyOutput(path, format));
    this.#written += runs.rows;
    return runs;
  }

  async commit(meta: BatchMeta): Promise<void> {
    this.#assertOpen('commit');
    const parsed = BatchMetaSchema.safeParse(meta);
    if (!parsed.success) throw new BatchUsageError(`commit: invalid batch metadata:\n${z.prettifyError(parsed.error)}`, 'bad-meta');
    // Canonical key order (the schema's), so equal metadata always serialises to equal bytes.
    const canonical = parsed.data;
    const mismatch = columnsMismatch(this.columns, canonical.columns);
    if (mismatch) throw new BatchUsageError(`commit: meta.columns differ from the sink's columns: ${mismatch}`, 'bad-meta');
    if (canonical.completed !== this.#written) throw new BatchUsageError(`commit: meta.completed is ${canonical.completed}, but the file holds ${this.#written} rows`, 'bad-meta');
    const { from, to } = canonical.shard;
    if (this.#first !== null && this.#first !== from) throw new BatchUsageError(`commit: the rows start at run ${this.#first}, but meta.shard.from is ${from}`, 'bad-meta');
    if (from + canonical.completed > to) throw new BatchUsageError(`commit: ${canonical.completed} rows from run ${from} overrun meta.shard.to (${to})`, 'bad-meta');
    try {
      const moves = await this.writer.finish(canonical);
      this.writer.close();
      publish(moves);
      this.#state = 'committed';
      this.claim.release();
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    try {
      this.writer.close();
    } finally {
      removeFiles(this.writer.temps);
      this.claim.release();
    }
  }

  #assertOpen(what: string): void {
    if (this.#state !== 'open') throw new BatchUsageError(`${what}: the sink for ${this.path} is already ${this.#state}`, 'sink-closed');
    if (this.#broken !== null) throw new BatchUsageError(`${what}: the sink for ${this.path} failed earlier (${this.#broken}); abort it`, 'sink-closed');
  }

  /** Runs a writer step; if it fails part-way, the file holds part of the rows, so the sink takes no more. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#broken = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  async #guardAsync(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#broken = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** A row for messages: its run if it has one, else its position. */
  #where(row: unknown, index: number): string {
    const run = Array.isArray(row) ? row[this.#runIndex] : undefined;
    return typeof run === 'number' ? `run ${run}` : `row ${this.#written + index}`;
  }
}

/** Runs of an existing output, checked consecutive; reading it also proves it parses with the batch's columns. */
async function scanRuns(path: string, format: OutputFormat, columns: readonly Column[]): Promise<AppendedRuns> {
  const duck = await openDuck();
  try {
    let stats: Awaited<ReturnType<typeof duck.all>>[number] | undefined;
    try {
      [stats] = await duck.all(
        `SELECT count(*) AS n, count(run) AS runs, count(DISTINCT run) AS distinct_runs, min(run) AS first, max(run) AS last ` +
          `FROM ${readerSql(duck, format, [path], columns)}`,
      );
    } catch (error) {
      throw new BatchOutputError(`cannot read it as ${format} with the batch's columns: ${duckMessage(error)}`, 'mismatched-output');
    }
    const { n, runs, distinct_runs, first, last } = stats as Record<string, number | null>;
    if (runs !== n) throw new BatchOutputError(`${n! - runs!} of its rows have no run index`, 'mismatched-output');
    if (n! > 0 && (distinct_runs !== n || last! - first! + 1 !== n))
      throw new BatchOutputError(`its ${n} rows are not consecutive runs (runs ${first}–${last}, ${distinct_runs} distinct)`, 'mismatched-output');
    return { rows: n!, first: first ?? null, last: last ?? null };
  } finally {
    duck.close();
  }
}

/** The metadata's columns as {@link Column}s (zod gives optional keys as `| undefined`; JSON never holds undefined). */
export function columnsOf(meta: { columns: readonly Column[] | BatchMeta['columns'] }): Column[] {
  return meta.columns.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as Column);
}

function checkColumns(columns: readonly Column[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new BatchUsageError(`columns: ${c.name} appears twice`, 'bad-columns');
    seen.add(c.name);
  }
  const run = columns.find((c) => c.name === 'run');
  if (run?.type !== 'INTEGER' || run.nullable) throw new BatchUsageError('columns: a batch output needs a non-nullable INTEGER column named run', 'bad-columns');
}

/** The first difference between two column lists that changes the file, or undefined. */
export function columnsMismatch(a: readonly ColumnShape[], b: readonly ColumnShape[]): string | undefined {
  if (a.length !== b.length) return `${a.length} columns vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.type !== y.type || Boolean(x.nullable) !== Boolean(y.nullable))
      return `column ${i + 1} is ${describe(x)} vs ${describe(y)}`;
  }
  return undefined;
}

/** What of a column shapes the file (metadata's columns are zod output, hence `| undefined`). */
type ColumnShape = Pick<Column, 'name' | 'type'> & { nullable?: boolean | undefined };

function describe(c: ColumnShape): string {
  return `${c.name} ${c.type}${c.nullable ? ' nullable' : ''}`;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A checker per column: undefined when the cell fits, else what was expected. */
function cellCheck(column: Column): (cell: unknown) => string | undefined {
  const fits = cellFits(column.type);
  const nullable = column.nullable === true;
  return (cell) => {
    if (cell === null || cell === undefined) return cell === null && nullable ? undefined : 'null in a non-nullable column';
    return fits(cell) ? undefined : `expected ${EXPECTED[column.type]}`;
  };
}

const EXPECTED = { INTEGER: 'a 32-bit integer', DOUBLE: 'a number', BOOLEAN: 'a boolean', VARCHAR: 'a string' } as const;

function cellFits(type: Column['type']): (cell: unknown) => boolean {
  switch (type) {
    case 'INTEGER':
      // DuckDB's INTEGER is 32 bits; a wider value would wrap silently in the Parquet appender.
      return (cell) => Number.isInteger(cell) && (cell as number) >= INT32_MIN && (cell as number) <= INT32_MAX;
    case 'DOUBLE':
      return (cell) => typeof cell === 'number';
    case 'BOOLEAN':
      return (cell) => typeof cell === 'boolean';
    case 'VARCHAR':
      return (cell) => typeof cell === 'string';
  }
}

function show(cell: unknown): string {
  if (typeof cell === 'string') return JSON.stringify(cell);
  if (cell === undefined) return 'undefined';
  return String(cell);
}
