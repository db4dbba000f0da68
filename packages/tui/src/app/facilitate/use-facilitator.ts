/**
 * The edge of the facilitator's console: holds its state, feeds each key to
 * the reducer (console-state.ts), and runs the effects the reducer asks for
 * against the session — begin a turn at its decision point, play it, rewind,
 * switch branch, annotate — saving after every change, then hands the
 * outcome back to the reducer.
 *
 * A round in progress is saved too, as it is entered: each staged inject or
 * ruling and each team's choice rewrites the save with the inputs so far
 * (`pending`), so a crash mid-round loses nothing, and a resumed session
 * (`pending` from the save) opens the round where it stopped.
 *
 * Keys arriving several to a chunk (tmux, a paste) each see the state the
 * previous one left: the state lives in a ref, and React is told afterwards.
 */
import { beginTurn, canonicalJson, saveSession, type CompiledScenario, type Session, type TurnInputs } from '@wargame/engine';
import { useMemo, useRef, useState } from 'react';
import {
  initialConsole,
  pendingInputs,
  reduceConsole,
  splitKeys,
  type ConsoleEffect,
  type ConsoleEvent,
  type ConsoleSetup,
  type ConsoleState,
  type FacKey,
  type SaveResult,
} from './console-state.js';
import { effectTargets } from './effects-draft.js';
import { timerToSave, type PhaseTimer } from '../timer.js';

export interface FacilitatorOptions {
  scenario: CompiledScenario;
  session: Session;
  /** Party indices played by teams at the keyboard, in the order they take it. */
  teams: readonly number[];
  savePath: string;
  /** Writes the save file (atomically in the CLI); may throw with a message to show. */
  writeSave: (path: string, text: string) => void;
  /** A line shown once at the start (e.g. "Resumed from …"). */
  notice?: string;
  /** The round that was in progress when the resumed save was written (staged changes, choices so far). */
  pending?: TurnInputs;
  /** Lines a page scroll moves, for the screen's size. */
  page: number;
  /** The countdown that was running when the resumed save was written. */
  timer?: PhaseTimer | null;
  /** The facilitator confirmed quitting; `saved`: the last save succeeded. */
  onQuit: (saved: boolean) => void;
  /** Told every new state (tests look at what the screen cannot show). */
  onState?: (state: ConsoleState) => void;
}

export interface Facilitator {
  setup: ConsoleSetup;
  state: ConsoleState;
  /** Handles one input from ink (a run of characters is taken one by one). */
  onInput: (input: string, key: FacKey) => void;
}

