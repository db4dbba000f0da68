/**
 * Team entry that forgives, and rulings after the reveal (issue 14): each team
 * confirms its choice or goes back; once every team has chosen the
 * facilitator sees every party's move, may hand one team the keyboard again
 * (the others' choices kept) and rules a move a success, a failure or other
 * amounts before the turn resolves. Rulings are the turn's `adjudicate`
 * inputs, so a save replays them exactly.
 */
import { beginTurn, canonicalJson, loadSession, saveSession, Session } from '@wargame/engine';
import { describe, expect, it } from 'vitest';
import {
  reduceConsole,
  revealedMove,
  type ConsoleEvent,
  type FacKey,
} from '../src/app/facilitate/console-state.js';
import { revealLines } from '../src/app/facilitate/console-lines.js';
import { describeRuling, failureRuling, rulingKind, successRuling } from '../src/app/rulings.js';
import { consoleSetup, feedKeys as keys } from './console-helpers.js';

const ENTER: FacKey = { return: true };
const ESC: FacKey = { escape: true };
const DOWN: FacKey = { downArrow: true };

/** A console whose first turn has begun, with these parties played by teams. */
function setup(teamIds: string[], scenarioId = 'peace-tracks') {
  const { scenario, session, ctx, state } = consoleSetup(teamIds, scenarioId);
  const begun: ConsoleEvent = { type: 'begun', result: beginTurn(scenario, session.state) };
  return { scenario, session, ctx, start: reduceConsole(state, begun, ctx).state };
}


describe('team entry that forgives', () => {
  it('a team sees its choice and confirms it, or goes back to its moves with the cursor where it was', () => {
    const { ctx, start } = setup(['armenia', 'azerbaijan']);
    let r = keys(start, ctx, ENTER, DOWN, ENTER);
    expect(r.state.mode).toEqual({ kind: 'confirm', team: 0, choice: 1 });
    expect(r.state.round!.choices).toEqual({});
    r = keys(r.state, ctx, ESC);
    expect(r.state.mode).toEqual({ kind: 'team', team: 0 });
    expect(r.state.teamUi.moveCursor).toBe(1);
    r = keys(r.state, ctx, DOWN, ENTER, ENTER);
    const offers = r.state.round!.context.parties[ctx.teams[0]!]!.offers;
    expect(r.state.round!.choices).toEqual({ armenia: offers[2]!.move });
    expect(r.state.mode).toEqual({ kind: 'handoff', team: 1 });
  });

  it('from the reveal, c hands one team the keyboard again: its new choice replaces the old, the other team keeps its own', () => {
    const { ctx, start } = setup(['armenia', 'azerbaijan']);
    let r = keys(start, ctx, ENTER, ENTER, ENTER, ENTER, DOWN, ENTER, ENTER);
    const [arm, aze] = ctx.teams as [number, number];
    const offers = r.state.round!.context.parties.map((p) => p.offers.map((o) => o.move));
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: aze });
    expect(r.state.round!.choices).toEqual({ armenia: offers[arm]![0], azerbaijan: offers[aze]![1] });
    // Armenia changes its mind: c on its row, then it picks its second move.
    r = keys(r.state, ctx, { upArrow: true });
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: arm });
    r = keys(r.state, ctx, 'c');
    expect(r.state.mode).toEqual({ kind: 'handoff', team: 0 });
    r = keys(r.state, ctx, ENTER, DOWN, ENTER, ENTER);
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: arm });
    expect(r.state.round!.choices).toEqual({ armenia: offers[arm]![1], azerbaijan: offers[aze]![1] });
    // Handed the keyboard again, a team that goes back (Esc) keeps its choice: the turn is not cancelled.
    r = keys(r.state, ctx, 'c', ESC);
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: arm });
    expect(r.state.round!.choices).toEqual({ armenia: offers[arm]![1], azerbaijan: offers[aze]![1] });
    expect(keys(r.state, ctx, ENTER).effect).toEqual({ type: 'play', inputs: { choices: { armenia: offers[arm]![1], azerbaijan: offers[aze]![1] } } });
  });

  it('a computer party’s move cannot be changed from the reveal', () => {
    const { ctx, start, scenario } = setup(['armenia']);
    let r = keys(start, ctx, ENTER, ENTER, ENTER);
    const computer = scenario.parties.findIndex((p) => !ctx.teams.includes(p.index));
    while ((r.state.mode as { cursor: number }).cursor < computer) r = keys(r.state, ctx, DOWN);
    r = keys(r.state, ctx, 'c');
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: computer });
    expect(r.state.status).toBe(`${scenario.parties[computer]!.name} is played by the computer: only a team's choice can be changed.`);
  });
});

