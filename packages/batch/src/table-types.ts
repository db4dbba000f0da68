/** A batch output opened for queries (DuckDB over Parquet, CSV or JSONL). */
import type { BatchMeta } from './meta.js';

export type SqlRow = Record<string, unknown>;

export interface BatchTable {
  meta: BatchMeta;
  /** Path(s) the table reads. */
  paths: string[];
  /** A SQL table expression for the rows, e.g. `read_parquet('out.parquet')`; use as `SELECT … FROM ${table.from}`. */
  from: string;
  /** Runs a query; BIGINT/HUGEINT come back as JS numbers, DECIMAL as numbers, NULL as null. */
  all(sql: string): Promise<SqlRow[]>;
  close(): void;
}

/** Quotes an identifier for SQL (column names come from scenario ids, but never trust them). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
