/**
 * The facilitator's console as a pure reducer, as play's keys are
 * (../ui-state.ts): `(state, event, context) → { state, effect }`.
 *
 * The state is what the console holds beside the session: the screen the
 * keyboard is on, what is staged for the next turn (injects, rulings), the
 * hot-seat round (its decision context and each team's choice, kept out of
 * sight until the turn resolves), pause, projector and the last message.
 * Events are keys and the outcomes of effects. An effect (begin a turn, play
 * it, rewind, switch branch, annotate, save, quit) is run at the edge
 * (use-facilitator.ts), which feeds its outcome back as the next event, so
 * the messages a facilitator reads are written here too.
 *
 * The reducer reads the session (through `SessionView`) but never changes it.
 */
import {
  MAX_BRANCH_NAME,
  type BeginResult,
  type CompiledScenario,
  type DecisionContext,
  type Effects,
  type Inject,
  type PendingReply,
  type Session,
  type SessionError,
  type TurnInputs,
} from '@wargame/engine';
import { afterTurn, initialUi, reduceKey, type KeyInfo, type UiState } from '../ui-state.js';
import { customEventId, describeEffects, draftEffects, matchingTargets, type EffectTarget } from './effects-draft.js';
import { turnMonth, turnName } from '../turn-name.js';
import { refusalText } from '../refusal.js';
import { failureRuling, rulingKind, successRuling } from '../rulings.js';
import { MAX_TIMER_LABEL, parseTimer, type PhaseTimer } from '../timer.js';

