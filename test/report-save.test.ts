/** `wargame report <save>`: the debrief of a saved game as a self-contained file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableMoves, evaluateOutcomes, fastRun, prepareFastRun, saveSession, Session } from '@wargame/engine';
import { formatPercent } from '../packages/tui/src/app/format.js';
import { runCli } from './helpers/cli.js';
import { load } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-report-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A game of peace-tracks: history for 3 turns, then a player as Armenia taking the first move (and answer) on offer, with a note. */
function playedSave(): string {
  const s = load('scenarios/peace-tracks');
  const created = Session.create(s, { seed: '5' });
  if (!created.ok) throw new Error(created.error.message);
  const session = created.session;
  const armenia = s.parties.findIndex((p) => p.id === 'armenia');
  for (let t = 0; !session.state.ended; t++) {
    const inputs = t < 3 ? { history: true } : { choices: { armenia: availableMoves(s, armenia, session.state)[0]!.id }, ...(t === 5 ? { note: 'the class argues about Brussels' } : {}) };
    let r = session.advance(inputs);
    if (!r.ok && r.error.code === 'reply/needed' && 'pending' in r.error) {
      // Armenia answers what it is sent this turn with the first answer on offer.
      const replies: Record<string, Record<string, string>> = {};
      for (const p of r.error.pending) replies[p.party] = { ...replies[p.party], [p.message]: p.options[0]!.reply };
      r = session.advance({ ...inputs, replies });
    }
    if (!r.ok) throw new Error(r.error.message);
  }
  const path = join(dir, 'game.save.json');
  writeFileSync(path, JSON.stringify(saveSession(session)));
  return path;
}

describe('wargame report <save>', () => {
  const save = playedSave();

  it('writes HTML with the outcomes against computer-played runs, the path against the record, charts and the turn record', () => {
    const r = runCli(['report', save, '--format', 'html', '--runs', '300']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'game.report.html'), 'utf8');
    expect(html).toMatch(/<h1>Game report: /);
    expect(html).toMatch(/in \d+% of 300 runs/);
    // The game followed the record for three turns: so do the runs it is compared with.
    expect(html).toContain('the record followed until 2024-01, then the computer from 2024-01 to');
    expect(html).toMatch(/Armenia against the record/);
    // Graded against the computer playing Armenia over the same 300 runs, and the story told.
    expect(html).toMatch(/<h2>Armenia against the computer<\/h2>\s*<p><strong>Your Armenia did (better|worse) than \d+% of the computer&#39;s Armenia on/);
    expect(html).toContain('<h2>The story</h2>');
    expect(html).toMatch(/the class argues about Brussels/);
    // The key indicators, one chart per scale (peace-tracks: 0–100 in two charts of at most six, and the 0–1 peace text), and Armenia's relations.
    expect((html.match(/<svg/g) ?? []).length).toBe(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('writes Markdown with the charts as data-URI images', () => {
    const r = runCli(['report', save, '--format', 'md', '--runs', '0', '--out', join(dir, 'g.md')]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'g.md'), 'utf8');
    expect(md).toMatch(/^# Game report: /);
    expect(md).toMatch(/data:image\/svg\+xml;base64,/);
    expect(md).not.toMatch(/of 0 runs/);
  });

  it('compares a short session with runs over the same months, not with runs to the end (issue 14, bug 6)', () => {
    // Nine turns of the flagship, 2021-11 to 2022-07, the computer playing everyone; the attack on Armenia mostly comes later.
    const s = load('scenarios/south-caucasus');
    const created = Session.create(s, { seed: '9' });
    if (!created.ok) throw new Error(created.error.message);
    for (let t = 0; t < 9; t++) {
      const r = created.session.advance({});
      if (!r.ok) throw new Error(`${r.error.message} (replay: wargame run south-caucasus --seed 9 --turns 9)`);
    }
    const path = join(dir, 'short.save.json');
    writeFileSync(path, JSON.stringify(saveSession(created.session)));
    const r = runCli(['report', path, '--format', 'md', '--runs', '200', '--out', join(dir, 'short.md')]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'short.md'), 'utf8');
    expect(md).toContain('the computer from 2021-11 to 2022-07');
    // The share the report gives is that of 200 runs stopped after nine turns.
    const plan = prepareFastRun(s);
    const share = (turns?: number) => {
      let n = 0;
      for (let i = 0; i < 200; i++) {
        const run = fastRun(plan, { seed: `9.${i}`, ...(turns === undefined ? {} : { turns }) });
        if (!run.ok) throw new Error(run.error.message);
        if (evaluateOutcomes(s, run.state)['attack_on_armenia']!.value === true) n++;
      }
      return n / 200;
    };
    const short = share(9);
    expect(short).toBeLessThan(share());
    const row = md.split('\n').find((l) => l.includes('Azerbaijan attacked Armenia proper'))!;
    expect(row).toContain(`in ${formatPercent(short)} of 200 runs`);
  });

  it('refuses a damaged save and an unknown party clearly', () => {
    writeFileSync(join(dir, 'broken.json'), '{"format":"wargame-session"');
    const broken = runCli(['report', join(dir, 'broken.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    const party = runCli(['report', save, '--as', 'armnia', '--runs', '0']);
    expect(party.code).toBe(1);
    expect(party.stderr).toMatch(/--as: no party "armnia"/);
  });
});
