/**
 * The debrief grades the player against the computer playing the same party
 * over the same runs, and tells the story (issue 14). On fixed seeds: the
 * runs graded are the comparison's own (each the full engine's run of its
 * seed), a game the computer played itself ties with its own run, and the
 * shares are counts over those runs.
 */
import { describe, expect, it } from 'vitest';
import { availableMoves, runGame, Session } from '@wargame/engine';
import { comparisonOf } from '../packages/tui/src/app/comparison.js';
import { computerRunUtilities, gradeHeadline, gradeParty, gradeSentences, interestUtilities, storyOf } from '../packages/tui/src/app/grade.js';
import { formatPercent } from '../packages/tui/src/app/format.js';
import { load } from './helpers/scenarios.js';

const RUNS = 60;

/** peace-tracks on seed 5: Armenia (the player) takes the last move on offer every turn for six turns; the others are the computer's. */
function playerGame() {
  const s = load('scenarios/peace-tracks');
  const created = Session.create(s, { seed: '5' });
  if (!created.ok) throw new Error(created.error.message);
  const session = created.session;
  const armenia = s.parties.findIndex((p) => p.id === 'armenia');
  for (let t = 0; t < 6; t++) {
    const moves = availableMoves(s, armenia, session.state);
    let r = session.advance({ choices: { armenia: moves.at(-1)!.id } });
    if (!r.ok && r.error.code === 'reply/needed' && 'pending' in r.error) {
      const replies: Record<string, Record<string, string>> = {};
      for (const p of r.error.pending) replies[p.party] = { ...replies[p.party], [p.message]: p.options[0]!.reply };
      r = session.advance({ choices: { armenia: moves.at(-1)!.id }, replies });
    }
    if (!r.ok) throw new Error(`${r.error.message} (replay: seed 5, turn ${t + 1})`);
  }
  return { s, session, armenia };
}

describe('the grade against the computer', () => {
  it('grades over the comparison’s runs: each is the full engine’s run of seed <seed>.i over the same months', () => {
    const { s, session, armenia } = playerGame();
    const { play } = comparisonOf(session);
    expect(play).toEqual({ turns: 6 });
    const run = computerRunUtilities(s, { seed: session.seed, params: session.params, play, party: armenia });
    for (const i of [0, 7, 31]) {
      const full = runGame(s, { seed: `${session.seed}.${i}`, params: session.params, turns: 6 });
      if (!full.ok) throw new Error(full.error.message);
      expect(run(i)).toEqual(interestUtilities(s, armenia, full.run.final));
    }
  });

  it('counts, interest by interest, the runs in which the computer’s Armenia ended worse off and better off than the player’s', () => {
    const { s, session, armenia } = playerGame();
    const { play } = comparisonOf(session);
    const run = computerRunUtilities(s, { seed: session.seed, params: session.params, play, party: armenia });
    const theirs = Array.from({ length: RUNS }, (_, i) => run(i) as number[]);
    const yours = interestUtilities(s, armenia, session.state);
    const posture = session.stateOf(session.path()[0]!.id).posture[armenia]!;
    const grade = gradeParty(s, armenia, posture, yours, theirs);
    expect(grade.runs).toBe(RUNS);
    const party = s.parties[armenia]!;
    for (const g of grade.interests) {
      const k = party.interests.findIndex((i) => i.id === g.id);
      expect(g.better).toBe(theirs.filter((t) => t[k]! < yours[k]! - 1e-9).length / RUNS);
      expect(g.worse).toBe(theirs.filter((t) => t[k]! > yours[k]! + 1e-9).length / RUNS);
      expect(g.share).toBeCloseTo(Math.abs(party.interests[k]!.weights[posture]!) / party.interests.reduce((sum, i) => sum + Math.abs(i.weights[posture]!), 0), 12);
    }
    // Heaviest first, and every weighed interest is there.
    expect(grade.interests.map((g) => g.share)).toEqual([...grade.interests.map((g) => g.share)].sort((a, b) => b - a));
    expect(grade.interests.length).toBe(party.interests.filter((i) => i.weights[posture] !== 0).length);
    // The sentences say it in the words.
    const [overall, first] = gradeSentences(grade, 'Armenia');
    expect(overall).toMatch(new RegExp(`^Weighing its goals as when you took over, your Armenia did ((better|worse) than \\d+%|the same as all) of the computer's Armenia over the same ${RUNS} runs\\.$`));
    const top = grade.interests[0]!;
    const said = top.better === 0 && top.worse === 0 ? 'the same as all' : top.better >= top.worse ? `better than ${formatPercent(top.better)}` : `worse than ${formatPercent(top.worse)}`;
    expect(first).toBe(`${said} on “${top.text}” (${formatPercent(top.share)} of its weight)`);
    expect(gradeHeadline(grade, 'Armenia')).toMatch(/^Your Armenia did (better|worse) than \d+% of the computer's Armenia on “.+”/);
  });

  it('a game the computer played itself on seed <seed>.i ties with run i', () => {
    const s = load('scenarios/peace-tracks');
    const created = Session.create(s, { seed: '8.3' });
    if (!created.ok) throw new Error(created.error.message);
    for (let t = 0; t < 5; t++) created.session.advance({});
    const armenia = s.parties.findIndex((p) => p.id === 'armenia');
    const run = computerRunUtilities(s, { seed: '8', params: created.session.params, play: { turns: 5 }, party: armenia });
    const theirs = Array.from({ length: 10 }, (_, i) => run(i) as number[]);
    const yours = interestUtilities(s, armenia, created.session.state);
    expect(theirs[3]).toEqual(yours);
    const grade = gradeParty(s, armenia, created.session.stateOf(0).posture[armenia]!, yours, theirs);
    for (const g of grade.interests) expect(g.better + g.worse).toBeLessThanOrEqual(0.9 + 1e-12);
  });
});

describe('the story of the game', () => {
  it('tells the turning points in date order and each party’s key move with the reason the computer had for it', () => {
    const { s, session, armenia } = playerGame();
    const story = storyOf(s, session, armenia, 0);
    const dates = story.turning.map((t) => t.date);
    expect(dates).toEqual([...dates].sort());
    // Every posture change of the game is a turning point (fewer than the cap here).
    const changes = session.history().flatMap((l) => l.parties.filter((p) => p.transition).map((p) => `${l.date} ${p.party}`));
    expect(story.turning.filter((t) => t.kind === 'posture')).toHaveLength(Math.min(changes.length, 14));
    expect(story.moves.length).toBeGreaterThan(0);
    for (const m of story.moves) {
      expect(m.why).toBeDefined();
      if (m.text.startsWith('You:')) expect(m.why).toBe('your move');
      else expect(m.why).toMatch(/^for “.+”$|^chosen by/);
    }
    // The player's key moves are among them: Armenia's moves are the player's.
    expect(story.moves.some((m) => m.text.startsWith('You:'))).toBe(true);
  });
});
