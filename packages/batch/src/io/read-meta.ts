/**
 * Reading a batch output's metadata: from the Parquet key-value metadata, or
 * from the `<file>.meta.json` sidecar of a CSV or JSONL output. Bad input is a
 * message naming the file and what was expected, never a throw.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { z } from 'zod';
import { BATCH_FORMAT, BATCH_VERSION, BatchMetaSchema, cellCount, formatOfPath, sidecarPath } from '../meta.js';
import type { BatchMeta, OutputFormat } from '../meta.js';
import { literal } from '../table-types.js';
import { duckMessage, openDuck } from './duck.js';
import type { Duck } from './duck.js';
import { PARQUET_META_KEY } from './parquet-sink.js';

export type MetaResult = { ok: true; meta: BatchMeta; format: OutputFormat } | { ok: false; message: string };

/**
 * The metadata of a batch output, validated against {@link BatchMetaSchema}.
 *
 * @example
 * const read = await readBatchMeta('runs.parquet');
 * if (!read.ok) { console.error(read.message); process.exitCode = 1; }
 * else console.log(`${read.meta.completed} of ${read.meta.total} runs`);
 */
export async function readBatchMeta(path: string): Promise<MetaResult> {
  return readMetaWith(path, undefined);
}

/** @internal {@link readBatchMeta} on an open DuckDB (saves opening one per file). */
export async function readMetaWith(path: string, duck: Duck | undefined): Promise<MetaResult> {
  const fail = (message: string): MetaResult => ({ ok: false, message });
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return fail(`${path}: is a directory, not a batch output`);
    size = stat.size;
  } catch (error) {
    return fail(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})`}`);
  }
  if (path.endsWith('.meta.json'))
    return fail(`${path}: this is the metadata sidecar of a batch output; pass the data file ${path.slice(0, -'.meta.json'.length)}`);

  const format = formatOfPath(path) ?? (hasParquetMagic(path, size) ? 'parquet' : undefined);
  if (format === undefined) return fail(`${path}: not a wargame batch output (expected a .parquet, .csv or .jsonl file)`);

  if (format === 'parquet') {
    if (!hasParquetMagic(path, size)) return fail(`${path}: not a Parquet file (no PAR1 magic bytes)`);
    const own = duck === undefined ? await openDuck() : undefined;
    try {
      const text = await parquetMeta((duck ?? own)!, path);
      if (!text.ok) return text;
      const where = `${path} (Parquet key-value metadata ${JSON.stringify(PARQUET_META_KEY)})`;
      return withFormat(decodeMeta(text.text, where), format);
    } finally {
      own?.close();
    }
  }

  const sidecar = sidecarPath(path);
  let text: string;
  try {
    text = readFileSync(sidecar, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return fail(`${path}: its metadata sidecar ${sidecar} is missing (a batch ${format.toUpperCase()} output is written with one; keep the two files together)`);
    return fail(`${sidecar}: cannot read (${(error as Error).message})`);
  }
  return withFormat(decodeMeta(text, sidecar), format);
}

function withFormat(result: DecodeResult, format: OutputFormat): MetaResult {
  return result.ok ? { ok: true, meta: result.meta, format } : result;
}

type DecodeResult = { ok: true; meta: BatchMeta } | { ok: false; message: string };

/** Parses and validates metadata JSON; `where` names its origin in messages. */
export function decodeMeta(text: string, where: string): DecodeResult {
  const fail = (message: string): DecodeResult => ({ ok: false, message: `${where}: ${message}` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object holding the batch metadata');
  const { format, version } = json as Record<string, unknown>;
  if (format !== BATCH_FORMAT)
    return fail(
      `not wargame batch metadata (${format === undefined ? 'no "format" field' : `"format" is ${JSON.stringify(format)}`}; expected ${JSON.stringify(BATCH_FORMAT)})`,
    );
  if (typeof version === 'number' && Number.isInteger(version) && version > BATCH_VERSION)
    return fail(`written by a newer wargame (batch format version ${version}; this program reads version ${BATCH_VERSION}): upgrade wargame`);
  if (version !== BATCH_VERSION) return fail(`unsupported batch format version ${JSON.stringify(version)} (this program reads version ${BATCH_VERSION})`);
  const parsed = BatchMetaSchema.safeParse(json);
  if (!parsed.success) return fail(`invalid batch metadata:\n${z.prettifyError(parsed.error)}`);
  const problem = inconsistency(parsed.data);
  if (problem) return fail(`inconsistent batch metadata: ${problem}`);
  return { ok: true, meta: parsed.data };
}

/** What the schema cannot say: the slice fits the batch, the rows fit the slice, the columns have a run index. */
function inconsistency(meta: BatchMeta): string | undefined {
  const { shard, total, completed } = meta;
  if (shard.k > shard.n) return `shard ${shard.k}/${shard.n} does not exist`;
  if (shard.from > shard.to || shard.to > total) return `shard runs ${shard.from}–${shard.to} do not fit in the batch's ${total} runs`;
  if (completed > shard.to - shard.from) return `completed is ${completed}, more than the shard's ${shard.to - shard.from} runs`;
  const cells = cellCount(meta.design);
  if (total !== cells * meta.runsPerCell) return `total is ${total}, but ${cells} cells × ${meta.runsPerCell} runs per cell is ${cells * meta.runsPerCell}`;
  // Every cell the file's runs play must be listed (a shard lists its own).
  const listed = new Set(meta.design.cells.map((c) => c.cell));
  if (shard.to > shard.from)
    for (let c = Math.floor(shard.from / meta.runsPerCell); c <= Math.floor((shard.to - 1) / meta.runsPerCell); c++)
      if (!listed.has(c)) return `cell ${c}, which runs ${shard.from}–${shard.to - 1} play, is not in the design's cells`;
  const names = new Set<string>();
  for (const c of meta.columns) {
    if (names.has(c.name)) return `column ${c.name} appears twice`;
    names.add(c.name);
  }
  const run = meta.columns.find((c) => c.name === 'run');
  if (run?.type !== 'INTEGER') return 'no INTEGER column named run';
  return undefined;
}

async function parquetMeta(duck: Duck, path: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  let rows: Awaited<ReturnType<Duck['all']>>;
  try {
    rows = await duck.all(`SELECT key, value FROM parquet_kv_metadata(${literal(duck.literalPath(path))})`);
  } catch (error) {
    return { ok: false, message: `${path}: not a readable Parquet file (${duckMessage(error)})` };
  }
  // Keys and values are BLOBs: decode the bytes as UTF-8 (DuckDB's BLOB-to-text escapes would mangle the JSON).
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const entry = rows.find((r) => r.key instanceof Uint8Array && Buffer.from(r.key).toString('latin1') === PARQUET_META_KEY);
  if (!entry)
    return { ok: false, message: `${path}: a Parquet file without wargame batch metadata (no key ${JSON.stringify(PARQUET_META_KEY)}); not a wargame batch output` };
  try {
    return { ok: true, text: utf8.decode(entry.value as Uint8Array) };
  } catch {
    return { ok: false, message: `${path}: its Parquet metadata ${JSON.stringify(PARQUET_META_KEY)} is not UTF-8 text` };
  }
}

/** Parquet files begin and end with `PAR1`. */
function hasParquetMagic(path: string, size: number): boolean {
  if (size < 12) return false;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 4, size - 4);
    return head.toString('latin1') === 'PAR1' && tail.toString('latin1') === 'PAR1';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
