/**
 * The facilitator's session as a model: the engine session, what is staged
 * for the next turn (injects, rulings), the hot-seat round (each team's
 * choice, kept out of sight until the turn resolves), and the screen the
 * keyboard is on. Keys are handled synchronously against this object, so
 * keys arriving several to a chunk (tmux, a paste) each see the state the
 * previous one left; the ink component only draws it.
 *
 * Every change to the session (a turn, a rewind, a branch switch, a note) is
 * saved at once through `persist`, so a save replays exactly what was done.
 */
import { monthText, saveSession, type CompiledScenario, type Effects, type Inject, type PendingReply, type Session, type TurnInputs } from '@wargame/engine';
import { offeredMoves } from '../briefing-model.js';
import { afterTurn, initialUi, reduceKey, type KeyInfo, type UiState } from '../ui-state.js';
import { customEventId, describeEffects, draftEffects, effectTargets, parseAmount, type EffectTarget } from './effects-draft.js';

export interface FacKey extends KeyInfo {
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** The branch the head is on (the first whose path holds the head node, also after a rewind). */
export function headBranch(session: Session): number {
  return session.branches().findIndex((b) => b.isHead);
}

/** The key flags of one character taken from a run of input. */
function charKey(ch: string): FacKey {
  if (ch === '\r' || ch === '\n') return { return: true };
  if (ch === '\t') return { tab: true };
  if (ch === '\u007f' || ch === '\b') return { backspace: true };
  return {};
}

/** A hand-written set of effects being edited: one amount per target. */
export interface EffectsEditor {
  cursor: number;
  amounts: Map<string, string>;
}

export type Mode =
  | { kind: 'console' }
  | { kind: 'handoff'; team: number }
  | { kind: 'team'; team: number }
  | { kind: 'inject-menu'; cursor: number }
  | { kind: 'inject-event'; cursor: number }
  | { kind: 'custom-label'; text: string }
  | { kind: 'custom-effects'; label: string; editor: EffectsEditor }
  | { kind: 'adjudicate-party'; cursor: number }
  | { kind: 'adjudicate-effects'; party: number; editor: EffectsEditor }
  | { kind: 'turns'; purpose: 'rewind' | 'fork'; cursor: number }
  | { kind: 'branches'; cursor: number }
  | { kind: 'annotate'; text: string }
  | { kind: 'help' }
  | { kind: 'quit' };

export interface Staged {
  inject: Inject[];
  adjudicate: Record<string, Effects>;
}

export interface FacilitatorOptions {
  scenario: CompiledScenario;
  session: Session;
  /** Party indices played by teams at the keyboard, in the order they take it. */
  teams: readonly number[];
  savePath: string;
  /** Writes the save file (atomically in the CLI); may throw with a message to show. */
  writeSave: (path: string, text: string) => void;
}

const wrap = (i: number, n: number) => (n <= 0 ? 0 : ((i % n) + n) % n);
const isDown = (input: string, key: FacKey) => key.downArrow === true || input === 'j';
const isUp = (input: string, key: FacKey) => key.upArrow === true || input === 'k';
const printable = (input: string, key: FacKey) => input.length > 0 && !key.ctrl && !key.escape && !key.return && !key.tab && !/[\u0000-\u001f\u007f]/.test(input);

export class Facilitator {
  readonly scenario: CompiledScenario;
  readonly session: Session;
  readonly teams: readonly number[];
  readonly savePath: string;
  readonly targets: EffectTarget[];
  private readonly writeSave: FacilitatorOptions['writeSave'];

  mode: Mode = { kind: 'console' };
  /** The screen a help or quit overlay returns to. */
  private back: Mode = { kind: 'console' };
  paused = false;
  projector = false;
  status: string | null = null;
  staged: Staged = { inject: [], adjudicate: {} };
  /** The hot-seat round in progress: each team's choice (party id → move id), never shown before the turn resolves. */
  private round: Record<string, string> = {};
  /** Teams' answers to messages this turn, and the message a team is being asked to answer now. */
  private replies: Record<string, Record<string, string>> = {};
  answering: PendingReply | null = null;
  /** Teams that play this round (those with a move available). */
  roundTeams: number[] = [];
  teamUi: UiState = initialUi();
  /** Set by a fork: the turn the what-if starts after, until its first turn is played. */
  whatIf: { from: number } | null = null;
  /** Lines a page scroll moves, set by the screen for its size. */
  page = 5;
  newsScroll = 0;
  /** The last save failed (the message is in the status). */
  saveFailed = false;
  saves = 0;
  /** Bumped on every change, for React. */
  version = 0;