export interface FacKey extends KeyInfo {
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** A hand-written set of effects being edited: one amount (as typed) per target key. */
export interface EffectsEditor {
  /** Index in the targets that match the filter. */
  cursor: number;
  amounts: Readonly<Record<string, string>>;
  /** Letters typed to find a target by its label ("" shows them all). */
  filter?: string;
}

export type Mode =
  | { kind: 'console' }
  | { kind: 'handoff'; team: number }
  | { kind: 'team'; team: number }
  /** A team sees the move (or answer) it picked, by its index among the options, and confirms it or goes back. */
  | { kind: 'confirm'; team: number; choice: number }
  /** Every team has chosen: the facilitator sees every party's move and may rule on any before the turn resolves. */
  | { kind: 'reveal'; cursor: number }
  | { kind: 'inject-menu'; cursor: number }
  | { kind: 'inject-event'; cursor: number }
  | { kind: 'custom-label'; text: string }
  | { kind: 'custom-effects'; label: string; editor: EffectsEditor }
  | { kind: 'adjudicate-party'; cursor: number }
  /** `back`: the screen Enter and Esc return to (the reveal, when the ruling is made there). */
  | { kind: 'adjudicate-effects'; party: number; editor: EffectsEditor; back?: 'reveal' }
  | { kind: 'turns'; purpose: 'rewind' | 'fork'; cursor: number }
  | { kind: 'branches'; cursor: number }
  | { kind: 'branch-name'; branch: number; start: number; text: string }
  /** Fast months: how many turns the record (while there is one) or the computer plays, as typed. */
  | { kind: 'fast'; text: string }
  | { kind: 'annotate'; text: string }
  /** A phase's countdown, as typed: minutes, then what for ("10 negotiations"); empty clears it. */
  | { kind: 'timer'; text: string }
  | { kind: 'help'; scroll?: number }
  | { kind: 'quit' };

export interface Staged {
  inject: readonly Inject[];
  adjudicate: Readonly<Record<string, Effects>>;
  /** Parties whose ruling is a failure (the move fails: its ruled effects, no message sent); only those with a ruling count. */
  failed?: readonly string[];
}

/** A hot-seat round in progress. */
export interface Round {
  /** The turn stopped at the decision point, with what is staged: the world the teams choose in and the moves it offers each. */
  context: DecisionContext;
  /** The teams that play this round (party indices with a move on offer), in the order they take the keyboard. */
  teams: readonly number[];
  /** Each team's choice (party id → move id), never shown before the turn resolves. */
  choices: Readonly<Record<string, string>>;
  /** Teams' answers to messages their parties received this turn (party id → message id → answer). */
  replies: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The message a team is asked to answer now (the turn waits for it). */
  answering: PendingReply | null;
}

export interface ConsoleState {
  mode: Mode;
  /** The screen a help or quit overlay returns to. */
  back: Mode;
  paused: boolean;
  projector: boolean;
  /** A one-line message in the footer. */
  status: string | null;
  staged: Staged;
  round: Round | null;
  /** The screen state of the team at the keyboard (play's keys). */
  teamUi: UiState;
  /** Set by a fork: the turn the what-if starts after, until its first turn is played. */
  whatIf: { from: number } | null;
  newsScroll: number;
  /** The last save failed (the message is in the status). */
  saveFailed: boolean;
  /** Teams see which of their moves is on the record (off by default: a workshop is about their own choice). */
  showRecord: boolean;
  /** The phase's countdown the facilitator set (the screens' clock, never the engine's), or null. */
  timer: PhaseTimer | null;
}

/** What stays the same for the whole session. */
export interface ConsoleSetup {
  scenario: CompiledScenario;
  /** Party indices played by teams at the keyboard, in the order they take it. */
  teams: readonly number[];
  /** The indicators and relations an effect can target, in the editor's order. */
  targets: readonly EffectTarget[];
  savePath: string;
}

/** The session as the reducer may see it: read, never changed. */
export type SessionView = Pick<Session, 'state' | 'head' | 'path' | 'branches'>;

export interface ConsoleContext extends ConsoleSetup {
  session: SessionView;
  /** Lines a page scroll moves, for the screen's size. */
  page: number;
  /** The time of the event in milliseconds since the epoch, read at the edge: only a countdown uses it. */
  now: number;
}

export type SaveResult = { ok: true } | { ok: false; message: string };

/** What the edge does for the reducer; it answers with the matching outcome event. */
export type ConsoleEffect =
  | { type: 'begin'; inject: readonly Inject[] }
  | { type: 'play'; inputs: TurnInputs }
  | { type: 'rewind'; turn: number; fork: boolean }
  | { type: 'checkout'; branch: number; leaf: number; turns: number }
  | { type: 'annotate'; note: string }
  | { type: 'name-branch'; branch: number; start: number; name: string }
  | { type: 'fast'; turns: number }
  | { type: 'save' }
  | { type: 'quit' };

export type PlayOutcome =
  | { ok: true; turn: number; date: string; how: 'new' | 'existing' | 'branch'; branches: number; save: SaveResult }
  | { ok: false; error: SessionError };

export type ConsoleEvent =
  | { type: 'key'; input: string; key: FacKey }
  /**
   * `begin`'s outcome: the turn stopped at the decision point, or why it cannot start.
   * `carry`: the choices and answers of a round resumed from a save, kept for the teams that had made them.
   */
  | { type: 'begun'; result: BeginResult; carry?: Pick<TurnInputs, 'choices' | 'replies'> }
  | { type: 'played'; outcome: PlayOutcome }
  | { type: 'rewound'; turn: number; fork: boolean; outcome: { ok: true; save: SaveResult } | { ok: false; message: string } }
  | { type: 'switched'; branch: number; turns: number; save: SaveResult }
  | { type: 'annotated'; note: string; turn: number; save: SaveResult }
  | { type: 'branch-named'; branch: number; name: string; save: SaveResult }
  /** Fast months played: how many turns followed the record and how many the computer chose, and why it stopped early (if it did). */
  | { type: 'fasted'; record: number; computer: number; from: number; to: number; stopped?: string; save: SaveResult }
  | { type: 'saved'; save: SaveResult }
  /** The save written as the round changed (a staged change, a team's choice): only a failure is news. */
  | { type: 'autosaved'; save: SaveResult };

export type ConsoleResult = { state: ConsoleState; effect?: ConsoleEffect };

const NOTHING_STAGED: Staged = { inject: [], adjudicate: {} };

/**
 * The console as it opens, after the start was saved.
 *
 * @example
 * const state = initialConsole({ ok: true }, 'Resumed workshop.save.json at turn 2.', 'workshop.save.json');
 */
export function initialConsole(save: SaveResult, notice: string | undefined, savePath: string, staged: Staged = NOTHING_STAGED, timer: PhaseTimer | null = null): ConsoleState {
  return {
    mode: { kind: 'console' },
    back: { kind: 'console' },
    paused: false,
    projector: false,
    status: save.ok ? (notice ?? `Autosaving to ${savePath}. Enter plays the first turn; ? shows every key.`) : saveFailure(savePath, save.message),
    staged,
    round: null,
    teamUi: initialUi(),
    whatIf: null,
    newsScroll: 0,
    saveFailed: !save.ok,
    showRecord: false,
    timer,
  };
}

/** How many teams have chosen this round (never which move). */
export function chosenCount(state: ConsoleState): number {
  return state.round ? Object.keys(state.round.choices).length : 0;
}

export function stagedCount(state: ConsoleState): number {
  return state.staged.inject.length + Object.keys(state.staged.adjudicate).length;
}

/** The branch the head is on (the first whose path holds the head node, also after a rewind). */
export function headBranch(session: Pick<Session, 'branches'>): number {
  return session.branches().findIndex((b) => b.isHead);
}


/** The key flags of one character taken from a run of input. */
function charKey(ch: string): FacKey {
  if (ch === '\r' || ch === '\n') return { return: true };
  if (ch === '\t') return { tab: true };
  if (ch === '\u007f' || ch === '\b') return { backspace: true };
  return {};
}

/**
 * One input as keys: ink hands over a run of plain characters (a paste, tmux
 * send-keys, a fast typist) as one input, and each is taken on its own.
 */
export function splitKeys(input: string, key: FacKey): { input: string; key: FacKey }[] {
  const chars = [...input];
  if (chars.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001b'))
    return chars.map((ch) => ({ input: ch === '\r' || ch === '\n' ? '' : ch, key: charKey(ch) }));
  return [{ input, key }];
}

const wrap = (i: number, n: number) => (n <= 0 ? 0 : ((i % n) + n) % n);
const isDown = (input: string, key: FacKey) => key.downArrow === true || input === 'j';
const isUp = (input: string, key: FacKey) => key.upArrow === true || input === 'k';
/** Text a person typed: no control characters (below space, or DEL). */
const printable = (input: string, key: FacKey) =>
  input.length > 0 && !key.ctrl && !key.escape && !key.return && !key.tab && [...input].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
const saveFailure = (path: string, message: string) => `✖ Autosave to ${path} failed: ${message}`;

/** A cursor moved by ↑↓ (j k) and PgUp PgDn within `count` items; null when the key is none of those. */
function moveCursor(cursor: number, count: number, input: string, key: FacKey, page: number): number | null {
  const last = Math.max(0, count - 1);
  if (isDown(input, key)) return Math.min(last, cursor + 1);
  if (isUp(input, key)) return Math.max(0, cursor - 1);
  if (key.pageDown) return Math.min(last, cursor + page);
  if (key.pageUp) return Math.max(0, cursor - page);
  return null;
}

function editText(text: string, input: string, key: FacKey, max: number): string {
  if (key.backspace || key.delete) return [...text].slice(0, -1).join('');
  if (printable(input, key)) return [...(text + input)].slice(0, max).join('');
  return text;
}

function editEffects(editor: EffectsEditor, input: string, key: FacKey, all: readonly EffectTarget[], page: number): EffectsEditor {
  // Letters search the targets by label; digits and + − = . type the amount of the one under the cursor.
  const filter = editor.filter ?? '';
  if (/^[a-z ]$/i.test(input) && !key.ctrl && !key.meta) return { ...editor, filter: `${filter}${input}`.slice(0, 40), cursor: 0 };
  const targets = matchingTargets(all, filter);
  const n = targets.length;
  if (key.downArrow || key.tab) return { ...editor, cursor: wrap(editor.cursor + 1, n) };
  if (key.upArrow) return { ...editor, cursor: wrap(editor.cursor - 1, n) };
  if (key.pageDown) return { ...editor, cursor: Math.min(n - 1, editor.cursor + page) };
  if (key.pageUp) return { ...editor, cursor: Math.max(0, editor.cursor - page) };
  const t = targets[editor.cursor];
  // Backspace takes back a search letter when the target under the cursor has no amount typed.
  if ((key.backspace || key.delete) && filter !== '' && (!t || editor.amounts[t.key] === undefined)) return { ...editor, filter: filter.slice(0, -1), cursor: 0 };
  if (!t) return editor;
  const current = editor.amounts[t.key] ?? '';
  let next: string;
  if (key.backspace || key.delete) next = [...current].slice(0, -1).join('');
  else if (/^[0-9+\-−=.]+$/.test(input)) next = (current + input).slice(0, 12);
  else return editor;
  const { [t.key]: _, ...rest } = editor.amounts;
  return { ...editor, amounts: next === '' ? rest : { ...rest, [t.key]: next } };
}

/** A ruling already staged, as the editor shows it: "+5", "-3", "=40". */
function amountsOf(effects: Effects | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(effects ?? {})) {
    if (typeof v === 'number') out[k] = v > 0 ? `+${v}` : String(v);
    else if (!Array.isArray(v) && 'set' in v) out[k] = `=${String(v.set)}`;
  }
  return out;
}

const toConsole = (state: ConsoleState, status: string | null): ConsoleResult => ({ state: { ...state, mode: { kind: 'console' }, status } });

/** The inputs the next turn is played with: the round's choices and what is staged (also what a save keeps of a round in progress). */
export function pendingInputs(state: ConsoleState): TurnInputs {
  const choices = state.round?.choices ?? {};
  return {
    ...(Object.keys(choices).length > 0 ? { choices: { ...choices } } : {}),
    ...(state.round && Object.keys(state.round.replies).length > 0
      ? { replies: structuredClone(state.round.replies) as Record<string, Record<string, string>> }
      : {}),
    ...(state.staged.inject.length > 0 ? { inject: [...state.staged.inject] } : {}),
    ...(Object.keys(state.staged.adjudicate).length > 0 ? { adjudicate: { ...state.staged.adjudicate } } : {}),
    ...(failedRulings(state.staged).length > 0 ? { failed: failedRulings(state.staged) } : {}),
  };
}

/** The parties whose staged ruling is a failure (a failure without a ruling is no ruling at all). */
export function failedRulings(staged: Staged): string[] {
  return (staged.failed ?? []).filter((party) => staged.adjudicate[party] !== undefined);
}

/** The staged rulings with the party's ruling set (or cleared), and marked a failure or not. */
function withRuling(staged: Staged, party: string, effects: Effects | null, fails = false): Staged {
  const { [party]: _, ...others } = staged.adjudicate;
  const failed = (staged.failed ?? []).filter((p) => p !== party);
  return { ...staged, adjudicate: effects ? { ...others, [party]: effects } : others, failed: effects && fails ? [...failed, party] : failed };
}

/**
 * The next console state, and the effect the edge should run for it.
 *
 * @example
 * const { state, effect } = reduceConsole(initialConsole({ ok: true }, undefined, 'f.save.json'), { type: 'key', input: '', key: { return: true } }, ctx);
 * // effect: { type: 'begin', inject: [] } — the edge answers with { type: 'begun', result: beginTurn(…) }
 */
export function reduceConsole(state: ConsoleState, event: ConsoleEvent, ctx: ConsoleContext): ConsoleResult {
  switch (event.type) {
    case 'key':
      return onKey(state, event.input, event.key, ctx);
    case 'begun':
      return onBegun(state, event.result, ctx, event.carry);
    case 'played': {
      const o = event.outcome;
      if (!o.ok) {
        // A team's party received a message: hand the keyboard to that team to answer it, in private; the turn is played again with the answer.
        const asked = o.error.code === 'reply/needed' ? o.error.pending?.[0] : undefined;
        const team = asked && state.round ? state.round.teams.findIndex((p) => ctx.scenario.parties[p]!.id === asked.party) : -1;
        if (asked && state.round && team >= 0) return { state: { ...state, round: { ...state.round, answering: asked }, mode: { kind: 'handoff', team } } };
        // Refused after the reveal (a ruling the engine does not take): back to the reveal with every choice kept.
        if (state.round && state.round.teams.length > 0 && !state.round.answering && allChosen(state.round, ctx))
          return { state: { ...state, mode: { kind: 'reveal', cursor: 0 }, status: `✖ The turn was refused. ${refusalText(ctx.scenario, o.error)}` } };
        return toConsole({ ...state, round: null }, `✖ The turn was refused. ${refusalText(ctx.scenario, o.error)}`);
      }
      const next: ConsoleState = { ...state, round: null, teamUi: initialUi(), staged: NOTHING_STAGED, whatIf: null, newsScroll: 0, saveFailed: !o.save.ok };
      if (!o.save.ok) return toConsole(next, saveFailure(ctx.savePath, o.save.message));
      const what =
        o.how === 'existing'
          ? ' with the same inputs as before: back on the existing branch'
          : o.how === 'branch'
            ? ` on a new branch (${o.branches} branches)`
            : '';
      return toConsole(next, `Turn ${o.turn} (${o.date}) resolved${what}; autosaved.`);
    }
    case 'rewound': {
      const o = event.outcome;
      if (!o.ok) return toConsole(state, `✖ ${o.message}`);
      const next: ConsoleState = { ...state, whatIf: event.fork ? { from: event.turn } : null, newsScroll: 0, saveFailed: !o.save.ok };
      if (!o.save.ok) return toConsole(next, saveFailure(ctx.savePath, o.save.message));
      const where = turnName(ctx.scenario, event.turn);
      return toConsole(
        next,
        event.fork
          ? `What-if from ${where}: stage an inject (i) or a ruling (a), then Enter plays it as a new branch.`
          : `Rewound to ${where}; the later turns stay on their branch (b). Autosaved.`,
      );
    }
    case 'switched': {
      const next: ConsoleState = { ...state, whatIf: null, newsScroll: 0, saveFailed: !event.save.ok };
      return toConsole(
        next,
        event.save.ok ? `Switched to branch ${event.branch + 1}, ${turnName(ctx.scenario, event.turns)}; saved.` : saveFailure(ctx.savePath, event.save.message),
      );
    }
    case 'annotated': {
      const next: ConsoleState = { ...state, saveFailed: !event.save.ok };
      if (!event.save.ok) return toConsole(next, saveFailure(ctx.savePath, event.save.message));
      const where = turnName(ctx.scenario, event.turn);
      return toConsole(next, event.note ? `Note added to ${where}; saved.` : `Note cleared from ${where}; saved.`);
    }
    case 'branch-named': {
      const next: ConsoleState = { ...state, mode: { kind: 'branches', cursor: event.branch }, saveFailed: !event.save.ok };
      if (!event.save.ok) return { state: { ...next, status: saveFailure(ctx.savePath, event.save.message) } };
      return { state: { ...next, status: event.name ? `Branch ${event.branch + 1} is named “${event.name}”; saved.` : `Branch ${event.branch + 1} has no name now; saved.` } };
    }
    case 'fasted': {
      const next: ConsoleState = { ...state, whatIf: null, newsScroll: 0, saveFailed: !event.save.ok };
      if (!event.save.ok) return toConsole(next, saveFailure(ctx.savePath, event.save.message));
      const played = event.record + event.computer;
      const how = [event.record > 0 ? `the record for ${event.record}` : '', event.computer > 0 ? `the computer for ${event.computer}` : ''].filter(Boolean).join(', ');
      const span = played === 0 ? 'no turn' : `${played} turn${played === 1 ? '' : 's'}, ${turnMonth(ctx.scenario, event.from + 1)}–${turnMonth(ctx.scenario, event.to)}`;
      return toConsole(next, `Fast months: ${span}${how ? `: ${how}` : ''}${event.stopped ? `; stopped: ${event.stopped}` : ''}; saved.`);
    }
    case 'autosaved':
      if (event.save.ok) return { state: state.saveFailed ? { ...state, saveFailed: false } : state };
      return { state: { ...state, saveFailed: true, status: saveFailure(ctx.savePath, event.save.message) } };
    case 'saved':
      return {
        state: { ...state, saveFailed: !event.save.ok, status: event.save.ok ? `Saved to ${ctx.savePath}.` : saveFailure(ctx.savePath, event.save.message) },
      };
  }
}

/** A turn stopped at its decision point: hand the keyboard to each team with a move on offer, or play at once when there is none. */
function onBegun(state: ConsoleState, result: BeginResult, ctx: ConsoleContext, carry?: Pick<TurnInputs, 'choices' | 'replies'>): ConsoleResult {
  if (!result.ok) return toConsole({ ...state, round: null }, `✖ The turn cannot start: ${result.error.message}`);
  const teams = ctx.teams.filter((p) => (result.context.parties[p]?.offers.length ?? 0) > 0);
  // A resumed round keeps what the teams of this round had entered (the save was checked against this world).
  const ids = new Set(teams.map((p) => ctx.scenario.parties[p]!.id));
  function kept<T>(rec: Readonly<Record<string, T>> | undefined): Record<string, T> {
    return Object.fromEntries(Object.entries(rec ?? {}).filter(([id]) => ids.has(id)));
  }
  const round: Round = { context: result.context, teams, choices: kept(carry?.choices), replies: kept(carry?.replies), answering: null };
  const next = teams.findIndex((p) => round.choices[ctx.scenario.parties[p]!.id] === undefined);
  // No team has a move this turn: it plays at once. A resumed round whose teams had all chosen opens on the reveal.
  if (teams.length === 0) {
    const all = { ...state, round };
    return { state: all, effect: { type: 'play', inputs: pendingInputs(all) } };
  }
  if (next < 0) return { state: { ...state, round, status: 'Round resumed: every team had chosen. Rule on any move, or Enter resolves the turn.', mode: { kind: 'reveal', cursor: teams[0]! } } };
  const status = carry ? `Round resumed: ${Object.keys(round.choices).length} of ${teams.length} teams had chosen; the keyboard goes to ${ctx.scenario.parties[teams[next]!]!.name}.` : state.status;
  return { state: { ...state, round, status, mode: { kind: 'handoff', team: next } } };
}

function onKey(state: ConsoleState, input: string, key: FacKey, ctx: ConsoleContext): ConsoleResult {
  const m = state.mode;
  const set = (patch: Partial<ConsoleState>): ConsoleResult => ({ state: { ...state, ...patch } });
  const mode = (next: Mode): ConsoleResult => set({ mode: next });
  switch (m.kind) {
    case 'help': {
      // A help longer than the screen scrolls; any other key closes it.
      const by = key.pageDown || input === ']' ? ctx.page : key.pageUp || input === '[' ? -ctx.page : isDown(input, key) ? 1 : isUp(input, key) ? -1 : 0;
      if (by !== 0) return mode({ kind: 'help', scroll: Math.max(0, (m.scroll ?? 0) + by) });
      return mode(state.back);
    }
    case 'quit':
      if (input === 'y' || input === 'Y') return { state, effect: { type: 'quit' } };
      if (input === 'n' || input === 'N' || key.escape || input === 'q') return set({ mode: state.back, status: 'Still running.' });
      return { state };
    case 'handoff':
      // A team handed the keyboard again from the reveal (to change its choice) keeps its first choice when it goes back.
      if (key.escape && state.round && !state.round.answering && allChosen(state.round, ctx)) return set({ mode: { kind: 'reveal', cursor: state.round.teams[m.team]! } });
      if (key.escape) return toConsole({ ...state, round: null }, 'Turn cancelled: no team choice was kept.');
      if (key.return) return set({ teamUi: initialUi(), mode: { kind: 'team', team: m.team } });
      return { state };
    case 'team':
      return onTeam(state, m.team, input, key, ctx);
    case 'confirm':
      return onConfirm(state, m.team, m.choice, key, ctx);
    case 'reveal':
      return onReveal(state, m.cursor, input, key, ctx);
    case 'inject-menu':
      if (key.escape) return toConsole(state, null);
      if (isDown(input, key) || isUp(input, key)) return mode({ ...m, cursor: 1 - m.cursor });
      if (input === 'e' || (key.return && m.cursor === 0)) return mode({ kind: 'inject-event', cursor: 0 });
      if (input === 'w' || key.return) return mode({ kind: 'custom-label', text: '' });
      return { state };
    case 'inject-event': {
      const events = ctx.scenario.events;
      if (key.escape) return mode({ kind: 'inject-menu', cursor: 0 });
      const cursor = moveCursor(m.cursor, events.length, input, key, ctx.page);
      if (cursor !== null) return mode({ ...m, cursor });
      const e = events[m.cursor];
      if (key.return && e)
        return toConsole(
          { ...state, staged: { ...state.staged, inject: [...state.staged.inject, { event: e.id }] } },
          `Staged for the next turn: ⚡ ${e.label}.`,
        );
      return { state };
    }
    case 'custom-label': {
      if (key.escape) return mode({ kind: 'inject-menu', cursor: 1 });
      if (key.return) {
        const label = m.text.trim();
        if (!label) return set({ status: 'Give the event a headline first.' });
        return mode({ kind: 'custom-effects', label, editor: { cursor: 0, amounts: {} } });
      }
      return mode({ ...m, text: editText(m.text, input, key, 200) });
    }
    case 'custom-effects': {
      if (key.escape) return mode({ kind: 'custom-label', text: m.label });
      if (key.return) {
        const effects = draftEffects(ctx.targets, m.editor.amounts);
        if (Object.keys(effects).length === 0) return set({ status: 'Type an amount for at least one indicator (+5, -3 or =40).' });
        const taken = [...ctx.scenario.events.map((e) => e.id), ...state.staged.inject.map((i) => ('event' in i ? i.event : i.custom.id))];
        const inject: Inject = { custom: { id: customEventId(m.label, taken), label: m.label, effects } };
        return toConsole(
          { ...state, staged: { ...state.staged, inject: [...state.staged.inject, inject] } },
          `Staged for the next turn: ⚡ ${m.label} (${describeEffects(ctx.scenario, effects)}).`,
        );
      }
      return mode({ ...m, editor: editEffects(m.editor, input, key, ctx.targets, ctx.page) });
    }
    case 'adjudicate-party': {
      if (key.escape) return toConsole(state, null);
      if (isDown(input, key) || isUp(input, key)) return mode({ ...m, cursor: moveCursor(m.cursor, ctx.scenario.parties.length, input, key, ctx.page)! });
      if (key.return) {
        const party = ctx.scenario.parties[m.cursor]!;
        return mode({ kind: 'adjudicate-effects', party: m.cursor, editor: { cursor: 0, amounts: amountsOf(state.staged.adjudicate[party.id]) } });
      }
      return { state };
    }
    case 'adjudicate-effects': {
      // A ruling written from the reveal goes back to it; one staged before the turn, to the console.
      const back = (next: ConsoleState, status: string | null): ConsoleResult =>
        m.back === 'reveal' ? { state: { ...next, mode: { kind: 'reveal', cursor: m.party }, status } } : toConsole(next, status);
      if (key.escape) return m.back === 'reveal' ? mode({ kind: 'reveal', cursor: m.party }) : mode({ kind: 'adjudicate-party', cursor: m.party });
      if (key.return) {
        const party = ctx.scenario.parties[m.party]!;
        const effects = draftEffects(ctx.targets, m.editor.amounts);
        if (Object.keys(effects).length === 0)
          return back({ ...state, staged: withRuling(state.staged, party.id, null) }, `No ruling for ${party.name}: its move will have its own effects.`);
        return back(
          { ...state, staged: withRuling(state.staged, party.id, effects) },
          `Ruling staged: ${party.name}'s move will have ${describeEffects(ctx.scenario, effects)} instead of its own effects.`,
        );
      }
      return mode({ ...m, editor: editEffects(m.editor, input, key, ctx.targets, ctx.page) });
    }
    case 'turns': {
      const path = ctx.session.path();
      if (key.escape) return toConsole(state, null);
      const cursor = moveCursor(m.cursor, path.length, input, key, ctx.page);
      if (cursor !== null) return mode({ ...m, cursor });
      if (key.return) return { state, effect: { type: 'rewind', turn: path[m.cursor]!.turn, fork: m.purpose === 'fork' } };
      return { state };
    }
    case 'branches': {
      const branches = ctx.session.branches();
      if (key.escape) return toConsole(state, null);
      if (isDown(input, key) || isUp(input, key)) return mode({ ...m, cursor: moveCursor(m.cursor, branches.length, input, key, ctx.page)! });
      const b = branches[m.cursor];
      if (key.return && b) return { state, effect: { type: 'checkout', branch: m.cursor, leaf: b.leaf, turns: b.turns } };
      if (input === 'n' && b) return mode({ kind: 'branch-name', branch: m.cursor, start: b.start, text: b.name ?? '' });
      return { state };
    }
    case 'fast': {
      if (key.escape) return toConsole(state, 'No turn played.');
      if (key.backspace || key.delete) return mode({ ...m, text: m.text.slice(0, -1) });
      if (/^[0-9]$/.test(input)) return mode({ ...m, text: `${m.text}${input}`.replace(/^0+/, '').slice(0, 3) });
      if (key.return) {
        const n = Number(m.text);
        if (!Number.isInteger(n) || n < 1) return mode(m);
        return { state: { ...state, mode: { kind: 'console' } }, effect: { type: 'fast', turns: n } };
      }
      return { state };
    }
    case 'branch-name':
      if (key.escape) return mode({ kind: 'branches', cursor: m.branch });
      if (key.return) return { state, effect: { type: 'name-branch', branch: m.branch, start: m.start, name: m.text } };
      return mode({ ...m, text: editText(m.text, input, key, MAX_BRANCH_NAME) });
    case 'timer': {
      if (key.escape) return toConsole(state, state.timer ? 'Timer not changed.' : 'No timer set.');
      if (key.return) {
        const r = parseTimer(m.text, ctx.now);
        if (!r.ok) return set({ status: r.message });
        if (r.timer === null) return toConsole({ ...state, timer: null }, state.timer ? 'Timer cleared.' : 'No timer set.');
        const what = r.timer.label ? ` for ${r.timer.label}` : '';
        return toConsole({ ...state, timer: r.timer }, `Timer: ${r.timer.minutes} minute${r.timer.minutes === 1 ? '' : 's'}${what}, on every screen and the projector.`);
      }
      return mode({ ...m, text: editText(m.text, input, key, 6 + MAX_TIMER_LABEL) });
    }
    case 'annotate':
      if (key.escape) return toConsole(state, 'Note not changed.');
      if (key.return) return { state, effect: { type: 'annotate', note: m.text.trim() } };
      return mode({ ...m, text: editText(m.text, input, key, 4000) });
    case 'console':
      return onConsole({ ...state, status: null }, input, key, ctx);
  }
}

function onConsole(state: ConsoleState, input: string, key: FacKey, ctx: ConsoleContext): ConsoleResult {
  const set = (patch: Partial<ConsoleState>): ConsoleResult => ({ state: { ...state, ...patch } });
  if (input === '?') return set({ back: { kind: 'console' }, mode: { kind: 'help' } });
  if (input === 'q') return set({ back: { kind: 'console' }, mode: { kind: 'quit' } });
  if (input === 'v') return set({ projector: !state.projector });
  if (input === 'h')
    return set({
      showRecord: !state.showRecord,
      status: state.showRecord ? 'Teams no longer see which move is on the record.' : 'Teams now see which of their moves is on the record ([on the record]).',
    });
  if (key.escape) return set({ projector: false });
  if (input === 'p') return set({ paused: !state.paused, status: state.paused ? 'Resumed.' : 'Paused: the game waits (p resumes).' });
  if (key.pageDown || input === ']') return set({ newsScroll: state.newsScroll + ctx.page });
  if (key.pageUp || input === '[') return set({ newsScroll: Math.max(0, state.newsScroll - ctx.page) });
  if (input === 's') return { state, effect: { type: 'save' } };
  if (input === 'b') return set({ mode: { kind: 'branches', cursor: Math.max(0, headBranch(ctx.session)) } });
  if (input === 'r' || input === 'f') {
    const path = ctx.session.path();
    // Rewind goes one turn back by default; a what-if most often replays the turn about to be played.
    return set({ mode: { kind: 'turns', purpose: input === 'r' ? 'rewind' : 'fork', cursor: Math.max(0, path.length - (input === 'r' ? 2 : 1)) } });
  }
  if (input === 't') return set({ mode: { kind: 'timer', text: state.timer ? `${state.timer.minutes}${state.timer.label ? ` ${state.timer.label}` : ''}` : '' } });
  // A second note starts on a line of its own, after the first (kept as it was unless edited).
  if (input === 'w') return set({ mode: { kind: 'annotate', text: ctx.session.head.note ? `${ctx.session.head.note}\n` : '' } });
  const advancing = key.return === true || input === 'n' || input === 'i' || input === 'a' || input === 'm';
  if (state.paused && advancing) return set({ status: 'Paused: press p to resume first.' });
  if (ctx.session.state.ended && advancing) return set({ status: 'The game is over: r rewinds or f forks a what-if to play on.' });
  if (input === 'i') return set({ mode: { kind: 'inject-menu', cursor: 0 } });
  if (input === 'a') return set({ mode: { kind: 'adjudicate-party', cursor: 0 } });
  if (input === 'm') {
    // Fast months spend no time on turns that are not decision turns: nothing staged is carried into them.
    if (stagedCount(state) > 0) return set({ status: 'Play or clear (x) what is staged before fast months.' });
    return set({ mode: { kind: 'fast', text: '' } });
  }
  if (input === 'x') {
    const n = stagedCount(state);
    return set({ staged: NOTHING_STAGED, status: n > 0 ? `Cleared ${n} staged change${n === 1 ? '' : 's'}.` : 'Nothing is staged.' });
  }
  // A turn starts at its decision point, with what is staged: the teams are offered the moves of that world.
  if (key.return || input === 'n') return { state: { ...state, round: null }, effect: { type: 'begin', inject: state.staged.inject } };
  return { state };
}

/** A team at the keyboard: play's keys, less those that act on the whole game; Enter records its choice in private. */
function onTeam(state: ConsoleState, team: number, input: string, key: FacKey, ctx: ConsoleContext): ConsoleResult {
  const round = state.round;
  if (!round) return toConsole(state, null);
  if (key.escape) return { state: { ...state, mode: { kind: 'handoff', team } } };
  // A team's keys are play's, less those that act on the whole session (w, u, s, q); ? opens the team's help.
  if (input === 'w' || input === 'u' || input === 's' || input === 'q') return { state };
  // The team chooses among its offers in the turn's decision context, or among the answers to the message it is asked.
  const options = teamOptions(round, team);
  const { ui, command } = reduceKey(state.teamUi, input, key, { ended: false, moves: options.length, parties: 0, options: 0, dirty: false, page: ctx.page, newsTurns: ctx.session.head.turn });
  if (command?.type !== 'play') return { state: { ...state, teamUi: ui } };
  // The team sees what it picked and confirms it (or goes back to its moves, the cursor where it was).
  return { state: { ...state, teamUi: ui, mode: { kind: 'confirm', team, choice: command.move } } };
}

/** The options a team chooses among now: its offers, or the answers to the message it is asked. */
export function teamOptions(round: Round, team: number): string[] {
  const p = round.teams[team]!;
  return round.answering ? round.answering.options.map((o) => o.reply) : round.context.parties[p]!.offers.map((o) => o.move);
}

/** Every team of the round has chosen its move. */
function allChosen(round: Round, ctx: ConsoleContext): boolean {
  return round.teams.every((p) => round.choices[ctx.scenario.parties[p]!.id] !== undefined);
}

/** A team confirms its choice (Enter) or goes back to its moves (Esc). Confirmed, the keyboard goes to the next team still to choose, or the facilitator sees the reveal. */
function onConfirm(state: ConsoleState, team: number, index: number, key: FacKey, ctx: ConsoleContext): ConsoleResult {
  const round = state.round;
  if (!round) return toConsole(state, null);
  if (key.escape) return { state: { ...state, mode: { kind: 'team', team } } };
  if (!key.return) return { state };
  const party = ctx.scenario.parties[round.teams[team]!]!;
  const choice = teamOptions(round, team)[index]!;
  if (round.answering) {
    const replies = { ...round.replies, [party.id]: { ...round.replies[party.id], [round.answering.message]: choice } };
    const next: ConsoleState = { ...state, round: { ...round, replies, answering: null }, teamUi: afterTurn(initialUi(), null) };
    return { state: next, effect: { type: 'play', inputs: pendingInputs(next) } };
  }
  const before = round.choices[party.id];
  // A ruling was made on the move the team had chosen: a new choice is another move, so the ruling goes.
  const dropRuling = before !== undefined && before !== choice && state.staged.adjudicate[party.id] !== undefined;
  const next: ConsoleState = {
    ...state,
    round: { ...round, choices: { ...round.choices, [party.id]: choice } },
    teamUi: afterTurn(initialUi(), null),
    ...(dropRuling ? { staged: withRuling(state.staged, party.id, null), status: `${party.name} changed its move: the ruling on its move was dropped.` } : {}),
  };
  const waiting = next.round!.teams.findIndex((p) => next.round!.choices[ctx.scenario.parties[p]!.id] === undefined);
  if (waiting >= 0) return { state: { ...next, mode: { kind: 'handoff', team: waiting } } };
  return { state: { ...next, mode: { kind: 'reveal', cursor: round.teams[team]! } } };
}

/** The move each party makes this turn as the round stands: a team's choice, else the computer's draw (null: no move). */
export function revealedMove(round: Round, ctx: Pick<ConsoleContext, 'scenario'>, p: number): string | null {
  return round.choices[ctx.scenario.parties[p]!.id] ?? round.context.parties[p]!.policy;
}

/** The expected effects of a party's move, as the editor's typed amounts (a ruling on amounts starts from them). */
function expectedAmounts(round: Round, p: number, move: string, targets: readonly EffectTarget[]): Record<string, string> {
  const offer = round.context.parties[p]!.offers.find((o) => o.move === move);
  const out: Record<string, string> = {};
  for (const e of offer?.effects ?? []) {
    const key = targetKeyOf(targets, e.key);
    const v = Math.round(e.amount * 100) / 100;
    if (key === null || (e.op === 'add' && v === 0)) continue;
    out[key] = e.op === 'set' ? `=${v}` : v > 0 ? `+${v}` : String(v);
  }
  return out;
}

/** An effect's key as written (`rel(b, a)`, spaces and all) as the editor's target key. */
function targetKeyOf(targets: readonly EffectTarget[], key: string): string | null {
  if (targets.some((t) => t.key === key)) return key;
  const rel = /^rel\(\s*([a-z0-9_]+)\s*,\s*([a-z0-9_]+)\s*\)$/.exec(key);
  if (!rel) return null;
  return targets.find((t) => t.key === `rel(${rel[1]},${rel[2]})` || t.key === `rel(${rel[2]},${rel[1]})`)?.key ?? null;
}

/**
 * The reveal: every party's move, for the facilitator to rule on before the
 * turn resolves — s succeeds, f fails, e other amounts, d drops the ruling
 * (the dice decide), c hands the keyboard back to a team to change its choice
 * (the others' are kept), Enter resolves, x cancels the turn.
 */
function onReveal(state: ConsoleState, cursor: number, input: string, key: FacKey, ctx: ConsoleContext): ConsoleResult {
  const round = state.round;
  if (!round) return toConsole(state, null);
  const set = (patch: Partial<ConsoleState>): ConsoleResult => ({ state: { ...state, status: null, ...patch } });
  const n = ctx.scenario.parties.length;
  if (isDown(input, key)) return set({ mode: { kind: 'reveal', cursor: Math.min(n - 1, cursor + 1) } });
  if (isUp(input, key)) return set({ mode: { kind: 'reveal', cursor: Math.max(0, cursor - 1) } });
  if (input === '?') return set({ back: { kind: 'reveal', cursor }, mode: { kind: 'help' } });
  if (key.return) return { state: { ...state, status: null }, effect: { type: 'play', inputs: pendingInputs(state) } };
  if (input === 'x') return toConsole({ ...state, round: null }, 'Turn cancelled: no team choice was kept (rulings stay staged; x on the console clears them).');
  const party = ctx.scenario.parties[cursor]!;
  const move = revealedMove(round, ctx, cursor);
  if (input === 'c') {
    const team = round.teams.indexOf(cursor);
    if (team < 0) return set({ status: `${party.name} is played by the computer: only a team's choice can be changed.` });
    return set({ mode: { kind: 'handoff', team } });
  }
  const rule = (effects: Effects | null, status: string, fails = false): ConsoleResult => set({ staged: withRuling(state.staged, party.id, effects, fails), status });
  if (input === 'd' || key.backspace || key.delete)
    return state.staged.adjudicate[party.id] ? rule(null, `No ruling on ${party.name}'s move: the dice decide.`) : set({ status: `There is no ruling on ${party.name}'s move.` });
  if (input !== 's' && input !== 'f' && input !== 'e') return { state };
  if (move === null) return set({ status: `${party.name} makes no move this turn: there is nothing to rule on.` });
  if (input === 's') return rule(successRuling(ctx.scenario, party.id, move), `Ruled: ${party.name}'s move succeeds.`);
  if (input === 'f') return rule(failureRuling(ctx.scenario, party.id, move), `Ruled: ${party.name}'s move fails (and sends nothing).`, true);
  const staged = state.staged.adjudicate[party.id];
  const amounts = staged && rulingKind(ctx.scenario, party.id, move, staged, failedRulings(state.staged).includes(party.id)) === 'amounts' ? amountsOf(staged) : expectedAmounts(round, cursor, move, ctx.targets);
  return set({ mode: { kind: 'adjudicate-effects', party: cursor, editor: { cursor: 0, amounts }, back: 'reveal' } });
}