export function useFacilitator(opts: FacilitatorOptions): Facilitator {
  const { scenario, session, teams, savePath } = opts;
  const setup = useMemo<ConsoleSetup>(() => ({ scenario, teams, targets: effectTargets(scenario), savePath }), [scenario, teams, savePath]);
  const latest = useRef(opts);
  latest.current = opts;

  /** The round in progress and the countdown as last saved (canonical JSON), so a save is written only when they changed. */
  const savedRound = useRef('');
  /** The countdown saved with the session (for the projector and a resume); kept here as effects run outside the reducer. */
  const timerRef = useRef<PhaseTimer | null>(opts.timer ?? null);
  const unsaved = (s: ConsoleState) => canonicalJson({ round: pendingInputs(s), timer: s.timer });
  const persist = (round: TurnInputs = {}): SaveResult => {
    try {
      const timer = timerRef.current;
      latest.current.writeSave(savePath, `${JSON.stringify(saveSession(session, { pending: round, players: teams.map((p) => scenario.parties[p]!.id), ...(timer ? { timer: timerToSave(timer) } : {}) }), null, 2)}\n`);
      savedRound.current = canonicalJson({ round, timer });
      return { ok: true };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  };

  /** Runs an effect on the session; its outcome is the reducer's next event. */
  const run = (effect: Exclude<ConsoleEffect, { type: 'quit' }>): ConsoleEvent => {
    switch (effect.type) {
      case 'begin':
        return { type: 'begun', result: beginTurn(scenario, session.state, effect.inject.length > 0 ? { inject: [...effect.inject] } : {}) };
      case 'play': {
        const before = session.nodes.length;
        const parent = session.head.id;
        const siblings = session.nodes.filter((n) => n.parent === parent).length;
        const r = session.advance(effect.inputs);
        if (!r.ok) return { type: 'played', outcome: { ok: false, error: r.error } };
        const how = session.nodes.length === before ? 'existing' : siblings > 0 ? 'branch' : 'new';
        return { type: 'played', outcome: { ok: true, turn: r.log.turn, date: r.log.date, how, branches: session.branches().length, save: persist() } };
      }
      case 'rewind': {
        const r = session.rewind(effect.turn);
        return {
          type: 'rewound',
          turn: effect.turn,
          fork: effect.fork,
          outcome: r.ok ? { ok: true, save: persist() } : { ok: false, message: r.error.message },
        };
      }
      case 'checkout':
        session.checkout(effect.leaf);
        return { type: 'switched', branch: effect.branch, turns: effect.turns, save: persist() };
      case 'annotate':
        session.annotate(effect.note);
        return { type: 'annotated', note: effect.note, turn: session.head.turn, save: persist() };
      case 'name-branch': {
        session.nameBranch(effect.start, effect.name);
        const name = session.branches()[effect.branch]?.name ?? '';
        return { type: 'branch-named', branch: effect.branch, name, save: persist() };
      }
      case 'fast': {
        // The record plays while it lasts (every party's recorded move), then the computer plays every party, teams' included.
        const lastRecorded = scenario.history.reduce((m, h) => Math.max(m, h.month), -Infinity);
        const from = session.head.turn;
        let record = 0;
        let computer = 0;
        let stopped: string | undefined;
        for (let i = 0; i < effect.turns; i++) {
          if (session.state.ended) {
            stopped = 'the game is over';
            break;
          }
          const history = session.state.month <= lastRecorded;
          const r = session.advance(history ? { history: true } : {});
          if (!r.ok) {
            stopped = r.error.message;
            break;
          }
          if (history) record++;
          else computer++;
        }
        return { type: 'fasted', record, computer, from, to: session.head.turn, ...(stopped === undefined ? {} : { stopped }), save: persist() };
      }
      case 'save':
        return { type: 'saved', save: persist() };
    }
  };

  const stateRef = useRef<ConsoleState | null>(null);
  if (stateRef.current === null) {
    const pending = opts.pending ?? {};
    const staged = { inject: pending.inject ?? [], adjudicate: pending.adjudicate ?? {}, failed: pending.failed ?? [] };
    let first = initialConsole({ ok: true }, opts.notice, savePath, staged, opts.timer ?? null);
    if (pending.choices || pending.replies) {
      // Reopen the round: the same decision point (the staged injects), the teams' entries kept.
      const ctx = { ...setup, session, page: opts.page, now: Date.now() };
      let r = reduceConsole(first, { type: 'begun', result: beginTurn(scenario, session.state, staged.inject.length > 0 ? { inject: [...staged.inject] } : {}), carry: pending }, ctx);
      while (r.effect && r.effect.type !== 'quit') r = reduceConsole(r.state, run(r.effect), ctx);
      first = r.state;
    }
    // The start is saved at once, so even a session that crashes before its first turn can be resumed.
    const saved = persist(pendingInputs(first));
    stateRef.current = saved.ok ? first : reduceConsole(first, { type: 'autosaved', save: saved }, { ...setup, session, page: opts.page, now: Date.now() }).state;
    opts.onState?.(stateRef.current);
  }
  const [state, setState] = useState<ConsoleState>(stateRef.current);

  const onInput = (input: string, key: FacKey) => {
    const ctx = { ...setup, session, page: latest.current.page, now: Date.now() };
    let current = stateRef.current!;
    let quit = false;
    for (const k of splitKeys(input, key)) {
      let r = reduceConsole(current, { type: 'key', input: k.input, key: k.key }, ctx);
      while (r.effect && r.effect.type !== 'quit') r = reduceConsole(r.state, run(r.effect), ctx);
      current = r.state;
      timerRef.current = current.timer;
      // A change to the round in progress (a staged inject or ruling, a team's choice) or to the countdown is saved as it is made.
      if (unsaved(current) !== savedRound.current) current = reduceConsole(current, { type: 'autosaved', save: persist(pendingInputs(current)) }, ctx).state;
      if (r.effect?.type === 'quit') {
        quit = true;
        break;
      }
    }
    if (current !== stateRef.current) {
      stateRef.current = current;
      setState(current);
      latest.current.onState?.(current);
    }
    if (quit) latest.current.onQuit(!current.saveFailed);
  };

  return { setup, state, onInput };
}