describe('rulings after the reveal', () => {
  it('shows every party’s move: the teams’ choices and the computer’s draws', () => {
    const { ctx, start, scenario, session } = setup(['armenia']);
    const r = keys(start, ctx, ENTER, ENTER, ENTER);
    const text = revealLines({ ...ctx, session, state: r.state }, 0, 200, 40)
      .map((l) => l.map((s) => s.text).join(''))
      .join('\n');
    for (const p of scenario.parties) {
      const move = revealedMove(r.state.round!, ctx, p.index);
      const label = move === null ? 'no move' : p.moves.find((m) => m.id === move)!.label;
      expect(text).toContain(`${p.name} (${ctx.teams.includes(p.index) ? 'team' : 'computer'}): ${label}`);
    }
  });

  it('s rules a success, f a failure, e other amounts (starting from the expected ones), d drops the ruling; Enter resolves with them', () => {
    const { ctx, start, scenario } = setup(['armenia', 'azerbaijan']);
    // Each team takes its second move (the first is the idle move, whose success and failure are both nothing).
    let r = keys(start, ctx, ENTER, DOWN, ENTER, ENTER, ENTER, DOWN, ENTER, ENTER);
    const [arm, aze] = ctx.teams as [number, number];
    const round = r.state.round!;
    const armMove = revealedMove(round, ctx, arm)!;
    const azeMove = revealedMove(round, ctx, aze)!;
    r = keys(r.state, ctx, 'f');
    expect(r.state.staged.adjudicate).toEqual({ azerbaijan: failureRuling(scenario, 'azerbaijan', azeMove) });
    expect(r.state.status).toBe("Ruled: Azerbaijan's move fails (and sends nothing).");
    expect(r.state.staged.failed).toEqual(['azerbaijan']);
    r = keys(r.state, ctx, { upArrow: true }, 's');
    expect(r.state.staged.adjudicate['armenia']).toEqual(successRuling(scenario, 'armenia', armMove));
    expect(rulingKind(scenario, 'armenia', armMove, r.state.staged.adjudicate['armenia']!)).toBe('success');
    // Amounts: the editor opens on the move's expected effects; a changed amount makes a ruling of its own.
    r = keys(r.state, ctx, 'e');
    expect(r.state.mode).toMatchObject({ kind: 'adjudicate-effects', party: arm, back: 'reveal' });
    const offer = round.context.parties[arm]!.offers.find((o) => o.move === armMove)!;
    const typed = (r.state.mode as { editor: { amounts: Record<string, string> } }).editor.amounts;
    expect(Object.keys(typed).length).toBe(offer.effects.filter((e) => e.op === 'set' || Math.round(e.amount * 100) !== 0).length);
    const erase = Array.from({ length: 12 }, (): FacKey => ({ backspace: true }));
    r = keys(r.state, ctx, ...erase, '=', '7', ENTER);
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: arm });
    const amounts = r.state.staged.adjudicate['armenia']!;
    expect(rulingKind(scenario, 'armenia', armMove, amounts)).toBe('amounts');
    expect(describeRuling(scenario, 'armenia', armMove, amounts)).toMatch(/^ruled: .*→ 7/);
    // d drops Azerbaijan's ruling: the dice decide again.
    r = keys(r.state, ctx, DOWN, 'd');
    expect(Object.keys(r.state.staged.adjudicate)).toEqual(['armenia']);
    const played = keys(r.state, ctx, ENTER);
    // Dropping the failure ruling drops the failure with it.
    expect(played.effect).toEqual({ type: 'play', inputs: { choices: { armenia: armMove, azerbaijan: azeMove }, adjudicate: { armenia: amounts } } });
    const failing = keys(keys(r.state, ctx, 'f').state, ctx, ENTER);
    expect(failing.effect).toMatchObject({ type: 'play', inputs: { adjudicate: { azerbaijan: failureRuling(scenario, 'azerbaijan', azeMove) }, failed: ['azerbaijan'] } });
  });

  it('a team that changes its move loses the ruling made on the old one', () => {
    const { ctx, start } = setup(['armenia', 'azerbaijan']);
    let r = keys(start, ctx, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, { upArrow: true }, 'f');
    expect(Object.keys(r.state.staged.adjudicate)).toEqual(['armenia']);
    // Same move again: the ruling stays.
    r = keys(r.state, ctx, 'c', ENTER, ENTER, ENTER);
    expect(Object.keys(r.state.staged.adjudicate)).toEqual(['armenia']);
    r = keys(r.state, ctx, 'c', ENTER, DOWN, ENTER, ENTER);
    expect(r.state.staged.adjudicate).toEqual({});
    expect(r.state.status).toBe('Armenia changed its move: the ruling on its move was dropped.');
  });

  it('a refused turn goes back to the reveal with every choice kept', () => {
    const { ctx, start } = setup(['armenia', 'azerbaijan']);
    const r = keys(start, ctx, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER);
    const choices = r.state.round!.choices;
    const refused = reduceConsole(r.state, { type: 'played', outcome: { ok: false, error: { code: 'effects/invalid', party: 'armenia', message: 'adjudication for armenia: bad' } } }, ctx).state;
    expect(refused.mode).toEqual({ kind: 'reveal', cursor: 0 });
    expect(refused.round!.choices).toEqual(choices);
    expect(refused.status).toBe('✖ The turn was refused. The ruling for Armenia is refused: bad');
  });

  it('a ruled failure is recorded in the save and replays to the same state hash', () => {
    const { ctx, start, scenario, session } = setup(['armenia']);
    const r = keys(start, ctx, ENTER, DOWN, ENTER, ENTER, 'f', ENTER);
    expect(r.effect?.type).toBe('play');
    const inputs = (r.effect as { inputs: NonNullable<Parameters<Session['advance']>[0]> }).inputs;
    const move = inputs.choices!['armenia']!;
    const played = session.advance(inputs);
    if (!played.ok) throw new Error(played.error.message);
    const log = played.log.parties.find((p) => p.party === 'armenia')!;
    expect(log.adjudicated).toBe(true);
    expect(inputs.failed).toEqual(['armenia']);
    // Ruled a failure, it counts as one.
    expect(log.success).toBe(false);
    // The move's failure effects, as written, and nothing else.
    expect(log.effects.map((e) => e.key).sort()).toEqual(Object.keys(failureRuling(scenario, 'armenia', move)).sort());
    const text = JSON.stringify(saveSession(session));
    const loaded = loadSession(scenario, text);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.session.head.hash).toBe(session.head.hash);
    expect(canonicalJson(loaded.session.head.inputs!.adjudicate)).toBe(canonicalJson({ armenia: failureRuling(scenario, 'armenia', move) }));
    expect(loaded.session.head.inputs!.failed).toEqual(['armenia']);
    expect(rulingKind(scenario, 'armenia', move, loaded.session.head.inputs!.adjudicate!['armenia']!, true)).toBe('failure');
  });
});