  constructor(opts: FacilitatorOptions) {
    this.scenario = opts.scenario;
    this.session = opts.session;
    this.teams = opts.teams;
    this.savePath = opts.savePath;
    this.writeSave = opts.writeSave;
    this.targets = effectTargets(opts.scenario);
  }

  /** How many teams have chosen this round (never which move). */
  get chosenCount(): number {
    return Object.keys(this.round).length;
  }

  get stagedCount(): number {
    return this.staged.inject.length + Object.keys(this.staged.adjudicate).length;
  }

  /** Writes the session to the save file. */
  persist(): boolean {
    try {
      this.writeSave(this.savePath, `${JSON.stringify(saveSession(this.session), null, 2)}\n`);
      this.saveFailed = false;
      this.saves++;
      return true;
    } catch (e) {
      this.saveFailed = true;
      this.status = `✖ Autosave to ${this.savePath} failed: ${(e as Error).message}`;
      return false;
    }
  }

  /** Handles one key; returns true when the facilitator has asked to quit. */
  key(input: string, key: FacKey): boolean {
    this.version++;
    const chars = [...input];
    // Ink hands over a run of plain characters (a paste, tmux send-keys, a fast typist) as one input: take them one by one.
    if (chars.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001b')) {
      for (const ch of chars) if (this.dispatch(ch === '\r' || ch === '\n' ? '' : ch, charKey(ch))) return true;
      return false;
    }
    return this.dispatch(input, key);
  }

