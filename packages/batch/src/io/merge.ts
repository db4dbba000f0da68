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
import { columnsOf, createSink } from './sink.js';
import { BatchOutputError } from '../errors.js';

export type MergeResult = { ok: true; meta: BatchMeta } | { ok: false; message: string };

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
  return { ok: true, meta: combined.meta };
}
