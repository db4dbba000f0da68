import { describe, expect, it } from 'vitest';
import { beginTurn, monthText, monthIndex } from '@wargame/engine';
import { buildBriefing, goalsOf } from '../src/app/briefing-model.js';
import { buildDebrief, frequencySentence, tallyOutcomes } from '../src/app/debrief-model.js';
import { explainMove } from '../src/app/explain-model.js';
import { causeText, explainLines } from '../src/app/lines.js';
import { cells, fit, formatChange, meterBar, resample, sparkline, truncate, wrapText } from '../src/app/format.js';
import { playLayout } from '../src/app/layout.js';
import { createPlaySession, parseStartMonth, resolveParty, startDates } from '../src/app/play-setup.js';
import { initialUi, reduceKey, type KeyContext } from '../src/app/ui-state.js';
import { shipped } from './helpers.js';

describe('play: text helpers', () => {
  it('draws bars in eighths with the empty part visible, and changes with their direction in the glyph', () => {
    expect(meterBar(25, 0, 100, 10)).toBe('██▌░░░░░░░');
    expect(meterBar(0, 0, 100, 4)).toBe('░░░░');
    expect(meterBar(150, 0, 100, 4)).toBe('████');
    expect([formatChange(2.04), formatChange(-3.5), formatChange(0.01)]).toEqual(['▲+2', '▼−3.5', '·']);
  });

  it('draws sparklines on the series range, flat series at their place in the declared range', () => {
    expect(sparkline([0, 50, 100], 3)).toBe('▁▅█');
    expect(sparkline([1, 2, 3, 4, 5], 3)).toBe('▁▅█');
    expect(sparkline([0, 0, 0], 3, 5, { min: 0, max: 100 })).toBe('▁▁▁');
    expect(sparkline([100, 100], 2, 5, { min: 0, max: 100 })).toBe('██');
  });

  it('squeezes a long series to the width from its start to its end (the debrief spans the whole game)', () => {
    const series = [...Array.from({ length: 10 }, () => 100), ...Array.from({ length: 40 }, () => 0)];
    const squeezed = resample(series, 24);
    expect(squeezed).toHaveLength(24);
    expect(squeezed[0]).toBe(100);
    expect(squeezed.at(-1)).toBe(0);
    expect(squeezed.slice(0, 4).every((v) => v > 50)).toBe(true);
    expect(sparkline(squeezed, 24, 5, { min: 0, max: 100 }).startsWith('████')).toBe(true);
    expect(resample([1, 2, 3], 24)).toEqual([1, 2, 3]);
  });

  it('cuts and pads by terminal cells, so a wide character never makes a line too long (issue 14, bug 4)', () => {
    expect(cells('⚡ a')).toBe(4);
    expect(truncate('⚡⚡⚡⚡', 5)).toBe('⚡⚡…');
    expect(cells(truncate('Staged: ⚡ Shooting on the border', 12))).toBeLessThanOrEqual(12);
    expect(cells(fit('⚡ x', 6))).toBe(6);
    expect(wrapText('⚡⚡ ⚡⚡ ⚡⚡', 9)).toEqual(['⚡⚡ ⚡⚡', '⚡⚡']);
  });

  it('wraps at word boundaries', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });
});