  private dispatch(input: string, key: FacKey): boolean {
    const m = this.mode;
    switch (m.kind) {
      case 'help':
        this.mode = this.back;
        return false;
      case 'quit':
        if (input === 'y' || input === 'Y') return true;
        if (input === 'n' || input === 'N' || key.escape || input === 'q') {
          this.mode = this.back;
          this.status = 'Still running.';
        }
        return false;
      case 'handoff':
        return this.onHandoff(m, input, key);
      case 'team':
        return this.onTeam(m, input, key);
      case 'inject-menu':
        if (key.escape) return this.toConsole(null);
        if (isDown(input, key) || isUp(input, key)) m.cursor = 1 - m.cursor;
        else if (input === 'e') this.mode = { kind: 'inject-event', cursor: 0 };
        else if (input === 'w') this.mode = { kind: 'custom-label', text: '' };
        else if (key.return) this.mode = m.cursor === 0 ? { kind: 'inject-event', cursor: 0 } : { kind: 'custom-label', text: '' };
        return false;
      case 'inject-event': {
        const events = this.scenario.events;
        if (key.escape) {
          this.mode = { kind: 'inject-menu', cursor: 0 };
          return false;
        }
        if (isDown(input, key)) m.cursor = Math.min(events.length - 1, m.cursor + 1);
        else if (isUp(input, key)) m.cursor = Math.max(0, m.cursor - 1);
        else if (key.pageDown) m.cursor = Math.min(events.length - 1, m.cursor + this.page);
        else if (key.pageUp) m.cursor = Math.max(0, m.cursor - this.page);
        else if (key.return && events[m.cursor]) {
          const e = events[m.cursor]!;
          this.staged.inject.push({ event: e.id });
          return this.toConsole(`Staged for the next turn: ⚡ ${e.label}.`);
        }
        return false;
      }
      case 'custom-label':
        if (key.escape) {
          this.mode = { kind: 'inject-menu', cursor: 1 };
          return false;
        }
        if (key.return) {
          const label = m.text.trim();
          if (!label) {
            this.status = 'Give the event a headline first.';
            return false;
          }
          this.mode = { kind: 'custom-effects', label, editor: { cursor: 0, amounts: new Map() } };
          return false;
        }
        m.text = this.editText(m.text, input, key, 200);
        return false;
      case 'custom-effects': {
        if (key.escape) {
          this.mode = { kind: 'custom-label', text: m.label };
          return false;
        }
        if (key.return) {
          const effects = draftEffects(this.targets, m.editor.amounts);
          if (Object.keys(effects).length === 0) {
            this.status = 'Type an amount for at least one indicator (+5, -3 or =40).';
            return false;
          }
          const taken = [...this.scenario.events.map((e) => e.id), ...this.staged.inject.map((i) => ('event' in i ? i.event : i.custom.id))];
          const id = customEventId(m.label, taken);
          this.staged.inject.push({ custom: { id, label: m.label, effects } });
          return this.toConsole(`Staged for the next turn: ⚡ ${m.label} (${describeEffects(this.scenario, effects)}).`);
        }
        this.editEffects(m.editor, input, key);
        return false;
      }
      case 'adjudicate-party': {
        const n = this.scenario.parties.length;
        if (key.escape) return this.toConsole(null);
        if (isDown(input, key)) m.cursor = Math.min(n - 1, m.cursor + 1);
        else if (isUp(input, key)) m.cursor = Math.max(0, m.cursor - 1);
        else if (key.return) {
          const party = this.scenario.parties[m.cursor]!;
          const amounts = new Map<string, string>();
          for (const [k, v] of Object.entries(this.staged.adjudicate[party.id] ?? {})) amounts.set(k, typeof v === 'number' ? (v > 0 ? `+${v}` : String(v)) : 'set' in (v as object) ? `=${String((v as { set: number }).set)}` : '');
          this.mode = { kind: 'adjudicate-effects', party: m.cursor, editor: { cursor: 0, amounts } };
        }
        return false;
      }
      case 'adjudicate-effects': {
        if (key.escape) {
          this.mode = { kind: 'adjudicate-party', cursor: m.party };
          return false;
        }
        if (key.return) {
          const party = this.scenario.parties[m.party]!;
          const effects = draftEffects(this.targets, m.editor.amounts);
          if (Object.keys(effects).length === 0) {
            delete this.staged.adjudicate[party.id];
            return this.toConsole(`No ruling for ${party.name}: its move will have its own effects.`);
          }
          this.staged.adjudicate[party.id] = effects;
          return this.toConsole(`Ruling staged: ${party.name}'s move will have ${describeEffects(this.scenario, effects)} instead of its own effects.`);
        }
        this.editEffects(m.editor, input, key);
        return false;
      }
      case 'turns': {
        const path = this.session.path();
        if (key.escape) return this.toConsole(null);
        if (isDown(input, key)) m.cursor = Math.min(path.length - 1, m.cursor + 1);
        else if (isUp(input, key)) m.cursor = Math.max(0, m.cursor - 1);
        else if (key.pageDown) m.cursor = Math.min(path.length - 1, m.cursor + this.page);
        else if (key.pageUp) m.cursor = Math.max(0, m.cursor - this.page);
        else if (key.return) return m.purpose === 'rewind' ? this.rewind(path[m.cursor]!.turn) : this.fork(path[m.cursor]!.turn);
        return false;
      }
      case 'branches': {
        const branches = this.session.branches();
        if (key.escape) return this.toConsole(null);
        if (isDown(input, key)) m.cursor = Math.min(branches.length - 1, m.cursor + 1);
        else if (isUp(input, key)) m.cursor = Math.max(0, m.cursor - 1);
        else if (key.return && branches[m.cursor]) {
          const b = branches[m.cursor]!;
          this.session.checkout(b.leaf);
          this.whatIf = null;
          this.newsScroll = 0;
          this.persist();
          return this.toConsole(this.saveFailed ? this.status : `Switched to branch ${m.cursor + 1} (turn ${b.turns}); saved.`);
        }
        return false;
      }
      case 'annotate':
        if (key.escape) return this.toConsole('Note not changed.');
        if (key.return) {
          const note = m.text.trim();
          this.session.annotate(note);
          this.persist();
          const where = this.session.head.turn === 0 ? 'the start' : `turn ${this.session.head.turn}`;
          return this.toConsole(this.saveFailed ? this.status : note ? `Note added to ${where}; saved.` : `Note cleared from ${where}; saved.`);
        }
        m.text = this.editText(m.text, input, key, 4000);
        return false;
      case 'console':
        return this.onConsole(input, key);
    }
  }

  private toConsole(status: string | null): false {
    this.mode = { kind: 'console' };
    this.status = status;
    return false;
  }

  private editText(text: string, input: string, key: FacKey, max: number): string {
    if (key.backspace || key.delete) return [...text].slice(0, -1).join('');
    if (printable(input, key)) return [...(text + input)].slice(0, max).join('');
    return text;
  }

