/** Limits on what a scenario folder may make the program read (docs/limits.md). */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
