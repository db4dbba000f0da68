/**
 * A new game or merge never replaces an earlier one's file (issue 13, item 10).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstFreePath } from '../packages/tui/src/io.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-saves-kept-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saves are kept', () => {
  it('the default save name of a new game skips names already taken', () => {
    const stem = join(dir, 'peace-tracks-armenia-seed3');
    expect(firstFreePath(stem, '.save.json')).toBe(`${stem}.save.json`);
    writeFileSync(`${stem}.save.json`, 'first game');
    expect(firstFreePath(stem, '.save.json')).toBe(`${stem}-2.save.json`);
    writeFileSync(`${stem}-2.save.json`, 'second game');
    expect(firstFreePath(stem, '.save.json')).toBe(`${stem}-3.save.json`);
  });

  it('play --save naming an existing file is refused before the game starts, and the file is untouched', () => {
    const save = join(dir, 'class.save.json');
    writeFileSync(save, 'an earlier game');
    const r = runCli(['play', 'peace-tracks', '--as', 'armenia', '--seed', '3', '--save', save]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/class\.save\.json exists \(an earlier game\)/);
    expect(readFileSync(save, 'utf8')).toBe('an earlier game');
  });
});