  private editEffects(editor: EffectsEditor, input: string, key: FacKey): void {
    const n = this.targets.length;
    if (key.downArrow || key.tab) editor.cursor = wrap(editor.cursor + 1, n);
    else if (key.upArrow) editor.cursor = wrap(editor.cursor - 1, n);
    else if (key.pageDown) editor.cursor = Math.min(n - 1, editor.cursor + this.page);
    else if (key.pageUp) editor.cursor = Math.max(0, editor.cursor - this.page);
    else {
      const t = this.targets[editor.cursor]!;
      const current = editor.amounts.get(t.key) ?? '';
      let next = current;
      if (key.backspace || key.delete) next = [...current].slice(0, -1).join('');
      else if (/^[0-9+\-−=.]+$/.test(input)) next = (current + input).slice(0, 12);
      else return;
      if (next === '') editor.amounts.delete(t.key);
      else editor.amounts.set(t.key, next);
    }
  }

  private onConsole(input: string, key: FacKey): boolean {
    this.status = null;
    if (input === '?') {
      this.back = { kind: 'console' };
      this.mode = { kind: 'help' };
      return false;
    }
    if (input === 'q') {
      this.back = { kind: 'console' };
      this.mode = { kind: 'quit' };
      return false;
    }
    if (input === 'v') {
      this.projector = !this.projector;
      return false;
    }
    if (key.escape) {
      if (this.projector) this.projector = false;
      return false;
    }
    if (input === 'p') {
      this.paused = !this.paused;
      this.status = this.paused ? 'Paused: the game waits (p resumes).' : 'Resumed.';
      return false;
    }
    if (key.pageDown || input === ']') {
      this.newsScroll += this.page;
      return false;
    }
    if (key.pageUp || input === '[') {
      this.newsScroll = Math.max(0, this.newsScroll - this.page);
      return false;
    }
    if (input === 's') {
      if (this.persist()) this.status = `Saved to ${this.savePath}.`;
      return false;
    }
    if (input === 'b') {
      this.mode = { kind: 'branches', cursor: Math.max(0, headBranch(this.session)) };
      return false;
    }
    if (input === 'r' || input === 'f') {
      const path = this.session.path();
      // Rewind goes one turn back by default; a what-if most often replays the turn about to be played.
      this.mode = { kind: 'turns', purpose: input === 'r' ? 'rewind' : 'fork', cursor: Math.max(0, path.length - (input === 'r' ? 2 : 1)) };
      return false;
    }
    if (input === 't') {
      this.mode = { kind: 'annotate', text: this.session.head.note ?? '' };
      return false;
    }
    if (this.paused && (key.return || input === 'n' || input === 'i' || input === 'a')) {
      this.status = 'Paused: press p to resume first.';
      return false;
    }
    if (this.session.state.ended && (key.return || input === 'n' || input === 'i' || input === 'a')) {
      this.status = 'The game is over: r rewinds or f forks a what-if to play on.';
      return false;
    }
    if (input === 'i') {
      this.mode = { kind: 'inject-menu', cursor: 0 };
      return false;
    }
    if (input === 'a') {
      this.mode = { kind: 'adjudicate-party', cursor: 0 };
      return false;
    }
    if (input === 'x') {
      const n = this.stagedCount;
      this.staged = { inject: [], adjudicate: {} };
      this.status = n > 0 ? `Cleared ${n} staged change${n === 1 ? '' : 's'}.` : 'Nothing is staged.';
      return false;
    }
    if (key.return || input === 'n') return this.startRound();
    return false;
  }

  /** The moves a team's party is offered this turn, in menu order. */
  offers(p: number): string[] {
    return offeredMoves(this.scenario, this.session, p, this.staged.inject.length > 0 ? { inject: [...this.staged.inject] } : {});
  }

  /** Starts a turn: hands the keyboard to each team in turn, or resolves at once with no team to ask. */
  private startRound(): false {
    this.round = {};
    this.replies = {};
    this.answering = null;
    // Teams choose among what the turn will offer them: the world after this turn's events (and the staged injects).
    this.roundTeams = this.teams.filter((p) => this.offers(p).length > 0);
    if (this.roundTeams.length === 0) return this.resolve();
    this.mode = { kind: 'handoff', team: 0 };
    return false;
  }

  private onHandoff(m: { team: number }, input: string, key: FacKey): false {
    if (key.escape) {
      this.round = {};
      return this.toConsole('Turn cancelled: no team choice was kept.');
    }
    if (key.return) {
      this.teamUi = initialUi();
      this.mode = { kind: 'team', team: m.team };
    }
    return false;
  }

