/** Limits on what a scenario folder may make the program read (docs/limits.md). */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIO_LIMITS } from '@wargame/engine';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const fixture = readFileSync(join(root, 'test/fixtures/scenarios/two-party.yaml'), 'utf8');

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-limits-'));
  mkdirSync(join(dir, 'sc'));
  writeFileSync(join(dir, 'sc', 'scenario.yaml'), fixture);
  return dir;
}

describe('scenario folder limits', () => {
  it('does not follow a source that links out of its folder (no oracle on other files)', () => {
    const dir = folder();
    const secret = join(dir, 'secret.txt');
    // The outside file holds every quote the fixture cites: followed, the check would pass.
    writeFileSync(secret, 'keep it calm please talking is good shouting is bad trade is good a shock happened');
    symlinkSync(secret, join(dir, 'sc', 'a.txt'));
    const r = runCli(['validate', join(dir, 'sc')]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/a\.txt/);
    // The same text as a real file inside the folder is read.
    const ok = folder();
    writeFileSync(join(ok, 'sc', 'a.txt'), readFileSync(secret, 'utf8'));
    expect(runCli(['validate', join(ok, 'sc')]).code).toBe(0);
  });

  it('does not read a source text over the size limit', () => {
    const dir = folder();
    const big = join(dir, 'sc', 'a.txt');
    writeFileSync(big, 'keep it calm please talking is good shouting is bad trade is good a shock happened');
    truncateSync(big, 5 * 1024 * 1024);
    const r = runCli(['validate', join(dir, 'sc')]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('internal error');
  });

  it('refuses a folder whose files together are too large, before reading them', () => {
    const dir = folder();
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'sc', `extra${i}.yaml`), `# ${'x'.repeat(1900 * 1024)}\n`);
    const r = runCli(['validate', join(dir, 'sc')]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('a scenario is at most 8 MB in all');
  });
});

describe('YAML limits', () => {
  it('finds duplicate keys in linear time and caps the keys of one mapping', async () => {
    const { parseScenarioYaml, MAX_KEYS_PER_MAPPING } = await import('@wargame/engine');
    // 9,000 keys and one duplicate: the yaml library's own check took seconds on this; a set takes milliseconds.
    const many = `indicators:\n${Array.from({ length: 9000 }, (_, i) => `  k${i}: 1`).join('\n')}\n  k17: 2\n`;
    const started = performance.now();
    const r = parseScenarioYaml([{ name: 'many.yaml', text: many }]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r.issues.map((i) => `${i.line}: ${i.message}`)).toEqual(['9002: YAML: the key "k17" is given twice in this mapping']);
    const crowded = `indicators:\n${Array.from({ length: MAX_KEYS_PER_MAPPING + 1 }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
    const c = parseScenarioYaml([{ name: 'crowded.yaml', text: crowded }]);
    expect(c.issues[0]!.message).toContain(`a mapping has at most ${MAX_KEYS_PER_MAPPING}`);
  });

  it('refuses __proto__ even when it comes in through an alias key', async () => {
    const { parseScenarioYaml } = await import('@wargame/engine');
    const r = parseScenarioYaml([{ name: 'proto.yaml', text: 'title: &k __proto__\nindicators:\n  *k : { label: x }\n' }]);
    expect(r.issues.map((i) => i.message)).toEqual(['the key "__proto__" is not allowed in a scenario']);
    expect(r.issues[0]!.line).toBe(3);
  });
});

describe('effects and chances that cannot mean what they say', () => {
  it('refuses rel(a,b) and rel(b,a) in one effects block, and a literal chance outside [0, 1], each located', async () => {
    const { loadScenario, formatIssue } = await import('@wargame/engine');
    const text = fixture
      .replace('effects: { tension: -5, "rel(a,b)": [0, 10] }', 'effects: { tension: -5, "rel(a,b)": 10, "rel(b,a)": 5 }')
      .replace('chance: 0.5, effects: { tension: 10 }', 'chance: 1.5, effects: { tension: 10 }')
      .replace('chance: 0.3, repeat: true', 'chance: -0.1, repeat: true');
    const r = loadScenario([{ name: 'two-party.yaml', text }]);
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.issues.map(formatIssue);
    expect(issues.some((i) => /two-party\.yaml:\d+:\d+ ✖ "rel\(b,a\)" and "rel\(a,b\)" name the same relation/.test(i)), issues.join('\n')).toBe(true);
    expect(issues.filter((i) => i.includes('a chance is a probability between 0 and 1')).length, issues.join('\n')).toBe(2);
  });
});

describe('how many of each thing a scenario may have', () => {
  /** A scenario of n parties with m moves each (in memory; nothing is cited, as the counts are checked first). */
  function crowd(n: number, m: number): string {
    const parties = Array.from({ length: n }, (_, i) => {
      const moves = Array.from({ length: m }, (_, k) => `      - { id: m${k}, label: M${k}, cite: [{ source: a.txt, quote: "calm and quiet" }] }`).join('\n');
      return `  p${i}:\n    name: P${i}\n    seat: S${i}\n    interests: []\n    machine: { initial: a, states: { a: {} } }\n    moves:\n${moves}`;
    });
    return `id: crowd\ntitle: Crowd\ndescription: many\nsources: [{ file: a.txt }]\ncalendar: { start: 2022-01, turns: 2 }\nindicators: {}\nparties:\n${parties.join('\n')}\n`;
  }

  it(`refuses more than ${SCENARIO_LIMITS.parties} parties at the parties key, before validating them`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-crowd-'));
    writeFileSync(join(dir, 'crowd.yaml'), crowd(SCENARIO_LIMITS.parties + 1, 1));
    const r = runCli(['validate', join(dir, 'crowd.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`crowd\\.yaml:7:1 ✖ ${SCENARIO_LIMITS.parties + 1} parties; a scenario has at most ${SCENARIO_LIMITS.parties}`));
  });

  it(`refuses more than ${SCENARIO_LIMITS.movesPerParty} moves for one party, naming the party`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'wargame-crowd-'));
    writeFileSync(join(dir, 'crowd.yaml'), crowd(2, SCENARIO_LIMITS.movesPerParty + 1));
    const r = runCli(['validate', join(dir, 'crowd.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`${SCENARIO_LIMITS.movesPerParty + 1} moves for one party; a scenario has at most ${SCENARIO_LIMITS.movesPerParty} \\(docs/limits\\.md\\) → at parties\\.p0\\.moves`));
  });
});
