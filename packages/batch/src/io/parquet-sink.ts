/**
 * Parquet through DuckDB. Rows are appended to a table in a temporary on-disk
 * DuckDB database beside the target (so a million wide rows live on disk, not
 * in memory); commit copies that table to a zstd-compressed Parquet file whose
 * key-value metadata `wargame.batch` holds the batch metadata as JSON.
 *
 * DuckDB runs single-threaded and the table keeps insertion order (= run
 * order, which the sink enforces), so the same rows and metadata always give
 * the same bytes. No `ORDER BY run`: the rows are already in order, and
 * sorting a million wide rows would spill to disk for nothing.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import type { Cell, Column } from '../columns.js';
import type { BatchMeta } from '../meta.js';
import { ident, literal } from '../table-types.js';
import { fsyncFile, removeFiles, tempPathFor } from './atomic.js';
import { openDuck, readerSql } from './duck.js';
import type { FormatWriter } from './sink.js';

/** The Parquet key-value metadata key holding the batch metadata. */
export const PARQUET_META_KEY = 'wargame.batch';

const TABLE = 'batch_rows';
/** Flush the appender this often, so its buffered rows (not yet in the database's paged storage) stay a few MB. */
const FLUSH_ROWS = 8192;

/**
 * DuckDB's memory, in MiB, for the table being built. It is a cache (DuckDB
 * fills it, then evicts to disk), so the process stays near this plus a fixed
 * overhead however many rows are written (measured, 80 columns: peak RSS
 * 550 MB for 2·10^5 rows, 640 MB for 10^6, the peak at commit). Less slows the
 * final copy (128 MiB: 2×).
 */
export const PARQUET_SINK_MEMORY = 256;

/** Rows per DuckDB row group: the unit DuckDB pins in memory while appending and checkpointing. */
const ROW_GROUP_ROWS = 122_880;
const CELL_BYTES = { INTEGER: 4, DOUBLE: 8, BOOLEAN: 1, VARCHAR: 16 } as const;

/**
 * The memory limit for a table of these columns: DuckDB needs a row group of
 * them pinned (measured: 80 columns fail below ~1.5× a row group, so allow 3×),
 * so very wide batches get more than `requested`.
 */
export function parquetSinkMemory(columns: readonly Column[], requested = PARQUET_SINK_MEMORY): number {
  const rowBytes = columns.reduce((sum, c) => sum + CELL_BYTES[c.type] + 1, 0);
  return Math.max(requested, Math.ceil((3 * ROW_GROUP_ROWS * rowBytes) / 2 ** 20));
}

/** @internal */
export async function openParquetWriter(path: string, columns: readonly Column[], memoryMiB?: number): Promise<FormatWriter> {
  // The database and its spill directory live beside the target, on the disk
  // the user chose for the output, not in a possibly small or RAM-backed /tmp.
  const database = tempPathFor(path, '.duckdb.tmp');
  const spill = tempPathFor(path, '.spill.tmp');
  const parquet = tempPathFor(path);
  const temps = [database, `${database}.wal`, spill, parquet];
  const duck = await openDuck({ path: database, memoryLimit: `${parquetSinkMemory(columns, memoryMiB)}MiB`, spillDirectory: spill });
  let appender: DuckDBAppender | null = null;
  try {
    await duck.run(`CREATE TABLE ${TABLE} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
    appender = await duck.connection.createAppender(TABLE);
  } catch (error) {
    duck.close();
    removeFiles(temps);
    throw error;
  }
  const append = columns.map((c) => appendFor(appender!, c));
  let unflushed = 0;

  const closeAppender = () => {
    if (appender === null) return;
    const a = appender;
    appender = null;
    a.closeSync();
  };

  return {
    temps,
    writeRows(rows) {
      const a = appender!;
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) {
          const cell = row[i]!;
          if (cell === null) a.appendNull();
          else append[i]!(cell);
        }
        a.endRow();
      }
      unflushed += rows.length;
      if (unflushed >= FLUSH_ROWS) {
        a.flushSync();
        unflushed = 0;
      }
    },
    // DuckDB reads every format with the batch's column types: no row passes through JS.
    canCopy: () => true,
    async copyOutput(source, format) {
      appender!.flushSync(); // rows appended so far come first
      unflushed = 0;
      await duck.run(`INSERT INTO ${TABLE} SELECT * FROM ${readerSql(duck, format, [source], columns)}`);
    },
    async finish(meta: BatchMeta) {
      closeAppender();
      const kv = `{${literal(PARQUET_META_KEY)}: ${literal(JSON.stringify(meta))}}`;
      await duck.run(`COPY ${TABLE} TO ${literal(parquet)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA ${kv})`);
      duck.close();
      removeFiles([database, `${database}.wal`, spill]);
      fsyncFile(parquet);
      return [[parquet, path]];
    },
    close() {
      try {
        closeAppender();
      } finally {
        duck.close();
      }
    },
  };
}

function appendFor(appender: DuckDBAppender, column: Column): (cell: Exclude<Cell, null>) => void {
  switch (column.type) {
    case 'INTEGER':
      return (cell) => appender.appendInteger(cell as number);
    case 'DOUBLE':
      return (cell) => appender.appendDouble(cell as number);
    case 'BOOLEAN':
      return (cell) => appender.appendBoolean(cell as boolean);
    case 'VARCHAR':
      return (cell) => appender.appendVarchar(cell as string);
  }
}