describe('play: setup', () => {
  const s = shipped('peace-tracks');

  it('finds parties by id or name and suggests the nearest on a typo', () => {
    expect(resolveParty(s, 'Armenia')).toEqual({ ok: true, value: 0 });
    expect(resolveParty(s, 'european union (with france)')).toEqual({ ok: true, value: 2 });
    expect(resolveParty(s, 'azerbajan')).toMatchInlineSnapshot(`
      {
        "message": "no party "azerbajan" in scenario peace-tracks (did you mean "azerbaijan"?); its parties are armenia, azerbaijan, eu, russia, us",
        "ok": false,
      }
    `);
  });

  it('offers the start and every later date on the history track', () => {
    // The start, then every later month the record gives a move, once each, in order.
    const recorded = [...new Set(s.history.map((h) => h.date))].filter((d) => d > monthText(s.calendar.start)).sort();
    expect(startDates(s).map((d) => d.date)).toEqual([monthText(s.calendar.start), ...recorded]);
    const second = s.history.filter((h) => h.date === recorded[0]);
    expect(startDates(s)[1]!.label).toContain('history followed until then · on the record:');
    for (const step of second) expect(startDates(s)[1]!.label).toContain(s.parties[step.party]!.moves[step.move]!.label.slice(0, 20));
  });

  it('checks --from precisely', () => {
    expect(parseStartMonth(s, '2024-02')).toEqual({ ok: true, value: monthIndex('2024-02') });
    const dates = startDates(s).map((d) => d.date).join(', ');
    expect(parseStartMonth(s, '2025-01')).toEqual({
      ok: false,
      message: `--from 2025-01 is outside scenario peace-tracks's calendar (2023-10 to 2024-09); dates on its history track: ${dates}`,
    });
    expect(parseStartMonth(s, '24-02')).toMatchInlineSnapshot(`
      {
        "message": "--from 24-02: expected a month as YYYY-MM, e.g. 2023-10",
        "ok": false,
      }
    `);
  });

  it('follows history to the start date, so the player takes over there', () => {
    const r = createPlaySession(s, { seed: '1', from: monthIndex('2024-02') });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.startTurn).toBe(4);
    expect(r.value.session.history().every((t) => t.parties.every((p) => p.controller === 'history'))).toBe(true);
    expect(buildBriefing(s, r.value.session, 0).date).toBe('2024-02');
  });
});

describe('play: keys', () => {
  const ctx: KeyContext = { ended: false, moves: 3, parties: 4, options: 5, dirty: true, page: 5 };

  it('a digit picks the move of that number, not a view (issue 14, bug 7): 2 then Enter plays move 2', () => {
    const two = reduceKey(initialUi(), '2', {}, ctx).ui;
    expect(two).toMatchObject({ moveCursor: 1, tab: 'world' });
    expect(reduceKey(two, '', { return: true }, ctx).command).toEqual({ type: 'play', move: 1 });
    // A number beyond the moves on offer does nothing; Tab changes the view.
    expect(reduceKey(initialUi(), '9', {}, ctx).ui.moveCursor).toBe(0);
    expect(reduceKey(initialUi(), '', { tab: true }, ctx).ui.tab).toBe('news');
  });

  it('moves the cursor within the list and plays the highlighted move', () => {
    let ui = initialUi();
    for (let i = 0; i < 5; i++) ui = reduceKey(ui, '', { downArrow: true }, ctx).ui;
    expect(ui.moveCursor).toBe(2);
    expect(reduceKey(ui, '', { return: true }, ctx).command).toEqual({ type: 'play', move: 2 });
  });

  it('asks before quitting with unsaved turns, and not otherwise', () => {
    expect(reduceKey(initialUi(), 'q', {}, ctx)).toMatchObject({ ui: { overlay: 'quit' } });
    expect(reduceKey(initialUi(), 'q', {}, { ...ctx, dirty: false }).command).toEqual({ type: 'quit' });
  });

  it('keeps help one key away from every screen', () => {
    for (const overlay of ['none', 'explain'] as const) expect(reduceKey({ ...initialUi(), overlay }, '?', {}, ctx).ui.overlay).toBe('help');
    expect(reduceKey(initialUi(), '?', {}, { ...ctx, ended: true }).ui.overlay).toBe('help');
  });
});

describe('play: layout', () => {
  it('fits 80×24 with tabs and uses side-by-side panes on a large terminal', () => {
    expect(playLayout(80, 24, 8)).toMatchObject({ height: 23, split: false, moveRows: 7, paneRows: 9 });
    expect(playLayout(160, 48, 8)).toMatchObject({ height: 47, split: true });
  });
});

