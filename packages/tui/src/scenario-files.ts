/**
 * The file-system edge for scenarios: finds a scenario by path or shipped id,
 * reads its YAML files and the source texts it cites, and hands text to the
 * engine's loader, or compiles the validated document the scenario cache
 * holds for exactly these bytes (scenario-cache.ts).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, compileScenarioDoc, loadScenario, MAX_SCENARIO_BYTES, type CompiledScenario, type ScenarioDoc, type ScenarioIssue, type SourceFile } from '@wargame/engine';
import { defaultScenarioCache, readCachedDocument, scenarioCacheKey, writeCachedDocument, type ScenarioCache } from './scenario-cache.js';

/** The repository root (this file is packages/tui/{src,dist}/scenario-files.*, or a chunk of the bundle in packages/tui/dist/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where shipped scenarios are looked up by id, in order. */
export function scenarioRoots(): string[] {
  const roots = [process.env['WARGAME_SCENARIOS'], join(process.cwd(), 'scenarios'), join(repoRoot, 'scenarios')].filter(
    (r): r is string => typeof r === 'string' && r.length > 0,
  );
  return [...new Set(roots.map((r) => resolve(r)))].filter((r) => existsSync(r));
}

/** Shipped scenario ids (folders with a scenario.yaml, or single .yaml files) under the roots. */
export function shippedScenarios(): { id: string; path: string }[] {
  const out = new Map<string, string>();
  for (const root of scenarioRoots()) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(root, entry.name, 'scenario.yaml'))) {
        if (!out.has(entry.name)) out.set(entry.name, join(root, entry.name));
      } else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
        const id = entry.name.replace(/\.ya?ml$/, '');
        if (!out.has(id)) out.set(id, join(root, entry.name));
      }
    }
  }
  return [...out].map(([id, path]) => ({ id, path })).sort((a, b) => a.id.localeCompare(b.id));
}

export type ScenarioLoad =
  | { ok: true; scenario: CompiledScenario; path: string; files: string[]; cache: 'hit' | 'miss' | 'off' }
  | { ok: false; issues: ScenarioIssue[]; path?: string };

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel || '.';
}

/** The YAML files of a scenario folder: scenario.yaml first, then the rest in path order. */
function folderFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 4) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p, depth + 1);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) found.push(p);
    }
  };
  walk(dir, 0);
  const main = join(dir, 'scenario.yaml');
  return [...found.filter((f) => f === main), ...found.filter((f) => f !== main)];
}

/** Resolves `<scenario>`: a file, a folder, or the id of a shipped scenario. */
export function resolveScenario(arg: string): { ok: true; path: string } | { ok: false; message: string } {
  if (existsSync(arg)) return { ok: true, path: resolve(arg) };
  const shipped = shippedScenarios();
  const hit = shipped.find((s) => s.id === arg);
  if (hit) return { ok: true, path: hit.path };
  const ids = shipped.map((s) => s.id);
  const near = closest(arg, ids);
  return {
    ok: false,
    message: `no scenario "${arg}": not a file or folder, nor a shipped scenario${near ? ` (did you mean "${near}"?)` : ''}; shipped: ${ids.join(', ') || 'none found'}`,
  };
}

/** A source text larger than this is not read (the five shipped sources are under 13 kB each). docs/limits.md. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** All the YAML files of one scenario folder together, and how many there may be. docs/limits.md. */
export const MAX_FOLDER_BYTES = 8 * 1024 * 1024;
export const MAX_FOLDER_FILES = 200;

/**
 * Finds a cited source text: next to the scenario, in its parent folders' sources/, or the repository's sources/.
 * A source is a plain file of at most MAX_SOURCE_BYTES inside the folder it was found in: a symbolic link
 * that leads out of that folder is not followed (else the quote check would tell a stranger's scenario
 * whether any file on the machine contains a phrase).
 */
function sourceReader(scenarioPath: string): (file: string) => string | undefined {
  const base = statSync(scenarioPath).isDirectory() ? scenarioPath : dirname(scenarioPath);
  const dirs = [base, join(base, 'sources'), join(base, '..', 'sources'), join(base, '..', '..', 'sources'), join(repoRoot, 'sources')];
  return (file) => {
    if (basename(file) !== file) return undefined; // a source is a file name, never a path
    for (const d of dirs) {
      const p = join(d, file);
      if (!existsSync(p)) continue;
      try {
        const real = realpathSync(p);
        const folder = realpathSync(d);
        if (dirname(real) !== folder) continue;
        const st = statSync(real);
        if (!st.isFile() || st.size > MAX_SOURCE_BYTES) continue;
        return readFileSync(real, 'utf8');
      } catch {
        // unreadable: look in the next folder
      }
    }
    return undefined;
  };
}

