/**
 * The scenario cache (packages/tui/src/scenario-cache.ts): a load whose files
 * and build match an entry compiles the stored document instead of parsing
 * YAML and validating; any change to a file, another build, or a damaged or
 * foreign entry is a miss that loads the files and writes the entry again.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fastRun, prepareFastRun, stateHash, type CompiledScenario } from '@wargame/engine';
import { CACHE_FORMAT, defaultScenarioCache, scenarioCacheKey, type ScenarioCache } from '../packages/tui/src/scenario-cache.js';
import { readScenario, shippedScenarios } from '../packages/tui/src/scenario-files.js';
import { cliPath } from './helpers/cli.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'wargame-scenario-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A fresh copy of a shipped scenario folder and an empty cache. */
function setup(id = 'peace-tracks'): { dir: string; cache: ScenarioCache } {
  const base = join(work, `case-${n++}`);
  const dir = join(base, id);
  cpSync(join(root, 'scenarios', id), dir, { recursive: true });
  return { dir, cache: { dir: join(base, 'cache'), buildId: 'test-build' } };
}

function load(dir: string, cache: ScenarioCache | false) {
  const r = readScenario(dir, { cache });
  if (!r.ok) throw new Error(`load failed: ${r.issues.map((i) => i.message).join('; ')}`);
  return r;
}

/** The final states of a few seeded computer-played games: equal scenarios play equal games. */
function games(scenario: CompiledScenario): string[] {
  const plan = prepareFastRun(scenario);
  return ['1', '2', '3'].map((seed) => {
    const r = fastRun(plan, { seed });
    if (!r.ok) throw new Error('run failed');
    return stateHash(r.state);
  });
}

const entries = (cache: ScenarioCache) => (existsSync(cache.dir) ? readdirSync(cache.dir).filter((f) => f.endsWith('.json')) : []);

