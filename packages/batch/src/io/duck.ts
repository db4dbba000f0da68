/**
 * DuckDB, configured the one way batch I/O uses it: a single thread, so query
 * results and the Parquet files it writes are byte-for-byte deterministic; a
 * memory limit with a private spill directory, so 10^6-row outputs stream
 * instead of filling memory; no progress bar and no extension downloads, so it
 * never prints and never touches the network (Parquet and JSON are linked in).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { DuckDBInstance, JSDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValueConverter, JS } from '@duckdb/node-api';
import type { Column, Row } from '../columns.js';
import type { OutputFormat } from '../meta.js';
import { ident, literal } from '../table-types.js';
import type { SqlRow } from '../table-types.js';

export interface DuckOptions {
  /** A database file; in memory when absent. */
  path?: string;
  /** DuckDB memory limit, e.g. `512MB`; beyond it DuckDB spills to disk. */
  memoryLimit?: string;
  /** Where to spill (created, and removed on close); a fresh directory in the OS temp directory when absent. */
  spillDirectory?: string;
}

export interface Duck {
  readonly connection: DuckDBConnection;
  /** Runs statements, discarding any result. */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain JS objects (see {@link plainValue}). */
  all(sql: string): Promise<SqlRow[]>;
  /** Streams a query's rows as plain JS arrays, one DuckDB chunk (≤ 2048 rows) at a time. */
  rows(sql: string): AsyncIterable<Row[]>;
  /**
   * A path DuckDB reads as it is written. Its readers expand glob characters
   * (`*`, `?`, `[…]`, `{…}`), so `x[1].csv` would read `x1.csv`: such a path is
   * reached through a symbolic link with a plain name in this database's private
   * folder. Other paths are returned unchanged.
   */
  literalPath(path: string): string;
  /** Closes the database and removes its spill directory. Idempotent. */
  close(): void;
}

/** The characters DuckDB's file readers treat as a pattern. */
const GLOB_CHARS = /[*?[\]{}]/;

export const DEFAULT_MEMORY_LIMIT = '512MB';

/**
 * Opens a DuckDB database for batch I/O.
 *
 * @example
 * const duck = await openDuck();
 * try { console.log(await duck.all('SELECT 42 AS answer')); } finally { duck.close(); }
 */
export async function openDuck(opts: DuckOptions = {}): Promise<Duck> {
  // A private spill directory: DuckDB's default (`.tmp` in the working
  // directory) would litter wherever the CLI happens to run.
  let spill: string;
  if (opts.spillDirectory === undefined) spill = mkdtempSync(join(tmpdir(), 'wargame-duck-'));
  else {
    spill = opts.spillDirectory;
    mkdirSync(spill);
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(opts.path ?? ':memory:', {
      threads: '1',
      memory_limit: opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: spill,
      // Rows must come out in the order they went in (run order): this is the
      // default, stated here because output correctness depends on it.
      preserve_insertion_order: 'true',
      autoinstall_known_extensions: 'false',
    });
  } catch (error) {
    rmSync(spill, { recursive: true, force: true });
    throw error;
  }
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
    // A session setting, so not among the instance options above.
    await connection.run('SET enable_progress_bar = false');
  } catch (error) {
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  let links = 0;
  const linked = new Map<string, string>();
  return {
    connection,
    literalPath(path) {
      if (!GLOB_CHARS.test(path)) return path;
      const target = resolve(path);
      let link = linked.get(target);
      if (link === undefined) {
        if (GLOB_CHARS.test(spill)) throw new Error(`the temporary folder ${spill} has a glob character in its name; set TMPDIR to a plain folder`);
        link = join(spill, `literal-${links++}${extname(target).replace(GLOB_CHARS, '')}`);
        symlinkSync(target, link);
        linked.set(target, link);
      }
      return link;
    },
    async run(sql) {
      await connection.run(sql);
    },
    async all(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.convertRowObjects(plainValue) as SqlRow[];
    },
    async *rows(sql) {
      const result = await connection.stream(sql);
      for await (const rows of result.yieldConvertedRows(plainValue)) yield rows as Row[];
    },
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
      rmSync(spill, { recursive: true, force: true });
    },
  };
}

/**
 * DuckDB values as plain JS: BIGINT and HUGEINT become numbers (counts and sums
 * of run data stay far below 2^53), DECIMAL a double, BLOB a Uint8Array, NULL null.
 */
export const plainValue: DuckDBValueConverter<JS> = (value, type, converter) => {
  const js = JSDuckDBValueConverter(value, type, converter);
  return typeof js === 'bigint' ? Number(js) : js;
};

/**
 * DuckDB's message for people: its first paragraph (a CSV error's line number,
 * the line, and what failed to convert) on one line, without the error-class
 * prefix and without the advice and SQL context that follow, which are about
 * options we set on purpose.
 */
export function duckMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const paragraph = text.trim().split(/\n\s*\n/)[0] ?? text;
  const lines = paragraph.split('\n').map((line) => line.trim());
  // DuckDB's advice on reader options ("Possible fixes: * Disable strict mode …") is for its own users, not ours.
  const cut = lines.findIndex((line) => /^Possible (fixes|Solution)/i.test(line));
  return (cut >= 0 ? lines.slice(0, cut) : lines)
    .filter((line) => line !== '')
    .join('; ')
    .replace(/^[A-Za-z ]+ Error: /, '');
}

/** The `columns={…}` struct that tells DuckDB's CSV and JSON readers each column's type, so nothing is guessed. */
export function columnsStruct(columns: readonly Column[]): string {
  return `{${columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ')}}`;
}

/** A SQL list of path literals, each read as written (no glob expansion). */
function pathList(duck: Duck, paths: readonly string[]): string {
  return `[${paths.map((p) => literal(duck.literalPath(p))).join(', ')}]`;
}

/**
 * The table expression reading batch outputs of one format, with the column
 * names and types of `columns` in their order. CSV is read exactly as the CSV
 * sink writes it: an empty field is NULL, a quoted empty field (`""`) the empty string.
 */
export function readerSql(duck: Duck, format: OutputFormat, paths: readonly string[], columns: readonly Column[]): string {
  const list = pathList(duck, paths);
  const select = columns.map((c) => ident(c.name)).join(', ');
  switch (format) {
    case 'parquet':
      // Select by name so a file's physical column order can never reorder a row.
      return `(SELECT ${select} FROM read_parquet(${list}))`;
    case 'csv': {
      // Text written with a leading ' against spreadsheet formulas (csv-sink.ts) gets exactly that one removed.
      const decoded = columns
        .map((c) => (c.type === 'VARCHAR' ? `CASE WHEN starts_with(${ident(c.name)}, '''') THEN substr(${ident(c.name)}, 2) ELSE ${ident(c.name)} END AS ${ident(c.name)}` : ident(c.name)))
        .join(', ');
      return (
        `(SELECT ${decoded} FROM read_csv(${list}, header = true, columns = ${columnsStruct(columns)}, auto_detect = false, ` +
        `delim = ',', quote = '"', escape = '"', new_line = '\\n', nullstr = '', allow_quoted_nulls = false))`
      );
    }
    case 'jsonl':
      return `read_json(${list}, format = 'newline_delimited', columns = ${columnsStruct(columns)}, auto_detect = false)`;
  }
}