export interface ReadOptions {
  /** Check every citation against its source text (validate). Such a load neither reads nor writes the cache. */
  checkQuotes?: boolean;
  /** The scenario cache; default: the CLI's (scenario-cache.ts `defaultScenarioCache`); false: none. */
  cache?: ScenarioCache | false;
}

/** Reads and loads a scenario. With `checkQuotes`, every citation is checked against its source text. */
export function readScenario(arg: string, opts: ReadOptions = {}): ScenarioLoad {
  const where = resolveScenario(arg);
  if (!where.ok) return { ok: false, issues: [{ code: 'scenario-not-found', path: [], message: where.message }] };
  const path = where.path;
  const stat = statSync(path);
  const paths = stat.isDirectory() ? folderFiles(path) : [path];
  if (paths.length === 0) return { ok: false, path, issues: [{ code: 'no-files', file: display(path), path: [], message: 'the folder has no .yaml files' }] };
  const files: SourceFile[] = [];
  const raw: { name: string; bytes: Buffer }[] = [];
  const issues: ScenarioIssue[] = [];
  if (paths.length > MAX_FOLDER_FILES)
    return { ok: false, path, issues: [{ code: 'too-many-files', file: display(path), path: [], message: `the folder has ${paths.length} .yaml files; a scenario has at most ${MAX_FOLDER_FILES}` }] };
  const sizes = paths.map((p) => statSync(p).size);
  const total = sizes.reduce((sum, n) => sum + n, 0);
  // A single file over its own limit is reported as such, below; the folder's total is for many files each within it.
  if (total > MAX_FOLDER_BYTES && sizes.every((n) => n <= MAX_SCENARIO_BYTES))
    return { ok: false, path, issues: [{ code: 'folder-too-large', file: display(path), path: [], message: `the folder's .yaml files come to ${(total / 1048576).toFixed(1)} MB; a scenario is at most ${MAX_FOLDER_BYTES / 1048576} MB in all` }] };
  for (const p of paths) {
    const size = statSync(p).size;
    // Refuse before reading: a huge file should cost nothing.
    if (size > MAX_SCENARIO_BYTES) {
      issues.push({ code: 'file-too-large', file: display(p), line: 1, column: 1, path: [], message: `the file is ${(size / 1048576).toFixed(1)} MB; scenario files are limited to ${MAX_SCENARIO_BYTES / 1048576} MB` });
      continue;
    }
    try {
      const bytes = readFileSync(p);
      raw.push({ name: relative(path, p) || basename(p), bytes });
      files.push({ name: display(p), text: bytes.toString('utf8') });
    } catch (e) {
      issues.push({ code: 'unreadable-file', file: display(p), path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  if (issues.length > 0) return { ok: false, path, issues };
  const names = files.map((f) => f.name);
  const cache = opts.checkQuotes || opts.cache === false ? undefined : (opts.cache ?? defaultScenarioCache(repoRoot));
  const key = cache ? scenarioCacheKey(cache, raw) : undefined;
  if (cache && key) {
    const doc = readCachedDocument(cache, key);
    if (doc !== undefined) {
      // The entry is this build's document for exactly these bytes (key and body hash checked): compile it.
      // Should that fail all the same, the files are loaded as if there were no entry, and it is written again.
      try {
        const c = compileScenarioDoc(doc as ScenarioDoc);
        if (c.issues.length === 0) return { ok: true, scenario: c.scenario, path, files: names, cache: 'hit' };
      } catch {
        // fall through to a full load
      }
    }
  }
  const r = loadScenario(files, opts.checkQuotes ? { readSource: sourceReader(path) } : {});
  if (!r.ok) return { ok: false, path, issues: r.issues };
  if (cache && key) writeCachedDocument(cache, key, r.scenario.doc);
  return { ok: true, scenario: r.scenario, path, files: names, cache: cache ? 'miss' : 'off' };
}

/** A shipped scenario's title, read from the head of its main file without loading it (for pickers). */
function quickTitle(path: string): string {
  try {
    const file = statSync(path).isDirectory() ? join(path, 'scenario.yaml') : path;
    const head = readFileSync(file, 'utf8').slice(0, 8192);
    const m = /^title:\s*(.+)$/m.exec(head);
    return m ? m[1]!.trim().replace(/^(['"])(.*)\1$/, '$2') : '';
  } catch {
    return '';
  }
}

/** The shipped scenarios with their titles, for the pickers of play and facilitate. */
export function shippedCatalog(): { id: string; title: string }[] {
  return shippedScenarios().map((s) => ({ id: s.id, title: quickTitle(s.path) }));
}

