/**
 * Text from strangers never drives the terminal (issue 13, item 12): a scenario,
 * a save, an observed file or a flag carrying ESC sequences, carriage returns
 * or line breaks is refused where it is read, and whatever is printed shows
 * such characters as escapes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneLine, seedProblem, terminalSafe, unsafeChar } from '@wargame/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { root } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-untrusted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = readFileSync(join(root, 'test', 'fixtures', 'scenarios', 'minimal.yaml'), 'utf8');

/** Every control character except line feed and tab: none of these may reach a terminal from untrusted text. */
function controls(text: string): string[] {
  const bad = (n: number) => (n < 0x20 && n !== 0x0a && n !== 0x09) || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069);
  return [...text].filter((c) => bad(c.codePointAt(0)!)).map((c) => `U+${c.codePointAt(0)!.toString(16)}`);
}

function scenarioWith(name: string, from: string, to: string): string {
  expect(minimal).toContain(from);
  const file = join(dir, name);
  writeFileSync(file, minimal.replace(from, to));
  return file;
}

describe('the text rules', () => {
  it('escape what a terminal would obey and keep ordinary text', () => {
    expect(terminalSafe('\u001b]0;PWNED\u0007\u001b[2J title')).toBe('\\e]0;PWNED\\u{7}\\e[2J title');
    expect(terminalSafe('two\nlines\tand a tab, Ünïcode ✔')).toBe('two\nlines\tand a tab, Ünïcode ✔');
    expect(oneLine('a\nfinal state hash 0')).toBe('a\\nfinal state hash 0');
    expect(terminalSafe('\u202eevil')).toBe('\\u{202e}evil');
    expect(unsafeChar('prose\nover lines', true)).toBeNull();
    expect(unsafeChar('a label\nwith a break', false)).toEqual({ index: 7, code: 'U+000A' });
    expect(unsafeChar('\u009b2J', true)).toEqual({ index: 0, code: 'U+009B' });
  });

  it('a seed is one printable line without path separators', () => {
    expect(seedProblem('1.10')).toBeNull();
    expect(seedProblem('workshop 3')).toBeNull();
    expect(seedProblem('a\nb')).toMatch(/control/);
    expect(seedProblem('../../x')).toMatch(/\//);
    expect(seedProblem('')).toMatch(/1 to 200/);
  });
});

describe('through the real CLI', () => {
  it('validate refuses a title that retitles the window and clears the screen, and prints no control character', () => {
    const file = scenarioWith('title.yaml', 'title: Minimal', 'title: "\\e]0;PWNED\\a\\e[2J Evil"');
    const r = runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/title\.yaml:\d+:\d+ ✖ this text holds the control character U\+001B/);
    expect(controls(r.stdout + r.stderr)).toEqual([]);
  });

  it('validate refuses a label with a line break (it would forge a line of output)', () => {
    const file = scenarioWith('label.yaml', 'title: Minimal', 'title: "Minimal\\nfinal state hash 000"');
    const r = runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/U\+000A .*stays on one line/);
    expect(r.stdout + r.stderr).not.toMatch(/^final state hash/m);
  });

  it('validate shows no green tick drawn over a failing file by an effect key', () => {
    const file = scenarioWith('key.yaml', 'description: Two parties', 'description: Two parties');
    const text = readFileSync(file, 'utf8').replace(/effects: \{ ?(\w+):/, 'effects: { "\\e[2K\\r\\e[32m✔ key.yaml is valid\\e[0m": 1, $1:');
    expect(text).not.toBe(readFileSync(file, 'utf8'));
    writeFileSync(file, text);
    const r = runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(controls(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout + r.stderr).toMatch(/control character U\+001B/);
  });

  it('a seed flag with a line break or a path is refused before anything runs', () => {
    const r = runCli(['run', 'peace-tracks', '--seed', 'x\nfinal state hash 0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no control characters/);
    expect(r.stdout).toBe('');
    expect(runCli(['run', 'peace-tracks', '--seed', '../../etc/x']).stderr).toMatch(/no \/ or \\/);
  });

  it('a scenario name full of escapes is echoed as escapes', () => {
    const r = runCli(['validate', '\u001b]0;PWNED\u0007\u001b[2J']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('\\e]0;PWNED\\u{7}\\e[2J');
    expect(controls(r.stdout + r.stderr)).toEqual([]);
  });

  it('a save whose note or seed carries control characters is refused as damaged', () => {
    const save = join(dir, 'game.save.json');
    const made = runCli(['run', 'peace-tracks', '--seed', '5', '--turns', '2', '--save', save]);
    expect(made.code, made.stderr).toBe(0);
    const good = JSON.parse(readFileSync(save, 'utf8')) as { seed: string; nodes: { note?: string }[] };
    expect(runCli(['replay', save]).code).toBe(0);

    const noted = structuredClone(good);
    noted.nodes[0]!.note = 'fine\u001b]0;PWNED\u0007';
    writeFileSync(save, JSON.stringify(noted));
    const r = runCli(['replay', save]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/damaged: a text holds the control character U\+001B at nodes\.0\.note/);
    expect(controls(r.stdout + r.stderr)).toEqual([]);

    const seeded = structuredClone(good);
    seeded.seed = '5\nfinal state hash 0';
    writeFileSync(save, JSON.stringify(seeded));
    const s = runCli(['replay', save]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/damaged/);
    expect(s.stdout + s.stderr).not.toMatch(/^final state hash/m);
  });
});
