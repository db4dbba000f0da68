/**
 * The workshop: an engine `Session` plus what the current turn has gathered
 * (teams' moves and answers, the facilitator's injects, rulings and the state
 * of the round). It changes only through `apply(op)`, a deterministic function
 * of the ops accepted so far, so the journal of ops replayed from the start
 * rebuilds it exactly (see store.ts). No I/O here.
 */
import {
  beginTurn,
  Session,
  type CompiledScenario,
  type DecisionContext,
  type Effects,
  type Inject,
  type PendingReply,
  type TurnInputs,
} from '@wargame/engine';

export type Op =
  | { op: 'move'; party: string; move: string }
  | { op: 'reply'; party: string; message: string; reply: string }
  | { op: 'inject'; inject: Inject }
  | { op: 'clear-injects' }
  | { op: 'adjudicate'; party: string; effects: Effects }
  | { op: 'note'; text: string }
  | { op: 'advance'; force: boolean }
  | { op: 'rewind'; turn: number }
  | { op: 'checkout'; to: number }
  | { op: 'pause'; paused: boolean };

export interface Staged {
  choices: Record<string, string>;
  replies: Record<string, Record<string, string>>;
  inject: Inject[];
  adjudicate: Record<string, Effects>;
}

export type ApplyResult = { ok: true; turned: boolean; note?: string } | { ok: false; code: string; message: string; [k: string]: unknown };

export interface GameSetup {
  scenario: CompiledScenario;
  seed: string;
  /** Parties played by teams, by id, in the scenario's order. */
  teams: string[];
}

function emptyStaged(): Staged {
  return { choices: {}, replies: {}, inject: [], adjudicate: {} };
}

export class WorkshopGame {
  readonly session: Session;
  staged: Staged = emptyStaged();
  /** Answers the turn waits for after the facilitator asked to resolve it (empty otherwise). */
  pending: PendingReply[] = [];
  /** Whether the facilitator asked to resolve the turn, and with the computer playing missing teams. */
  resolving: { force: boolean } | null = null;
  paused = false;
  private contextKey = '';
  private contextCache: DecisionContext | null = null;

  constructor(readonly setup: GameSetup) {
    const r = Session.create(setup.scenario, { seed: setup.seed });
    if (!r.ok) throw new Error(r.error.message);
    this.session = r.session;
  }

  get scenario(): CompiledScenario {
    return this.setup.scenario;
  }

  partyIndex(id: string): number {
    return this.scenario.parties.findIndex((p) => p.id === id);
  }

  /** The decision point of the coming turn with the staged injects (cached per head and injects). */
  context(): DecisionContext | null {
    const key = `${this.session.head.id}|${JSON.stringify(this.staged.inject)}`;
    if (key !== this.contextKey) {
      const r = this.session.state.ended ? null : beginTurn(this.scenario, this.session.state, this.staged.inject.length ? { inject: this.staged.inject } : {});
      this.contextCache = r?.ok ? r.context : null;
      this.contextKey = key;
    }
    return this.contextCache;
  }

  /** Which teams have chosen their move this turn (never what they chose). */
  ready(): Record<string, boolean> {
    return Object.fromEntries(this.setup.teams.map((t) => [t, this.staged.choices[t] !== undefined]));
  }

  /** The inputs the turn will be played with. Empty parts are left out, so they equal a hot-seat session's. */
  inputs(): TurnInputs {
    const s = this.staged;
    const replies = Object.fromEntries(Object.entries(s.replies).filter(([, r]) => Object.keys(r).length > 0));
    return {
      ...(Object.keys(s.choices).length ? { choices: { ...s.choices } } : {}),
      ...(s.inject.length ? { inject: [...s.inject] } : {}),
      ...(Object.keys(s.adjudicate).length ? { adjudicate: { ...s.adjudicate } } : {}),
      ...(Object.keys(replies).length ? { replies } : {}),
    };
  }

  private resetTurn(): void {
    this.staged = emptyStaged();
    this.pending = [];
    this.resolving = null;
  }

