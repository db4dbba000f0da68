/**
 * A session: the tree of every turn played from one start (seed, parameters),
 * with a head that can rewind to any earlier turn, fork a branch with other
 * inputs, and switch between branches. Each node keeps only its inputs and
 * state hash for saving; states are cached in memory and can always be rebuilt
 * by replaying inputs from the root.
 */
import type { MachineDriver } from '../actors/machines.js';
import type { CompiledScenario } from '../scenario/compiled.js';
import { canonicalJson } from '../util/hash.js';
import type { TurnError, TurnInputs } from '../sim/inputs.js';
import { evaluateOutcomes, type OutcomeResult } from '../sim/outcomes.js';
import { createInitialState, stateHash, type GameState, type InitError, type Params } from '../sim/state.js';
import { stepTurn, type TurnLog } from '../sim/step-turn.js';
import { MAX_BRANCH_NAME, MAX_SESSION_NODES } from './limits.js';

export interface SessionNode {
  id: number;
  parent: number | null;
  /** Turns played when this node's state is reached (0 for the root). */
  turn: number;
  /** The inputs of the turn that led here (null for the root). */
  inputs: TurnInputs | null;
  hash: string;
  /** The turn's log (null for the root). */
  log: TurnLog | null;
  /** A facilitator's annotation, added after the turn. */
  note?: string;
  /** The name of the branch this node begins (see `branches`), given by the facilitator. */
  branchName?: string;
}

export interface BranchInfo {
  /** The leaf node that ends the branch. */
  leaf: number;
  /** The branch's first node: the root (branch 1) or the first node after its fork. */
  start: number;
  /** The name the facilitator gave it, if any. */
  name?: string;
  /** Turns played on the branch. */
  turns: number;
  /** Turn after which it parts from the branch that came before it (0 for the first branch). */
  forkedAt: number;
  /** The branch the head is on (after a rewind, the first branch through it). */
  isHead: boolean;
}

export type SessionError = { code: 'session/turn-range' | 'session/node-unknown' | 'session/full'; message: string } | TurnError;

export class Session {
  private readonly nodeList: SessionNode[] = [];
  private readonly states = new Map<number, GameState>();
  private headId = 0;
  /** Children of each node by the canonical JSON of their inputs, so advancing onto an existing child costs no scan. */
  private readonly children = new Map<number, Map<string, number>>();

  private constructor(
    readonly scenario: CompiledScenario,
    readonly seed: string,
    readonly params: Record<string, number>,
    readonly driver: MachineDriver,
    initial: GameState,
  ) {
    this.nodeList.push({ id: 0, parent: null, turn: 0, inputs: null, hash: stateHash(initial), log: null });
    this.states.set(0, initial);
  }

  /**
   * Starts a session at the scenario's first turn.
   *
   * @example
   * const r = Session.create(scenario, { seed: '42' });
   * if (r.ok) r.session.advance({ choices: { armenia: 'request_eu_mission' } });
   */
  static create(
    scenario: CompiledScenario,
    init: { seed: string; params?: Params; driver?: MachineDriver },
  ): { ok: true; session: Session } | { ok: false; error: InitError } {
    const r = createInitialState(scenario, { seed: init.seed, ...(init.params ? { params: init.params } : {}) });
    if (!r.ok) return r;
    const params = Object.fromEntries(scenario.parameters.map((p, i) => [p.id, r.state.params[i]!]));
    return { ok: true, session: new Session(scenario, init.seed, params, init.driver ?? 'xstate', r.state) };
  }

  get head(): SessionNode {
    return this.nodeList[this.headId]!;
  }

  get nodes(): readonly SessionNode[] {
    return this.nodeList;
  }

  /** The state at the head. */
  get state(): GameState {
    return this.stateOf(this.headId);
  }

  /** The state at any node, replayed from the nearest cached ancestor if needed. */
  stateOf(id: number): GameState {
    const cached = this.states.get(id);
    if (cached) return cached;
    const node = this.nodeList[id]!;
    const parent = this.stateOf(node.parent!);
    const r = stepTurn(this.scenario, parent, node.inputs ?? {}, { driver: this.driver });
    if (!r.ok) throw new Error(`internal: a recorded turn failed to replay: ${r.error.message}`);
    this.states.set(id, r.state);
    return r.state;
  }

  /** Nodes from the root to the head. */
  path(id = this.headId): SessionNode[] {
    const out: SessionNode[] = [];
    for (let n: SessionNode | undefined = this.nodeList[id]; n; n = n.parent === null ? undefined : this.nodeList[n.parent]) out.push(n);
    return out.reverse();
  }

  /** The turn logs from the start to the head. */
  history(): TurnLog[] {
    return this.path()
      .map((n) => n.log)
      .filter((l): l is TurnLog => l !== null);
  }

  outcomes(): Record<string, OutcomeResult> {
    return evaluateOutcomes(this.scenario, this.state);
  }

