/**
 * The facilitator's console as a pure reducer: keys and the outcomes of
 * effects in, the next state and the effect to run out. No terminal, and the
 * session is only read.
 */
import { beginTurn, Session, type CompiledScenario, type PendingReply } from '@wargame/engine';
import { describe, expect, it } from 'vitest';
import {
  chosenCount,
  reduceConsole,
  splitKeys,
  stagedCount,
  type ConsoleEvent,
  type FacKey,
} from '../src/app/facilitate/console-state.js';
import { consoleSetup as setup, feedKeys as keys } from './console-helpers.js';



const ENTER: FacKey = { return: true };
const ESC: FacKey = { escape: true };
const DOWN: FacKey = { downArrow: true };

function begun(scenario: CompiledScenario, session: Session, inject: Parameters<typeof beginTurn>[2] = {}): ConsoleEvent {
  return { type: 'begun', result: beginTurn(scenario, session.state, inject) };
}

describe('facilitate console state: staging', () => {
  it('stages a scenario event and a written one; x clears them', () => {
    const { ctx, state } = setup();
    let r = keys(state, ctx, 'i', 'e', DOWN, ENTER);
    expect(r.state.mode).toEqual({ kind: 'console' });
    expect(r.state.staged.inject).toEqual([{ event: ctx.scenario.events[1]!.id }]);
    r = keys(r.state, ctx, 'i', 'w', 'Riots', ENTER, '+5', DOWN, '-3', ENTER);
    expect(r.state.staged.inject[1]).toEqual({
      custom: { id: 'custom_riots', label: 'Riots', effects: { [ctx.targets[0]!.key]: 5, [ctx.targets[1]!.key]: -3 } },
    });
    expect(r.state.status).toMatch(/^Staged for the next turn: ⚡ Riots \(/);
    expect(stagedCount(r.state)).toBe(2);
    r = keys(r.state, ctx, 'x');
    expect(stagedCount(r.state)).toBe(0);
    expect(r.state.status).toBe('Cleared 2 staged changes.');
  });

  it('edits a ruling: the staged amounts come back into the editor, and an empty ruling clears it', () => {
    const { ctx, state } = setup();
    let r = keys(state, ctx, 'a', DOWN, ENTER, '=40', ENTER);
    const az = ctx.scenario.parties[1]!.id;
    expect(r.state.staged.adjudicate).toEqual({ [az]: { [ctx.targets[0]!.key]: { set: 40 } } });
    r = keys(r.state, ctx, 'a', DOWN, ENTER);
    expect(r.state.mode).toMatchObject({ kind: 'adjudicate-effects', editor: { amounts: { [ctx.targets[0]!.key]: '=40' } } });
    r = keys(r.state, ctx, { backspace: true }, { backspace: true }, { backspace: true }, ENTER);
    expect(r.state.staged.adjudicate).toEqual({});
    expect(r.state.status).toContain('No ruling for');
  });

  it('never changes the state it is given', () => {
    const { ctx, state } = setup(['armenia']);
    const frozen = structuredClone(state);
    keys(state, ctx, 'i', 'w', 'Rumours', ENTER, '=40', ENTER, 'a', ENTER, '+1', ENTER, 'p', 'v', 'w', 'note', 't', '5', ENTER, ENTER);
    expect(state).toEqual(frozen);
  });
});

describe('facilitate console state: a turn', () => {
  it('Enter asks the edge to stop the turn at its decision point, with what is staged', () => {
    const { ctx, state } = setup(['armenia']);
    const r = keys(state, ctx, 'i', 'e', ENTER, ENTER);
    expect(r.effect).toEqual({ type: 'begin', inject: [{ event: ctx.scenario.events[0]!.id }] });
  });

  it('with no team, the turn is played at once with what is staged', () => {
    const { ctx, state, scenario, session } = setup();
    const staged = keys(state, ctx, 'i', 'e', ENTER).state;
    const r = reduceConsole(staged, begun(scenario, session, { inject: [...staged.staged.inject] }), ctx);
    expect(r.effect).toEqual({ type: 'play', inputs: { inject: [{ event: scenario.events[0]!.id }] } });
  });

  it('hands the keyboard to each team; each chooses among its offers in the decision world; the last choice plays the turn', () => {
    const { ctx, state, scenario, session } = setup(['armenia', 'azerbaijan']);
    let r = reduceConsole(state, begun(scenario, session), ctx);
    expect(r.state.mode).toEqual({ kind: 'handoff', team: 0 });
    const offers = r.state.round!.context.parties.map((p) => p.offers.map((o) => o.move));
    r = keys(r.state, ctx, ENTER, DOWN, ENTER);
    expect(r.state.mode).toEqual({ kind: 'confirm', team: 0, choice: 1 });
    expect(chosenCount(r.state)).toBe(0);
    r = keys(r.state, ctx, ENTER);
    expect(r.state.mode).toEqual({ kind: 'handoff', team: 1 });
    expect(chosenCount(r.state)).toBe(1);
    expect(r.effect).toBeUndefined();
    r = keys(r.state, ctx, ENTER, ENTER, ENTER);
    // Every team has chosen: the facilitator sees the reveal, and Enter there resolves the turn.
    expect(r.state.mode).toEqual({ kind: 'reveal', cursor: ctx.teams[1] });
    expect(r.effect).toBeUndefined();
    r = keys(r.state, ctx, ENTER);
    expect(r.effect).toEqual({ type: 'play', inputs: { choices: { armenia: offers[0]![1], azerbaijan: offers[1]![0] } } });
  });

  it('Esc on a hand-off cancels the turn and keeps no choice', () => {
    const { ctx, state, scenario, session } = setup(['armenia', 'azerbaijan']);
    let r = reduceConsole(state, begun(scenario, session), ctx);
    r = keys(r.state, ctx, ENTER, ENTER, ENTER, ESC);
    expect(r.state.round).toBeNull();
    expect(r.state.mode).toEqual({ kind: 'console' });
    expect(r.state.status).toBe('Turn cancelled: no team choice was kept.');
  });

  it('a team whose party must answer a message gets the keyboard back to answer it; the turn is played with the answer', () => {
    const { ctx, state, scenario, session } = setup(['armenia', 'azerbaijan']);
    let r = reduceConsole(state, begun(scenario, session), ctx);
    r = keys(r.state, ctx, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER);
    const pending: PendingReply = {
      party: 'azerbaijan',
      message: 'talks',
      label: 'Talks',
      kind: 'proposal',
      from: 'armenia',
      options: [
        { reply: 'accept', label: 'Accept', effects: [] },
        { reply: 'reject', label: 'Reject', effects: [] },
      ],
    };
    r = reduceConsole(r.state, { type: 'played', outcome: { ok: false, error: { code: 'reply/needed', message: 'waiting', pending: [pending] } } }, ctx);
    expect(r.state.mode).toEqual({ kind: 'handoff', team: 1 });
    expect(r.state.round!.answering).toEqual(pending);
    r = keys(r.state, ctx, ENTER, DOWN, ENTER);
    expect(r.state.mode).toEqual({ kind: 'confirm', team: 1, choice: 1 });
    r = keys(r.state, ctx, ENTER);
    expect(r.effect).toMatchObject({ type: 'play', inputs: { replies: { azerbaijan: { talks: 'reject' } } } });
    expect(r.state.round!.answering).toBeNull();
  });

  it('says how the turn went: resolved, back on an existing branch, on a new one, or the autosave failed', () => {
    const { ctx, state } = setup();
    const played = (how: 'new' | 'existing' | 'branch', save: { ok: true } | { ok: false; message: string } = { ok: true }) =>
      reduceConsole(
        { ...state, staged: { inject: [{ event: 'x' }], adjudicate: {} } },
        { type: 'played', outcome: { ok: true, turn: 2, date: '2023-11', how, branches: 2, save } },
        ctx,
      ).state;
    expect(played('new').status).toBe('Turn 2 (2023-11) resolved; autosaved.');
    expect(played('new').staged.inject).toEqual([]);
    expect(played('existing').status).toBe('Turn 2 (2023-11) resolved with the same inputs as before: back on the existing branch; autosaved.');
    expect(played('branch').status).toBe('Turn 2 (2023-11) resolved on a new branch (2 branches); autosaved.');
    const failed = played('new', { ok: false, message: 'disk full' });
    expect(failed.status).toBe('✖ Autosave to w.save.json failed: disk full');
    expect(failed.saveFailed).toBe(true);
  });

  it('pause blocks a turn, an inject and a ruling until p resumes', () => {
    const { ctx, state } = setup();
    const paused = keys(state, ctx, 'p').state;
    for (const k of [ENTER, 'n', 'i', 'a'] as const) {
      const r = keys(paused, ctx, k);
      expect(r.effect).toBeUndefined();
      expect(r.state.mode).toEqual({ kind: 'console' });
      expect(r.state.status).toBe('Paused: press p to resume first.');
    }
    expect(keys(paused, ctx, 'p', ENTER).effect).toEqual({ type: 'begin', inject: [] });
  });
});

describe('facilitate console state: the session', () => {
  it('rewind and fork ask for the turn chosen in the list; their outcomes name it', () => {
    const { ctx, state, session } = setup();
    session.advance({});
    session.advance({});
    expect(keys(state, ctx, 'r', ENTER).effect).toEqual({ type: 'rewind', turn: 1, fork: false });
    expect(keys(state, ctx, 'f', ENTER).effect).toEqual({ type: 'rewind', turn: 2, fork: true });
    const forked = reduceConsole(state, { type: 'rewound', turn: 1, fork: true, outcome: { ok: true, save: { ok: true } } }, ctx).state;
    expect(forked.whatIf).toEqual({ from: 1 });
    expect(forked.status).toBe('What-if from after turn 1 (2023-10): stage an inject (i) or a ruling (a), then Enter plays it as a new branch.');
  });

  it('q asks first; y quits, n goes back', () => {
    const { ctx, state } = setup();
    const asked = keys(state, ctx, 'q').state;
    expect(asked.mode).toEqual({ kind: 'quit' });
    expect(keys(asked, ctx, 'y').effect).toEqual({ type: 'quit' });
    expect(keys(asked, ctx, 'n').state).toMatchObject({ mode: { kind: 'console' }, status: 'Still running.' });
  });
});

describe('facilitate console state: input', () => {
  it('takes a run of characters one by one, Enter and Backspace included', () => {
    expect(splitKeys('ab\r', {})).toEqual([
      { input: 'a', key: {} },
      { input: 'b', key: {} },
      { input: '', key: { return: true } },
    ]);
    expect(splitKeys('\u007f', { backspace: true })).toEqual([{ input: '\u007f', key: { backspace: true } }]);
    expect(splitKeys('\u001b[A', { upArrow: true })).toEqual([{ input: '\u001b[A', key: { upArrow: true } }]);
  });
});

describe('refusals', () => {
  it('are told with party names and no ids or guard expressions (issue 14, bug 7)', () => {
    const { ctx, state } = setup(['armenia']);
    const error = {
      code: 'move/unavailable' as const,
      party: 'armenia',
      available: ['talk', 'wait'],
      message: 'armenia cannot make "sign_treaty" now (posture diversifying: needs peace_text_agreed > 0.5); available: talk, wait',
    };
    const r = reduceConsole(state, { type: 'played', outcome: { ok: false, error } }, ctx);
    expect(r.state.status).toBe('✖ The turn was refused. Armenia cannot make that move now (its posture or the world rules it out); 2 moves are on offer. Choose again.');
    expect(r.state.status).not.toMatch(/sign_treaty|peace_text_agreed|armenia\b/);
  });
});

