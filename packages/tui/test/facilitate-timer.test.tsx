/**
 * Timers (issue 14): the facilitator sets a countdown for a phase (`t 5`), and
 * the console, the teams' screens and the projector (`v`, `wargame watch`)
 * show the time left. The clock is the screens' only: the save carries the
 * countdown for the projector and a resume, never in a state hash.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadSession, saveSession, Session } from '@wargame/engine';
import { initialConsole, reduceConsole, splitKeys, type ConsoleContext, type ConsoleResult, type ConsoleState, type FacKey } from '../src/app/facilitate/console-state.js';
import { effectTargets } from '../src/app/facilitate/effects-draft.js';
import { FacilitateScreen } from '../src/app/facilitate/FacilitateScreen.js';
import { WatchScreen } from '../src/app/watch/WatchScreen.js';
import { parseTimer, timeLeft, timerFromSave, timerText, timerToSave } from '../src/app/timer.js';
import { writeFileAtomic } from '../src/io.js';
import { KEY, press, shipped, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-timer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => cleanup());

const NOW = Date.UTC(2025, 0, 1, 9, 0, 0);

describe('a phase countdown', () => {
  it('reads minutes and what for, refuses anything else, and empty clears it', () => {
    expect(parseTimer('5', NOW)).toEqual({ ok: true, timer: { ends: NOW + 300_000, minutes: 5 } });
    expect(parseTimer(' 10 negotiations ', NOW)).toEqual({ ok: true, timer: { ends: NOW + 600_000, minutes: 10, label: 'negotiations' } });
    expect(parseTimer('1.5', NOW)).toEqual({ ok: true, timer: { ends: NOW + 90_000, minutes: 1.5 } });
    expect(parseTimer('', NOW)).toEqual({ ok: true, timer: null });
    for (const bad of ['soon', '0', '-3', '2000'])
      expect(parseTimer(bad, NOW)).toEqual({ ok: false, message: 'Type the minutes first (1 to 1440), then what for if you like: "5" or "10 negotiations".' });
  });

  it('tells the time left as a clock, then that the time is up', () => {
    const t = { ends: NOW + 3_725_000, minutes: 62, label: 'plenary' };
    expect(timeLeft(t, NOW)).toBe('1:02:05');
    expect(timeLeft(t, NOW + 3_725_000 - 61_500)).toBe('1:02');
    expect(timerText(t, NOW + 3_725_000 - 61_500)).toBe('⏱ plenary 1:02');
    expect(timerText(t, t.ends)).toBe('⏱ plenary: time is up');
    expect(timerText({ ends: NOW, minutes: 1 }, NOW + 1)).toBe('⏱ time is up');
    expect(timerFromSave(timerToSave(t))).toEqual(t);
  });
});

describe('the console sets a countdown', () => {
  function setup() {
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '3' });
    if (!created.ok) throw new Error(created.error.message);
    const ctx: ConsoleContext = { scenario, teams: [0], targets: effectTargets(scenario), savePath: 'w.save.json', session: created.session, page: 5, now: NOW };
    return { ctx, state: initialConsole({ ok: true }, undefined, 'w.save.json') };
  }
  function keys(state: ConsoleState, ctx: ConsoleContext, ...ks: (string | FacKey)[]): ConsoleResult {
    let r: ConsoleResult = { state };
    for (const k of ks) for (const e of typeof k === 'string' ? splitKeys(k, {}) : [{ input: '', key: k }]) r = reduceConsole(r.state, { type: 'key', ...e }, ctx);
    return r;
  }

  it('t then minutes (and what for) starts it from the time of the key; t again shows it to edit; empty clears it', () => {
    const { ctx, state } = setup();
    let r = keys(state, ctx, 't', '10 negotiations', { return: true });
    expect(r.state.timer).toEqual({ ends: NOW + 600_000, minutes: 10, label: 'negotiations' });
    expect(r.state.status).toBe('Timer: 10 minutes for negotiations, on every screen and the projector.');
    expect(r.effect).toBeUndefined();
    r = keys(r.state, ctx, 't');
    expect(r.state.mode).toEqual({ kind: 'timer', text: '10 negotiations' });
    r = keys(r.state, { ...ctx, now: NOW + 60_000 }, ...Array.from({ length: 15 }, (): FacKey => ({ backspace: true })), '3', { return: true });
    expect(r.state.timer).toEqual({ ends: NOW + 60_000 + 180_000, minutes: 3 });
    r = keys(r.state, ctx, 't', { backspace: true }, { return: true });
    expect(r.state.timer).toBeNull();
    expect(r.state.status).toBe('Timer cleared.');
  });

  it('refuses what is not minutes and stays on the prompt', () => {
    const { ctx, state } = setup();
    const r = keys(state, ctx, 't', 'later', { return: true });
    expect(r.state.mode).toEqual({ kind: 'timer', text: 'later' });
    expect(r.state.timer).toBeNull();
    expect(r.state.status).toContain('Type the minutes first');
  });
});

describe('the countdown on screens and in the save', () => {
  it('shows on the console and a team’s screen, is saved for the projector, and leaves the state hash alone', async () => {
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '3' });
    if (!created.ok) throw new Error(created.error.message);
    const savePath = join(dir, 'timed.save.json');
    const f = render(<FacilitateScreen scenario={scenario} session={created.session} teams={[0]} savePath={savePath} writeFile={writeFileAtomic} size={{ columns: 80, rows: 24 }} />);
    const frame = () => f.lastFrame() ?? '';
    const hashBefore = created.session.head.hash;
    await press(f.stdin, 't');
    expect(frame()).toContain('Timer for this phase');
    await press(f.stdin, '5 talks', KEY.enter);
    await waitFor(frame, (x) => /⏱ talks [45]:\d\d/.test(x));
    const saved = JSON.parse(readFileSync(savePath, 'utf8')) as { timer?: { ends: string; minutes: number; label?: string } };
    expect(saved.timer).toMatchObject({ minutes: 5, label: 'talks' });
    expect(Date.parse(saved.timer!.ends)).toBeGreaterThan(Date.now());
    // The team at the keyboard sees it too.
    await press(f.stdin, KEY.enter, KEY.enter);
    await waitFor(frame, (x) => x.includes('Your move, Armenia') && /⏱ talks [45]:\d\d/.test(x));
    // The save with its countdown loads, and the turns' hashes are the same as without it.
    const loaded = loadSession(scenario, readFileSync(savePath, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.timer).toEqual(saved.timer);
    expect(loaded.session.head.hash).toBe(hashBefore);
  });

  it('the projector following the save shows the time left beside the date', async () => {
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '2' });
    if (!created.ok) throw new Error(created.error.message);
    const timer = { ends: Date.now() + 120_000, minutes: 2, label: 'negotiations' };
    const read = () => ({ ok: true as const, scenario, session: created.session, timer });
    const { lastFrame } = render(<WatchScreen file={join(dir, 'none.json')} read={read} size={{ columns: 100, rows: 40 }} />);
    expect(lastFrame()).toMatch(/⏱ negotiations [12]:\d\d/);
  });

  it('a save with a damaged countdown is refused, saying where', () => {
    const scenario = shipped('peace-tracks');
    const created = Session.create(scenario, { seed: '2' });
    if (!created.ok) throw new Error(created.error.message);
    const file = join(dir, 'bad-timer.save.json');
    writeFileSync(file, JSON.stringify({ ...saveSession(created.session), timer: { ends: 'tomorrow', minutes: 5 } }));
    const r = loadSession(scenario, readFileSync(file, 'utf8'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^the save is damaged: .* at timer\.ends$/);
  });
});