describe('play: what moved, and why', () => {
  it("breaks each change of the player's indicators down by the moves and events that wrote it, the player's own move first", () => {
    const s = shipped('peace-tracks');
    const r = createPlaySession(s, { seed: '3' });
    if (!r.ok) throw new Error(r.message);
    const session = r.value.session;
    const p = s.parties.findIndex((x) => x.id === 'armenia');
    const begun = beginTurn(s, session.state);
    if (!begun.ok) throw new Error(begun.error.message);
    const move = begun.context.parties[p]!.offers.find((o) => s.parties[p]!.moves[o.index]!.effects.length > 0)!.move;
    let played = session.advance({ choices: { armenia: move } });
    if (!played.ok && played.error.code === 'reply/needed')
      played = session.advance({ choices: { armenia: move }, replies: Object.fromEntries(played.error.pending!.map((q) => [q.party, { [q.message]: q.options[0]!.reply }])) });
    if (!played.ok) throw new Error(`${played.error.message} (replay: wargame play peace-tracks --as armenia --seed 3)`);
    const b = buildBriefing(s, session, p);
    expect(b.causes.length).toBeGreaterThan(0);
    const mine = played.log.parties.find((x) => x.party === 'armenia')!;
    const first = b.causes[0]!;
    expect(first.parts.some((x) => x.mine)).toBe(mine.effects.some((e) => s.indicators.some((i) => i.id === e.key && Math.abs(played.log.changes[e.key] ?? 0) >= 0.05)));
    for (const c of b.causes) {
      const id = s.indicators.find((i) => i.label === c.label)!.id;
      // The row's change is the turn's change, and its parts are every effect the log records on it.
      expect(c.change).toBeCloseTo(played.log.changes[id] ?? 0, 5);
      const logged = [...played.log.events.flatMap((e) => e.effects), ...played.log.parties.flatMap((x) => x.effects)].filter((e) => e.key === id);
      expect(c.parts.map((x) => x.amount)).toEqual(logged.map((e) => e.amount));
    }
    expect(causeText(first)).toMatch(/^.+ [+−±][\d.]+: .+/);
  });
});