  apply(op: Op): ApplyResult {
    const s = this.session;
    switch (op.op) {
      case 'pause':
        this.paused = op.paused;
        return { ok: true, turned: false };
      case 'rewind': {
        const r = s.rewind(op.turn);
        if (!r.ok) return { ok: false, ...r.error };
        this.resetTurn();
        return { ok: true, turned: true };
      }
      case 'checkout': {
        const r = s.checkout(op.to);
        if (!r.ok) return { ok: false, ...r.error };
        this.resetTurn();
        return { ok: true, turned: true };
      }
      case 'note':
        s.annotate(op.text);
        return { ok: true, turned: false };
      default:
        break;
    }
    if (s.state.ended) return { ok: false, code: 'game/over', message: `the game is over (turn ${s.head.turn}); rewind to play on` };
    if (this.paused && (op.op === 'move' || op.op === 'reply' || op.op === 'advance'))
      return { ok: false, code: 'game/paused', message: 'the facilitator has paused the game' };
    switch (op.op) {
      case 'move': {
        const p = this.partyIndex(op.party);
        if (!this.setup.teams.includes(op.party)) return { ok: false, code: 'party/not-a-team', message: `${op.party} is not played by a team` };
        if (this.resolving) return { ok: false, code: 'turn/resolving', message: 'the turn is being resolved: moves are closed until it ends' };
        const offers = this.context()?.parties[p]?.offers ?? [];
        if (!offers.some((o) => o.move === op.move))
          return { ok: false, code: 'move/unavailable', message: `${op.party} cannot make "${op.move}" this turn`, available: offers.map((o) => o.move) };
        this.staged.choices[op.party] = op.move;
        return { ok: true, turned: false };
      }
      case 'reply': {
        const want = this.pending.find((q) => q.party === op.party && q.message === op.message);
        if (!want) return { ok: false, code: 'reply/unexpected', message: `${op.party} has no message "${op.message}" to answer now` };
        if (!want.options.some((o) => o.reply === op.reply))
          return {
            ok: false,
            code: 'reply/invalid',
            message: `"${op.reply}" is not an answer to ${op.message}: ${want.options.map((o) => o.reply).join(', ')}`,
          };
        const mine = this.staged.replies[op.party] ?? {};
        mine[op.message] = op.reply;
        this.staged.replies[op.party] = mine;
        const left = this.pending.filter((q) => this.staged.replies[q.party]?.[q.message] === undefined);
        if (left.length > 0 || !this.resolving) return { ok: true, turned: false };
        // The last answer the turn waited for: resolve it (further messages may ask for more).
        const r = this.resolve(this.resolving.force);
        if (!r.ok) delete this.staged.replies[op.party]![op.message];
        return r;
      }
      case 'inject': {
        if (this.resolving) return { ok: false, code: 'turn/resolving', message: 'the turn is being resolved; inject before advancing' };
        const inj = op.inject;
        if ('event' in inj && !this.scenario.events.some((e) => e.id === inj.event))
          return { ok: false, code: 'event/unknown', message: `no event "${inj.event}" in ${this.scenario.id}` };
        const next = [...this.staged.inject, op.inject];
        const r = beginTurn(this.scenario, s.state, { inject: next });
        if (!r.ok) return { ok: false, ...r.error };
        this.staged.inject = next;
        // A move the inject makes unavailable is dropped: that team chooses again.
        for (const [party, move] of Object.entries(this.staged.choices))
          if (!r.context.parties[this.partyIndex(party)]!.offers.some((o) => o.move === move)) delete this.staged.choices[party];
        return { ok: true, turned: false };
      }
      case 'clear-injects':
        if (this.resolving) return { ok: false, code: 'turn/resolving', message: 'the turn is being resolved' };
        this.staged.inject = [];
        return { ok: true, turned: false };
      case 'adjudicate': {
        if (this.partyIndex(op.party) < 0) return { ok: false, code: 'party/unknown', message: `no party "${op.party}"` };
        if (this.resolving) return { ok: false, code: 'turn/resolving', message: 'the turn is being resolved; rule before advancing' };
        this.staged.adjudicate[op.party] = op.effects;
        return { ok: true, turned: false };
      }
      case 'advance': {
        if (this.resolving) return { ok: false, code: 'turn/resolving', message: 'the turn waits for answers to messages', pending: this.pending };
        const missing = this.setup.teams.filter((t) => this.staged.choices[t] === undefined);
        if (missing.length > 0 && !op.force)
          return {
            ok: false,
            code: 'game/waiting',
            message: `waiting for ${missing.join(', ')} to choose (advance with force to let the computer play them)`,
            missing,
          };
        return this.resolve(op.force);
      }
    }
  }

  private resolve(force: boolean): ApplyResult {
    const r = this.session.advance(this.inputs());
    if (r.ok) {
      this.resetTurn();
      return { ok: true, turned: true };
    }
    if (r.error.code === 'reply/needed' && 'pending' in r.error && r.error.pending) {
      this.resolving = { force };
      this.pending = r.error.pending;
      return { ok: true, turned: false, note: `waiting for answers: ${this.pending.map((q) => `${q.party} to ${q.message}`).join(', ')}` };
    }
    return { ok: false, ...r.error };
  }
}
