/**
 * Merging the shard outputs of a batch (`wargame batch … --shard k/n`) into
 * the output the unsharded batch would have written: the same rows in run
 * order and the same metadata. The shards stream through a sink, so memory
 * stays flat and the result is published atomically; CSV and JSONL shards of
 * the same format are copied byte for byte, the rest read through DuckDB.
 */
import { formatOfPath } from '../meta.js';
import type { BatchMeta, OutputFormat } from '../meta.js';
import { openDuck } from './duck.js';
import { readMetaWith } from './read-meta.js';
import { combineShards, runs } from './shards.js';
import type { ShardInput } from './shards.js';
import { columnsOf, columnsMismatch, createSink } from './sink.js';
import { openSeriesSink, seriesPath } from './series-sink.js';
import { existsSync } from 'node:fs';
import { BatchOutputError } from '../errors.js';

/** `series`: the merged per-turn series, written when every shard had one beside it. */
export type MergeResult = { ok: true; meta: BatchMeta; series?: string } | { ok: false; message: string };

/**
 * Merges shard outputs into `out` (format from `format`, else from its
 * extension). The shards may be in any order and any formats; together they
 * must hold every run of one batch exactly once. Replaces `out` if it exists.
 *
 * @example
 * const merged = await mergeOutputs(['runs.1.parquet', 'runs.2.parquet'], 'runs.parquet');
 * if (!merged.ok) console.error(merged.message);
 */
export async function mergeOutputs(inputs: string[], out: string, format?: OutputFormat): Promise<MergeResult> {
  const fail = (message: string): MergeResult => ({ ok: false, message });
  const implied = formatOfPath(out);
  if (format !== undefined && implied !== undefined && format !== implied) return fail(`${out}: the extension says ${implied}, but the format asked for is ${format}`);
  const outFormat = format ?? implied;
  if (outFormat === undefined) return fail(`${out}: cannot tell the output format; use a .parquet, .csv or .jsonl extension or give the format`);
  if (inputs.length === 0) return fail('cannot merge: no shard outputs given');

  const shards: ShardInput[] = [];
  const duck = await openDuck();
  try {
    for (const path of inputs) {
      const read = await readMetaWith(path, duck);
      if (!read.ok) return fail(`cannot merge: ${read.message}`);
      shards.push({ path, meta: read.meta, format: read.format });
    }
  } finally {
    duck.close();
  }
  const combined = combineShards(shards, true);
  if (!combined.ok)
    return fail(combined.message.includes('\n') ? `cannot merge:\n${combined.message.replace(/^/gm, '  ')}` : `cannot merge: ${combined.message}`);

  // The per-turn series beside the shards (--series) are merged too, first, so the runs file is published last as
  // batch does it; all shards have one or none does.
  const series = await mergeShardSeries(combined.inputs, out, outFormat, combined.meta);
  if (!series.ok) return fail(`cannot merge: ${series.message}`);

  let sink: Awaited<ReturnType<typeof createSink>>;
  try {
    sink = await createSink({ path: out, format: outFormat, columns: columnsOf(combined.meta) });
  } catch (error) {
    return fail((error as Error).message);
  }
  for (const shard of combined.inputs) {
    try {
      const found = await sink.appendOutput(shard.path, shard.format);
      const { from } = shard.meta.shard;
      const expected = shard.meta.completed;
      // The metadata promised these runs; a file that disagrees (a CSV whose sidecar belongs to another write) must not slip in.
      if (found.rows !== expected || (found.rows > 0 && found.first !== from))
        throw new BatchOutputError(
          `holds ${found.rows === 0 ? 'no runs' : runs(found.first!, found.last! + 1)}, but its metadata says ${expected === 0 ? 'no runs' : runs(from, from + expected)}; the data and its metadata do not belong together`,
          'mismatched-output',
        );
    } catch (error) {
      await sink.abort();
      return fail(`cannot merge: ${shard.path}: ${(error as Error).message}`);
    }
  }
  try {
    await sink.commit(combined.meta);
  } catch (error) {
    await sink.abort();
    return fail(`cannot write ${out}: ${(error as Error).message}`);
  }
  return { ok: true, meta: combined.meta, ...(series.path ? { series: series.path } : {}) };
}

/** Merges the series beside the shards, in run order, into the series beside `out`; nothing when no shard has one. */
async function mergeShardSeries(shards: readonly ShardInput[], out: string, format: OutputFormat, meta: BatchMeta): Promise<{ ok: true; path?: string } | { ok: false; message: string }> {
  const beside = shards.map((s) => seriesPath(s.path));
  const have = beside.filter((p) => existsSync(p));
  if (have.length === 0) return { ok: true };
  const missing = beside.find((p) => !existsSync(p));
  if (missing) return { ok: false, message: `${missing} is missing: every shard was written with --series, or none (give the shards that have one, or move the other series away to merge the runs alone)` };
  const metas: BatchMeta[] = [];
  for (const [i, p] of beside.entries()) {
    const read = await readMetaWith(p, undefined);
    if (!read.ok) return { ok: false, message: read.message };
    const runsMeta = shards[i]!.meta;
    if (!read.meta.series || read.meta.shard.from !== runsMeta.shard.from || read.meta.completed !== runsMeta.completed || read.meta.seed !== runsMeta.seed)
      return { ok: false, message: `${p} is not the series of ${shards[i]!.path} (its runs, seed or shard differ)` };
    const clash = metas.length > 0 ? columnsMismatch(columnsOf(metas[0]!), columnsOf(read.meta)) : undefined;
    if (clash) return { ok: false, message: `${p}: its columns differ from ${beside[0]}'s (${clash}): the shards were run with different --series` };
    metas.push(read.meta);
  }
  const target = seriesPath(out);
  let sink: Awaited<ReturnType<typeof openSeriesSink>>;
  try {
    sink = await openSeriesSink({ path: target, format, columns: columnsOf(metas[0]!) });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  try {
    for (const [i, p] of beside.entries()) {
      const rows = await sink.append(p, formatOfPath(p)!);
      if (rows !== metas[i]!.series!.rows) throw new BatchOutputError(`${p} holds ${rows} rows, but its metadata says ${metas[i]!.series!.rows}`, 'mismatched-output');
    }
    await sink.commit(meta, out);
  } catch (error) {
    await sink.abort();
    return { ok: false, message: (error as Error).message };
  }
  return { ok: true, path: target };
}