describe('play: goals (g)', () => {
  it("are the party's interests weighed in its posture now, heaviest first, each with what it asks for", () => {
    const s = shipped('south-caucasus');
    const r = createPlaySession(s, { seed: '1' });
    if (!r.ok) throw new Error(r.message);
    const p = s.parties.findIndex((x) => x.id === 'armenia');
    const g = goalsOf(s, r.value.session.state, p);
    const posture = r.value.session.state.posture[p]!;
    expect(g.posture).toBe(s.parties[p]!.postureLabels[posture]);
    const weighed = s.parties[p]!.interests.filter((it) => (it.weights[posture] ?? 0) > 0);
    expect(g.goals.map((x) => x.text).sort()).toEqual(weighed.map((it) => it.text).sort());
    expect(g.goals.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 9);
    for (let i = 1; i < g.goals.length; i++) expect(g.goals[i]!.share).toBeLessThanOrEqual(g.goals[i - 1]!.share);
    // An indicator a goal raises or lowers is named by its label, with its value now.
    expect(g.goals.some((x) => /^(raise|lower): .+ \(now -?[\d.]+\)$/.test(x.want))).toBe(true);
    // In plain words: never an expression (the party's wants that combine several things name them instead).
    expect(g.goals.filter((x) => /rel\(|!=|==|[a-z]+_[a-z_]+/.test(x.want)).map((x) => x.want)).toEqual([]);
  });
});

describe('play: explanation model (w)', () => {
  it("values each option as the engine did when the party chose: its utility, noise and probability, and every interest's contribution", () => {
    const s = shipped('peace-tracks');
    const r = createPlaySession(s, { seed: '2' });
    if (!r.ok) throw new Error(r.message);
    const session = r.value.session;
    for (let turn = 0; turn < 3; turn++) {
      const begun = beginTurn(s, session.state);
      if (!begun.ok) throw new Error(begun.error.message);
      const choices = { armenia: begun.context.parties[0]!.offers[0]!.move };
      let played = session.advance({ choices });
      // Armenia is played by a person here: a message to it is answered with its first option.
      if (!played.ok && played.error.code === 'reply/needed') {
        const replies = Object.fromEntries(played.error.pending!.map((p) => [p.party, { [p.message]: p.options[0]!.reply }]));
        played = session.advance({ choices, replies });
      }
      if (!played.ok) throw new Error(played.error.message);
      for (const party of s.parties.slice(1)) {
        const e = explainMove(s, session, party.id)!;
        const offers = begun.context.parties[party.index]!.offers;
        expect(e.options.map((o) => o.move)).toEqual(offers.map((o) => o.move));
        e.options.forEach((o, i) => {
          const value = offers[i]!.value;
          expect({ utility: o.utility, noise: o.noise, probability: o.probability }).toEqual({ utility: value.utility, noise: value.noise, probability: value.probability });
          // Every interest of the party, in its order, as the engine split the utility.
          expect(o.byInterest.map((b) => b.id)).toEqual(party.interests.map((it) => it.id));
          expect(o.byInterest.map((b) => b.contribution)).toEqual(party.interests.map((it) => value.byInterest[it.id]));
          expect(o.byInterest.reduce((a, b) => a + b.contribution, 0)).toBeCloseTo(o.utility, 6);
        });
      }
    }
  });
});

describe('play: debrief model', () => {
  it('compares the path with the record and phrases frequencies', () => {
    const s = shipped('sochi-2021');
    const r = createPlaySession(s, { seed: '1' });
    if (!r.ok) throw new Error(r.message);
    while (!r.value.session.state.ended) r.value.session.advance({ choices: { armenia: 'stay_the_course' } });
    const d = buildDebrief(s, r.value.session, 0, 0);
    expect(d.turnsPlayed).toBe(12);
    expect(d.recorded).toBeGreaterThan(0);
    expect(d.path[0]).toMatchObject({ date: '2021-11', yours: 'Keep talking, concede nothing new' });
    const line = d.outcomes.find((o) => o.type === 'boolean')!;
    const columns = { [line.id]: [true, false, false, true] };
    const f = tallyOutcomes(s, columns, { [line.id]: line.result });
    expect(frequencySentence(line, f[line.id])).toMatch(new RegExp(`^${line.label.replace(/[()]/g, '.')}: in 50% of 4 runs; you (got it|did not)`));
  });

  it('shows what kind of evidence each quote is: the record step of the flagship, as fact, analysis, recommendation or allegation', () => {
    const s = shipped('south-caucasus');
    // Following the record to 2022-10: the month after the September 2022 attack's turn.
    const r = createPlaySession(s, { seed: '1', from: monthIndex('2022-10') });
    if (!r.ok) throw new Error(r.message);
    const e = explainMove(s, r.value.session, 'azerbaijan')!;
    expect(e.record, 'the attack of 2022-09 is a recorded step').toBeDefined();
    const step = s.history.find((h) => h.date === '2022-09' && s.parties[h.party]!.id === 'azerbaijan')!;
    expect(e.record!.quotes.map((q) => q.kind)).toEqual(step.cite.slice(0, 2).map((c) => c.kind));
    expect(e.record!.quotes.some((q) => q.kind)).toBe(true);
    const text = explainLines(e, 200, 0, 'Azerbaijan').map((l) => l.map((x) => x.text).join('')).join('\n');
    for (const q of e.record!.quotes) expect(text).toContain(`${q.text}” — ${q.source}${q.kind ? ` (${q.kind})` : ''}`);
  });
});
