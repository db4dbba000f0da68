/** Team briefs: a party's interests, moves and own view, and nothing it cannot see. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-brief-'));

describe('wargame brief', () => {
  it("writes one brief per team with its interests, its moves now and its beliefs — not the truth it cannot see", () => {
    const r = runCli(['brief', join(import.meta.dirname, 'fixtures', 'scenarios', 'actors.yaml'), '--teams', 'a,b', '--format', 'md'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const a = readFileSync(join(dir, 'actors-brief-a.md'), 'utf8');
    const b = readFileSync(join(dir, 'actors-brief-b.md'), 'utf8');
    expect(a).toContain('## What you want');
    expect(a).toContain('| Signal |');
    // A believes 40; the truth (70) is B's alone.
    expect(a).toMatch(/\| Secret \| 40 \| your belief \|/);
    expect(a).not.toMatch(/\| Secret \| 70/);
    expect(b).toMatch(/\| Secret \| 70 \| private/);
  });

  it('briefs at a date on the history track, as HTML', () => {
    const out = join(dir, 'ru.html');
    const r = runCli(['brief', 'sochi-2021', '--teams', 'russia', '--from', '2022-03', '--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toContain('2022-03');
    expect(html).toContain('Courting Baku');
  });

  it('refuses an unknown team and a date outside the calendar', () => {
    const r = runCli(['brief', 'sochi-2021', '--teams', 'armenai']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown party "armenai"');
    const d = runCli(['brief', 'sochi-2021', '--from', '2030-01']);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain('outside the scenario');
  });
});