  private onTeam(m: { team: number }, input: string, key: FacKey): false {
    if (key.escape) {
      this.mode = { kind: 'handoff', team: m.team };
      return false;
    }
    // The student's keys of `wargame play`, less those that act on the whole game.
    if (input === 'w' || input === 'u' || input === 's' || input === 'q' || input === '?') return false;
    const p = this.roundTeams[m.team]!;
    const answering = this.answering;
    const moves = answering ? answering.options.map((o) => o.reply) : this.offers(p);
    const { ui, command } = reduceKey(this.teamUi, input, key, { ended: false, moves: moves.length, parties: 0, options: 0, dirty: false, page: this.page });
    this.teamUi = ui;
    if (command?.type !== 'play') return false;
    const choice = moves[command.move]!;
    const id = this.scenario.parties[p]!.id;
    if (answering) {
      // The team answers the message its party received; the turn is played again with every answer so far.
      this.replies[id] = { ...(this.replies[id] ?? {}), [answering.message]: choice };
      this.answering = null;
      this.teamUi = afterTurn(initialUi(), null);
      return this.resolve();
    }
    this.round[id] = choice;
    this.teamUi = afterTurn(initialUi(), null);
    if (m.team + 1 < this.roundTeams.length) {
      this.mode = { kind: 'handoff', team: m.team + 1 };
      return false;
    }
    return this.resolve();
  }

  /** Plays the turn with the teams' choices and what is staged; the computer plays every other party. */
  private resolve(): false {
    const inputs: TurnInputs = {
      ...(Object.keys(this.round).length > 0 ? { choices: { ...this.round } } : {}),
      ...(Object.keys(this.replies).length > 0 ? { replies: structuredClone(this.replies) } : {}),
      ...(this.staged.inject.length > 0 ? { inject: [...this.staged.inject] } : {}),
      ...(Object.keys(this.staged.adjudicate).length > 0 ? { adjudicate: { ...this.staged.adjudicate } } : {}),
    };
    const before = this.session.nodes.length;
    const parent = this.session.head.id;
    const siblings = this.session.nodes.filter((n) => n.parent === parent).length;
    const r = this.session.advance(inputs);
    if (!r.ok && r.error.code === 'reply/needed' && r.error.pending && r.error.pending.length > 0) {
      // A team's party received a message: hand the keyboard to that team to answer it, privately.
      const asked = r.error.pending[0]!;
      const team = this.roundTeams.findIndex((p) => this.scenario.parties[p]!.id === asked.party);
      if (team >= 0) {
        this.answering = asked;
        this.mode = { kind: 'handoff', team };
        return false;
      }
    }
    this.round = {};
    this.replies = {};
    if (!r.ok) return this.toConsole(`✖ The turn was refused: ${r.error.message}`);
    const fresh = this.session.nodes.length > before;
    this.staged = { inject: [], adjudicate: {} };
    this.whatIf = null;
    this.newsScroll = 0;
    this.persist();
    if (this.saveFailed) return this.toConsole(this.status);
    const what = !fresh ? ' with the same inputs as before: back on the existing branch' : siblings > 0 ? ` on a new branch (${this.session.branches().length} branches)` : '';
    return this.toConsole(`Turn ${r.log.turn} (${r.log.date}) resolved${what}; autosaved.`);
  }

  private rewind(turn: number): false {
    const r = this.session.rewind(turn);
    if (!r.ok) return this.toConsole(`✖ ${r.error.message}`);
    this.whatIf = null;
    this.newsScroll = 0;
    this.persist();
    return this.toConsole(this.saveFailed ? this.status : `Rewound to ${this.turnName(turn)}; the later turns stay on their branch (b). Autosaved.`);
  }

  private fork(turn: number): false {
    const r = this.session.rewind(turn);
    if (!r.ok) return this.toConsole(`✖ ${r.error.message}`);
    this.whatIf = { from: turn };
    this.newsScroll = 0;
    this.persist();
    return this.toConsole(
      this.saveFailed ? this.status : `What-if from ${this.turnName(turn)}: stage an inject (i) or a ruling (a), then Enter plays it as a new branch.`,
    );
  }

  /** "the start (2023-10)" or "turn 3 (2023-12)": a state named by the turns played to reach it. */
  turnName(turn: number): string {
    const month = monthText(this.scenario.calendar.start + turn * this.scenario.calendar.step);
    return turn === 0 ? `the start (${month})` : `after turn ${turn} (${month})`;
  }
}
