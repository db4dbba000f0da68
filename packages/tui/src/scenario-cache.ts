/**
 * The scenario cache: a scenario's validated document (what YAML parsing and
 * the schema made of its files, once compiling it found no issue), stored as
 * JSON and keyed by a hash of the raw bytes of every file of the scenario and
 * of the build that validated it. A hit skips YAML and zod (~0.4 s for the
 * flagship); the scenario is still compiled from the document (~15 ms).
 *
 * An entry is trusted only when its key is the one the files give now and its
 * body still has the hash its header records; anything else (a changed file,
 * another build, a damaged or foreign file) is a miss, and the entry is
 * written again. Reads and writes never fail a command.
 */
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '@wargame/batch/atomic';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { BUILD_ID } from './version.js';

/** Changes when the layout of an entry changes. */
export const CACHE_FORMAT = 'wargame-scenario-cache/1';

/** Entries kept: beyond this the oldest are removed when a new one is written. */
const MAX_ENTRIES = 200;

export interface ScenarioCache {
  dir: string;
  /** Identifies the code that validated the documents: entries of another build never match. */
  buildId: string;
}

/**
 * The cache the CLI uses: `$WARGAME_CACHE_DIR`, else `$XDG_CACHE_HOME/wargame`,
 * else `node_modules/.cache/wargame` in the installation. Off with
 * `WARGAME_NO_CACHE=1`, and off when the program runs unbundled (from source
 * or tsc's output), where no build id says which engine validated an entry.
 */
export function defaultScenarioCache(installRoot: string): ScenarioCache | undefined {
  if (BUILD_ID === undefined) return undefined;
  const env = process.env;
  if (env['WARGAME_NO_CACHE'] && env['WARGAME_NO_CACHE'] !== '0') return undefined;
  const dir = env['WARGAME_CACHE_DIR'] || (env['XDG_CACHE_HOME'] ? join(env['XDG_CACHE_HOME'], 'wargame') : join(installRoot, 'node_modules', '.cache', 'wargame'));
  return { dir, buildId: BUILD_ID };
}

/** The key of a scenario: its files' names (relative to the scenario) and raw bytes, in load order, and the build. */
export function scenarioCacheKey(cache: ScenarioCache, files: readonly { name: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256').update(`${CACHE_FORMAT}\0${cache.buildId}\0${files.length}\0`);
  for (const f of files) h.update(`${f.name}\0${f.bytes.length}\0`).update(f.bytes);
  return h.digest('hex');
}

const entryPath = (cache: ScenarioCache, key: string) => join(cache.dir, `${key}.json`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface EntryHeader {
  format: string;
  key: string;
  sha256: string;
}

/**
 * The document stored under `key`, or undefined (no entry, or one that fails a
 * check). An entry is a header line (format, key, hash of the body) then the
 * document as JSON.
 */
export function readCachedDocument(cache: ScenarioCache, key: string): unknown {
  try {
    const bytes = readFileSync(entryPath(cache, key));
    const nl = bytes.indexOf(10);
    if (nl < 0) return undefined;
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Partial<EntryHeader> | null;
    if (header?.format !== CACHE_FORMAT || header.key !== key) return undefined;
    const body = bytes.subarray(nl + 1);
    if (sha256(body) !== header.sha256) return undefined;
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Stores a validated document under `key` (atomically: a reader sees the old entry, none, or the whole new one). Never throws. */
export function writeCachedDocument(cache: ScenarioCache, key: string, doc: unknown): boolean {
  const target = entryPath(cache, key);
  try {
    mkdirSync(cache.dir, { recursive: true });
    const body = JSON.stringify(doc);
    const header: EntryHeader = { format: CACHE_FORMAT, key, sha256: sha256(Buffer.from(body, 'utf8')) };
    writeFileAtomic(target, `${JSON.stringify(header)}\n${body}`);
    pruneCache(cache);
    return true;
  } catch {
    // Nothing more to do: the cache is an optimisation, and the writer removed its temporary.
    return false;
  }
}

/** Keeps the folder to MAX_ENTRIES entries, dropping the oldest written (every edit of a scenario adds one). */
function pruneCache(cache: ScenarioCache): void {
  const names = readdirSync(cache.dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((n) => ({ n, t: statSync(join(cache.dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - MAX_ENTRIES)) rmSync(join(cache.dir, n), { force: true });
}
