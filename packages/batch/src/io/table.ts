/**
 * A batch output opened for SQL: DuckDB over the file(s), with every column's
 * type taken from the metadata (never guessed from the data). Several paths
 * are shards of one batch read as one table.
 */
import type { BatchTable } from '../table-types.js';
import { duckMessage, openDuck, readerSql } from './duck.js';
import type { Duck } from './duck.js';
import { readMetaWith } from './read-meta.js';
import { combineShards } from './shards.js';
import type { ShardInput } from './shards.js';
import { columnsOf } from './sink.js';
import { BatchReadError } from '../errors.js';

export type OpenResult = { ok: true; table: BatchTable } | { ok: false; message: string };

/**
 * Opens batch output(s) for queries. Several paths must be shards of one batch
 * whose rows form one stretch of runs (only the last may be unfinished); the
 * table's metadata is then the batch's own when they hold every run.
 * Rows come in run order when the query imposes none; say `ORDER BY run` when it matters.
 *
 * @example
 * const opened = await openBatch(['runs.1of2.parquet', 'runs.2of2.parquet']);
 * if (!opened.ok) throw new Error(opened.message);
 * const { table } = opened;
 * try {
 *   const [row] = await table.all(`SELECT avg(turns) AS turns FROM ${table.from}`);
 * } finally {
 *   table.close();
 * }
 */
export async function openBatch(paths: string | string[]): Promise<OpenResult> {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (list.length === 0) return { ok: false, message: 'no batch output given' };
  const duck = await openDuck();
  try {
    const inputs: ShardInput[] = [];
    for (const path of list) {
      const read = await readMetaWith(path, duck);
      if (!read.ok) return close(duck, read.message);
      if (read.meta.series)
        return close(
          duck,
          `${path}: this is the per-turn series of a batch (${read.meta.series.rows.toLocaleString('en')} rows of run × turn), not its runs file: analyse ${read.meta.series.runs}, and load the series itself with DuckDB, pandas or R (README, "Per-turn series")`,
        );
      inputs.push({ path, meta: read.meta, format: read.format });
    }
    const combined = combineShards(inputs, false);
    if (!combined.ok) return close(duck, list.length > 1 ? `cannot read these outputs as one batch: ${combined.message}` : combined.message);
    const { meta } = combined;
    const columns = columnsOf(meta);

    // One reader per run of same-format inputs, in run order.
    const groups: Array<{ format: ShardInput['format']; paths: string[] }> = [];
    for (const input of combined.inputs) {
      const last = groups[groups.length - 1];
      if (last && last.format === input.format) last.paths.push(input.path);
      else groups.push({ format: input.format, paths: [input.path] });
    }
    const readers = groups.map((g) => readerSql(duck, g.format, g.paths, columns));
    for (const [i, reader] of readers.entries()) {
      // Binding reads headers and footers: a file that does not match its metadata fails here, not in the first query.
      try {
        await duck.all(`DESCRIBE SELECT * FROM ${reader}`);
      } catch (error) {
        return close(duck, `${groups[i]!.paths.join(', ')}: cannot read with the columns of its metadata (${duckMessage(error)})`);
      }
    }
    const from = readers.length === 1 ? readers[0]! : `(${readers.map((r) => `SELECT * FROM ${r}`).join(' UNION ALL ')})`;
    // The rows must be the ones the metadata describes: a file truncated, padded, overwritten (1 GB of NULs
    // beside a sidecar that says 100 rows) or paired with another batch's sidecar is refused, not summarised.
    const expected = combined.inputs.reduce((n, input) => n + input.meta.completed, 0);
    const first = combined.inputs[0]?.meta.shard.from ?? 0;
    let found: { n: number; low: number | null; high: number | null };
    try {
      const [row] = await duck.all(`SELECT count(*) AS n, min(run) AS low, max(run) AS high FROM ${from}`);
      found = { n: Number(row?.['n'] ?? 0), low: row?.['low'] === null ? null : Number(row?.['low']), high: row?.['high'] === null ? null : Number(row?.['high']) };
    } catch (error) {
      return close(duck, `${list.join(', ')}: cannot read the batch output (is it damaged?): ${duckMessage(error)}`);
    }
    if (found.n !== expected || (expected > 0 && (found.low !== first || found.high !== first + expected - 1)))
      return close(
        duck,
        `${list.join(', ')}: the data does not match its metadata: it holds ${found.n} row${found.n === 1 ? '' : 's'}${found.n > 0 ? ` (runs ${found.low}–${found.high})` : ''}, the metadata says ${expected}${expected > 0 ? ` (runs ${first}–${first + expected - 1})` : ''}; the file is damaged or belongs to another batch`,
      );
    const table: BatchTable = {
      meta,
      paths: combined.inputs.map((input) => input.path),
      from,
      // A file that opened but breaks on reading (a damaged CSV line, a truncated file) is reported, named, as data.
      all: (sql) =>
        duck.all(sql).catch((error: unknown) => {
          throw new BatchReadError(`${list.join(', ')}: cannot read the batch output (is it damaged?): ${duckMessage(error)}`);
        }),
      close: () => duck.close(),
    };
    return { ok: true, table };
  } catch (error) {
    return close(duck, `cannot open ${list.join(', ')}: ${duckMessage(error)}`);
  }
}

function close(duck: Duck, message: string): OpenResult {
  duck.close();
  return { ok: false, message };
}