  /**
   * Plays the next turn from the head. Playing inputs that a child of the head
   * already has moves onto that child instead of duplicating it.
   */
  advance(inputs: TurnInputs = {}): { ok: true; log: TurnLog; node: SessionNode } | { ok: false; error: SessionError } {
    const key = canonicalJson(inputs);
    const known = this.children.get(this.headId)?.get(key);
    const existing = known === undefined ? undefined : this.nodeList[known];
    if (existing) {
      this.headId = existing.id;
      return { ok: true, log: existing.log!, node: existing };
    }
    if (this.nodeList.length >= MAX_SESSION_NODES)
      return { ok: false, error: { code: 'session/full', message: `this session holds ${MAX_SESSION_NODES} turns over all its branches, the most a save may hold: save it and start a new one` } };
    const r = stepTurn(this.scenario, this.state, inputs, { driver: this.driver });
    if (!r.ok) return r;
    const node: SessionNode = { id: this.nodeList.length, parent: this.headId, turn: this.head.turn + 1, inputs: JSON.parse(JSON.stringify(inputs)) as TurnInputs, hash: r.log.stateHash, log: r.log };
    this.nodeList.push(node);
    this.index(node);
    this.states.set(node.id, r.state);
    this.headId = node.id;
    return { ok: true, log: r.log, node };
  }

  /** Moves the head back to the state after `turn` turns on the current branch (0: the start). Later turns stay in the tree. */
  rewind(turn: number): { ok: true } | { ok: false; error: SessionError } {
    if (!Number.isInteger(turn) || turn < 0 || turn > this.head.turn)
      return { ok: false, error: { code: 'session/turn-range', message: `cannot rewind to turn ${turn}: the head is at turn ${this.head.turn}` } };
    this.headId = this.path()[turn]!.id;
    return { ok: true };
  }

  /** Rewinds to `turn` and plays the next turn with other inputs: a new branch; the old one stays. */
  fork(turn: number, inputs: TurnInputs): { ok: true; log: TurnLog; node: SessionNode } | { ok: false; error: SessionError } {
    const from = this.headId;
    const r = this.rewind(turn);
    if (!r.ok) return r;
    const step = this.advance(inputs);
    if (!step.ok) this.headId = from;
    return step;
  }

  /** Moves the head to any node (switching branch). */
  checkout(id: number): { ok: true } | { ok: false; error: SessionError } {
    if (!Number.isInteger(id) || id < 0 || id >= this.nodeList.length)
      return { ok: false, error: { code: 'session/node-unknown', message: `no node ${id} in this session (0–${this.nodeList.length - 1})` } };
    this.headId = id;
    return { ok: true };
  }

  /** Annotates the head node. */
  annotate(note: string): void {
    this.nodeList[this.headId] = { ...this.head, note };
  }

  /**
   * The branches of the tree, each numbered for life by the order it began.
   * A branch starts at the root or at a node that is not its parent's first
   * child (a fork), and runs on through first children to its leaf, so every
   * node is on exactly one branch: playing on, rewinding or forking elsewhere
   * never renumbers a branch.
   */
  branches(): BranchInfo[] {
    const firstChild = new Map<number, number>();
    for (const n of this.nodeList) if (n.parent !== null && !firstChild.has(n.parent)) firstChild.set(n.parent, n.id);
    const out: BranchInfo[] = [];
    for (const start of this.nodeList) {
      if (start.parent !== null && firstChild.get(start.parent) === start.id) continue;
      let leaf = start;
      let isHead = leaf.id === this.headId;
      for (let next = firstChild.get(leaf.id); next !== undefined; next = firstChild.get(leaf.id)) {
        leaf = this.nodeList[next]!;
        if (leaf.id === this.headId) isHead = true;
      }
      const forkedAt = start.parent === null ? 0 : this.nodeList[start.parent]!.turn;
      out.push({ leaf: leaf.id, start: start.id, turns: leaf.turn, forkedAt, isHead, ...(start.branchName === undefined ? {} : { name: start.branchName }) });
    }
    return out;
  }

  /**
   * Names a branch (by its first node, `BranchInfo.start`); the name is kept on
   * that node, so it goes into the save. Control characters are dropped, the
   * name is cut to MAX_BRANCH_NAME characters, and an empty name clears it.
   */
  nameBranch(start: number, name: string): { ok: true } | { ok: false; error: SessionError } {
    const branch = this.branches().find((b) => b.start === start);
    if (!branch) return { ok: false, error: { code: 'session/node-unknown', message: `node ${start} does not begin a branch` } };
    const node = this.nodeList[start]!;
    const clean = [...name.replace(/\p{Cc}/gu, ' ').trim()].slice(0, MAX_BRANCH_NAME).join('').trim();
    if (clean === '') delete node.branchName;
    else node.branchName = clean;
    return { ok: true };
  }

  private index(node: SessionNode): void {
    if (node.parent === null) return;
    let map = this.children.get(node.parent);
    if (!map) {
      map = new Map();
      this.children.set(node.parent, map);
    }
    // The first child with these inputs wins, as a scan in node order would find.
    const key = canonicalJson(node.inputs);
    if (!map.has(key)) map.set(key, node.id);
  }

  /** @internal used by loading: append a replayed node. */
  static restore(session: Session, nodes: SessionNode[], states: GameState[], head: number): void {
    session.nodeList.length = 0;
    session.nodeList.push(...nodes);
    session.children.clear();
    for (const n of nodes) session.index(n);
    session.states.clear();
    states.forEach((s, i) => {
      session.states.set(i, s);
    });
    session.headId = head;
  }
}