describe('scenario cache', () => {
  it('a second load of the same files is a hit and gives the same scenario', () => {
    const { dir, cache } = setup();
    const first = load(dir, cache);
    expect(first.cache).toBe('miss');
    expect(entries(cache)).toHaveLength(1);
    const second = load(dir, cache);
    expect(second.cache).toBe('hit');
    expect(second.scenario.hash).toBe(first.scenario.hash);
    expect(second.scenario.doc).toEqual(first.scenario.doc);
  });

  it('every shipped scenario compiles from its cached document to the same scenario, playing the same games', () => {
    for (const { id } of shippedScenarios()) {
      const { dir, cache } = setup(id);
      const fresh = load(dir, false);
      expect(load(dir, cache).cache, id).toBe('miss');
      const cached = load(dir, cache);
      expect(cached.cache, id).toBe('hit');
      expect(cached.scenario.hash, id).toBe(fresh.scenario.hash);
      expect(games(cached.scenario), id).toEqual(games(fresh.scenario));
    }
  });

  it('a changed scenario file invalidates the entry: any byte, even a comment', () => {
    const { dir, cache } = setup();
    const before = load(dir, cache);
    const party = join(dir, 'parties', readdirSync(join(dir, 'parties')).sort()[0]!);
    const text = readFileSync(party, 'utf8');

    writeFileSync(party, `${text}\n# a comment changes no meaning, but it changes the bytes\n`);
    const commented = load(dir, cache);
    expect(commented.cache).toBe('miss');
    expect(commented.scenario.hash).toBe(before.scenario.hash);

    // A change of meaning: the loaded scenario is the new one, with or without the cache.
    const changed = text.replace(/\bweight: (\d+)/, (_, w: string) => `weight: ${Number(w) + 1}`);
    expect(changed).not.toBe(text);
    writeFileSync(party, changed);
    const after = load(dir, cache);
    expect(after.cache).toBe('miss');
    expect(after.scenario.hash).not.toBe(before.scenario.hash);
    expect(after.scenario.hash).toBe(load(dir, false).scenario.hash);
    expect(load(dir, cache)).toMatchObject({ cache: 'hit', scenario: { hash: after.scenario.hash } });

    // Going back to the first bytes finds the first entry again.
    writeFileSync(party, text);
    expect(load(dir, cache)).toMatchObject({ cache: 'hit', scenario: { hash: before.scenario.hash } });
  });

  it('a file added to the folder invalidates the entry', () => {
    const { dir, cache } = setup();
    load(dir, cache);
    writeFileSync(join(dir, 'parties', 'zz-notes.yaml'), '# notes only\n');
    expect(load(dir, cache).cache).toBe('miss');
  });

  it("another build's entries are never read", () => {
    const { dir, cache } = setup();
    load(dir, cache);
    expect(load(dir, { ...cache, buildId: 'another-build' }).cache).toBe('miss');
    expect(entries(cache)).toHaveLength(2);
  });

  it('a corrupted or foreign entry is ignored, and written again', () => {
    const { dir, cache } = setup();
    const good = load(dir, cache);
    const [name] = entries(cache);
    const file = join(cache.dir, name!);
    const valid = readFileSync(file);
    const nl = valid.indexOf(10);
    const header = JSON.parse(valid.subarray(0, nl).toString('utf8')) as { format: string; key: string; sha256: string };
    expect(header.format).toBe(CACHE_FORMAT);

    // An entry of another scenario, under this scenario's name.
    const other = setup('sochi-2021');
    load(other.dir, other.cache);
    const foreign = readFileSync(join(other.cache.dir, entries(other.cache)[0]!));

    const flipped = Buffer.from(valid);
    flipped[nl + 100] = flipped[nl + 100]! ^ 1;
    // A body changed on purpose, its header still naming the old body's hash.
    const body = JSON.parse(valid.subarray(nl + 1).toString('utf8')) as { title: string };
    const edited = Buffer.concat([valid.subarray(0, nl + 1), Buffer.from(JSON.stringify({ ...body, title: 'Tampered' }))]);
    const corruptions: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['truncated', valid.subarray(0, Math.floor(valid.length / 2))],
      ['one bit flipped in the body', flipped],
      ['a body that is not the one hashed', edited],
      ['garbage', Buffer.from('not json at all\n{')],
      ['a header only', valid.subarray(0, nl + 1)],
      ['another format', Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, format: 'wargame-scenario-cache/0' })}\n`), valid.subarray(nl + 1)])],
      ['a foreign entry', foreign],
    ];
    for (const [what, bytes] of corruptions) {
      writeFileSync(file, bytes);
      const r = load(dir, cache);
      expect(r.cache, what).toBe('miss');
      expect(r.scenario.hash, what).toBe(good.scenario.hash);
      expect(r.scenario.title, what).not.toBe('Tampered');
      // Written again: the next load is a hit.
      expect(readFileSync(file).equals(valid), what).toBe(true);
      expect(load(dir, cache).cache, what).toBe('hit');
    }
  });

  it('a cache that cannot be written never fails a load', () => {
    const { dir, cache } = setup();
    // A file where the cache folder should be: every write fails.
    writeFileSync(join(dir, '..', 'cache'), 'not a folder');
    expect(load(dir, cache).cache).toBe('miss');
    expect(load(dir, cache).cache).toBe('miss');
  });

  it('validate (quotes checked) neither reads nor writes the cache', () => {
    const { dir, cache } = setup();
    const r = readScenario(dir, { cache, checkQuotes: true });
    expect(r.ok).toBe(true);
    expect(entries(cache)).toHaveLength(0);
  });

  it('the key covers the build, the file names and the bytes', () => {
    const cache = { dir: work, buildId: 'b' };
    const key = (c: ScenarioCache, files: [string, string][]) => scenarioCacheKey(c, files.map(([name, text]) => ({ name, bytes: Buffer.from(text) })));
    const base = key(cache, [['scenario.yaml', 'a: 1\n'], ['parties/x.yaml', 'b: 2\n']]);
    expect(key(cache, [['scenario.yaml', 'a: 1\n'], ['parties/x.yaml', 'b: 2\n']])).toBe(base);
    expect(key({ ...cache, buildId: 'c' }, [['scenario.yaml', 'a: 1\n'], ['parties/x.yaml', 'b: 2\n']])).not.toBe(base);
    expect(key(cache, [['scenario.yaml', 'a: 1\n'], ['parties/y.yaml', 'b: 2\n']])).not.toBe(base);
    expect(key(cache, [['scenario.yaml', 'a: 1\n'], ['parties/x.yaml', 'b: 3\n']])).not.toBe(base);
    // Bytes cannot move from one file to the next unnoticed.
    expect(key(cache, [['scenario.yaml', 'a: 1\nb'], ['parties/x.yaml', ': 2\n']])).not.toBe(base);
  });

  it('is off when the program runs unbundled (no build id says which engine wrote an entry)', () => {
    expect(defaultScenarioCache(root)).toBeUndefined();
  });

  it('the bundled CLI caches in $XDG_CACHE_HOME/wargame, and its output does not depend on the cache', () => {
    expect(existsSync(cliPath), `the CLI is not built (${cliPath}): run pnpm build first`).toBe(true);
    const xdg = join(work, 'xdg');
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, [cliPath, 'run', 'sochi-2021', '--seed', '1', '--turns', '3'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const uncached = run({ WARGAME_NO_CACHE: '1', XDG_CACHE_HOME: xdg });
    expect(existsSync(join(xdg, 'wargame'))).toBe(false);
    expect(run({ XDG_CACHE_HOME: xdg })).toBe(uncached);
    const [entry] = readdirSync(join(xdg, 'wargame'));
    expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(run({ XDG_CACHE_HOME: xdg })).toBe(uncached);
    writeFileSync(join(xdg, 'wargame', entry!), 'damaged');
    expect(run({ XDG_CACHE_HOME: xdg })).toBe(uncached);
    expect(readFileSync(join(xdg, 'wargame', entry!), 'utf8')).toContain(CACHE_FORMAT);
  });
});
