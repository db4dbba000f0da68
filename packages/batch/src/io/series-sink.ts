/**
 * The per-turn series of a batch (`--series`): one row per run and turn,
 * streamed beside the runs file in the same format and published with it, as
 * BehaviorSpace's table output and Mesa's DataCollector give a model's steps.
 * Memory stays flat: rows go to the same format writers as the runs file, and
 * the same commit protocol (temporaries, rename, claim) keeps a half-written
 * series from ever replacing a good one. Its metadata is the batch's, with
 * `series` naming the runs file, so the two are read as one batch.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Column, Row } from '../columns.js';
import { BatchMetaSchema, formatOfPath, type BatchMeta, type OutputFormat } from '../meta.js';
import { BatchOutputError, BatchUsageError } from '../errors.js';
import { publish, removeFiles } from './atomic.js';
import { claimOutput, type OutputClaim } from './claim.js';
import { checkCsvHeader, openCsvWriter } from './csv-sink.js';
import { duckMessage, openDuck, readerSql } from './duck.js';
import { checkJsonlKeys, openJsonlWriter } from './jsonl-sink.js';
import { openParquetWriter } from './parquet-sink.js';
import { readBatchMeta } from './read-meta.js';
import type { FormatWriter } from './sink.js';

/** The series file beside a runs file: `runs.parquet` → `runs.series.parquet`. */
export function seriesPath(runsPath: string): string {
  return runsPath.replace(/\.(parquet|csv|jsonl)$/i, (ext) => `.series${ext}`);
}

export interface SeriesSink {
  /** Appends rows (run, then turn order), already in the series' column order. */
  write(rows: readonly Row[]): void;
  /** Appends every row of another series file (a shard's), read with these columns; returns how many. */
  append(path: string, format: OutputFormat): Promise<number>;
  /** Publishes the series with the batch's metadata (its `completed` runs must be the runs the series covers). */
  commit(meta: BatchMeta, runsPath: string): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Opens the series of a batch at `path`. With `resume`, the rows of the
 * series being resumed come first; they must cover exactly the runs its
 * metadata says were completed.
 */
export async function openSeriesSink(opts: { path: string; format: OutputFormat; columns: readonly Column[]; resume?: boolean }): Promise<SeriesSink> {
  const { path, format, columns } = opts;
  const claim: OutputClaim = claimOutput(path);
  let writer: FormatWriter;
  try {
    writer = format === 'csv' ? openCsvWriter(path, columns) : format === 'jsonl' ? openJsonlWriter(path, columns) : await openParquetWriter(path, columns);
  } catch (error) {
    claim.release();
    throw error;
  }
  let rows = 0;
  let state: 'open' | 'done' = 'open';
  const abort = async () => {
    if (state === 'done') return;
    state = 'done';
    try {
      writer.close();
    } finally {
      removeFiles(writer.temps);
      claim.release();
    }
  };
  if (opts.resume) {
    try {
      if (!existsSync(path)) throw new BatchOutputError('no such file (the batch was started without --series, or the series was removed): start the batch again without --resume', 'cannot-resume');
      if (formatOfPath(path) !== format) throw new BatchOutputError(`it is not ${format}`, 'cannot-resume');
      const read = await readBatchMeta(path);
      if (!read.ok) throw new BatchOutputError(read.message, 'cannot-resume');
      if (!read.meta.series) throw new BatchOutputError('it is not a per-turn series', 'cannot-resume');
      if (format === 'csv') checkCsvHeader(path, columns);
      else if (format === 'jsonl') checkJsonlKeys(path, columns);
      const found = await countRows(path, format, columns);
      const { from } = read.meta.shard;
      const last = from + read.meta.completed - 1;
      if (found.rows !== read.meta.series.rows || (found.rows > 0 && (found.low !== from || found.high !== last)))
        throw new BatchOutputError(`it holds ${found.rows} rows of runs ${found.low}–${found.high}, but its metadata says ${read.meta.series.rows} rows of runs ${from}–${last}`, 'mismatched-output');
      await writer.copyOutput(path, format);
      rows = found.rows;
    } catch (error) {
      await abort();
      throw new BatchOutputError(`cannot resume the series ${path}: ${error instanceof Error ? error.message : String(error)}`, 'cannot-resume');
    }
  }
  return {
    async append(source, sourceFormat) {
      if (state !== 'open') throw new BatchUsageError(`append: the series ${path} is already closed`, 'sink-closed');
      const found = await countRows(source, sourceFormat, columns);
      try {
        if (writer.canCopy(sourceFormat)) await writer.copyOutput(source, sourceFormat);
        else {
          // Another format into CSV/JSONL: the rows go through JS, so they get this format's spelling.
          const duck = await openDuck();
          try {
            for await (const chunk of duck.rows(`SELECT * FROM ${readerSql(duck, sourceFormat, [source], columns)}`)) writer.writeRows(chunk);
          } finally {
            duck.close();
          }
        }
      } catch (error) {
        await abort();
        throw new BatchOutputError(`cannot append the series ${source}: ${error instanceof Error ? error.message : String(error)}`, 'mismatched-output');
      }
      rows += found.rows;
      return found.rows;
    },
    write(batch) {
      if (state !== 'open') throw new BatchUsageError(`write: the series ${path} is already closed`, 'sink-closed');
      if (batch.length === 0) return;
      try {
        writer.writeRows(batch);
      } catch (error) {
        void abort();
        throw error;
      }
      rows += batch.length;
    },
    async commit(meta, runsPath) {
      if (state !== 'open') throw new BatchUsageError(`commit: the series ${path} is already closed`, 'sink-closed');
      const parsed = BatchMetaSchema.safeParse({ ...meta, columns, series: { runs: basename(runsPath), rows } });
      if (!parsed.success) throw new BatchUsageError(`commit: invalid series metadata: ${parsed.error.message}`, 'bad-meta');
      try {
        const moves = await writer.finish(parsed.data);
        writer.close();
        publish(moves);
        state = 'done';
        claim.release();
      } catch (error) {
        await abort();
        throw error;
      }
    },
    abort,
  };
}

async function countRows(path: string, format: OutputFormat, columns: readonly Column[]): Promise<{ rows: number; low: number | null; high: number | null }> {
  const duck = await openDuck();
  try {
    const [row] = await duck.all(`SELECT count(*) AS n, min(run) AS low, max(run) AS high FROM ${readerSql(duck, format, [path], columns)}`);
    return { rows: Number(row?.['n'] ?? 0), low: row?.['low'] == null ? null : Number(row['low']), high: row?.['high'] == null ? null : Number(row['high']) };
  } catch (error) {
    throw new BatchOutputError(`cannot read it as ${format} with the series' columns: ${duckMessage(error)}`, 'mismatched-output');
  } finally {
    duck.close();
  }
}
