/**
 * A scenario after loading: every name resolved to an index, every condition and
 * effect compiled once to a closure. The turn loop reads only this form, so it
 * never re-interprets scenario text, and a batch path can run the same tables
 * without XState's interpreter.
 */
import type { BoolFn, NumFn, Symbols } from '../expr/compile.js';
import type { WorldReads } from '../expr/reads.js';
import type { AnyStateMachine } from 'xstate';
import type { Citation, Outcome, ScenarioDoc } from './schema.js';

export type EffectTarget = { kind: 'indicator'; index: number } | { kind: 'relation'; index: number };

export interface CompiledEffect {
  /** As written, e.g. `lachin_access` or `rel(armenia,russia)`. */
  key: string;
  target: EffectTarget;
  op: 'add' | 'set';
  /** A fixed amount, a uniform range, or an expression evaluated on the world before moves resolve. */
  amount: { kind: 'fixed'; value: number } | { kind: 'range'; lo: number; hi: number } | { kind: 'expr'; fn: NumFn };
}

export interface CompiledMove {
  id: string;
  label: string;
  description?: string;
  /** Index within its party. */
  index: number;
  /** Index across all parties (for move counters). */
  global: number;
  /** Available in posture i when `postures[i]`. */
  postures: boolean[];
  when: BoolFn | null;
  whenText?: string;
  chance: NumFn | null;
  effects: CompiledEffect[];
  failure: CompiledEffect[];
  /** Messages sent when the move succeeds. */
  sends: { message: number; to: number[] }[];
  /** For a reaction move: the messages (indices) it answers; empty for an ordinary move. */
  reactsTo: number[];
  /** Moves (global indices) this one excludes once made, and for how many turns. */
  excludes: { moves: number[]; turns: number } | null;
  /** Moves (global indices) whose making excludes this one, with their turns. */
  excludedBy: { move: number; turns: number }[];
  /** Who learns that the move was made (by party index), or null: everyone. */
  visibleTo: boolean[] | null;
  cite: Citation[];
}

/** A message parties may send each other (`messages:`), answered in the turn's reaction phase. */
export interface CompiledMessage {
  id: string;
  label: string;
  description?: string;
  kind: 'proposal' | 'demand' | 'threat' | 'guarantee' | 'request';
  index: number;
  /** Applied when a receiver accepts. */
  terms: CompiledEffect[];
  /** Applied when a receiver rejects. */
  onReject: CompiledEffect[];
  /** Created by acceptance: for `turns` turns, each listed party's listed moves (local indices) break it, at `cost`. */
  commitment: { turns: number; breaks: { party: number; moves: number[] }[]; cost: CompiledEffect[] } | null;
  cite: Citation[];
}

export interface CompiledInterest {
  id: string;
  text: string;
  /** Weight by posture index. */
  weights: number[];
  /** The interest's utility in a world (higher is better). */
  utility: NumFn;
  /** What the utility reads, as the checker resolved it: a move that writes none of it cannot change this interest. */
  reads: WorldReads;
  cite: Citation[];
}

export interface CompiledTransition {
  /** Index among the party's transitions on one event (`TURN`, or a message), in table order. */
  index: number;
  from: number;
  to: number;
  /** The condition the machine's guard reference stands for (null: unguarded). */
  guard: BoolFn | null;
  /** The guard as written, for explanations: the condition, `name(k=v, …)`, or `always`. */
  guardText: string;
  /** The transition's `description` in the machine. */
  reason?: string;
  /** The transition's `meta.cite` in the machine. */
  cite: Citation[];
}

export interface CompiledParty {
  id: string;
  index: number;
  name: string;
  seat: string;
  description?: string;
  temperature: NumFn;
  noise: NumFn;
  postures: string[];
  postureLabels: string[];
  initial: number;
  /** The party's XState machine, declared from the scenario's `machine:` section: the one description of its postures and transitions. */
  machine: AnyStateMachine;
  /** Transitions on `TURN` by source posture, in priority order (the first whose guard holds fires), derived from `machine` (actors/table.ts). */
  transitions: CompiledTransition[][];
  allTransitions: CompiledTransition[];
  interests: CompiledInterest[];
  moves: CompiledMove[];
  /** Local index of the move made while following history when the track gives none, or -1. */
  idle: number;
  /** Turns of look-ahead (1: the move's own effects). */
  horizon: number;
  discount: number;
  /** Indicators (indices) the party cannot see, with its belief about each (prior, learning rate). */
  hidden: { indicator: number; prior: number; learn: number }[];
  /** Who sees the party's posture (by party index), or null: everyone. */
  postureVisibleTo: boolean[] | null;
  /** Transitions on receiving a message: by posture, then message index, in priority order. */
  onMessage: Map<number, CompiledTransition[]>[];
  cite: Citation[];
}

export interface CompiledHistoryStep {
  /** Absolute month. */
  month: number;
  date: string;
  party: number;
  /** Local move index. */
  move: number;
  note?: string;
  cite: Citation[];
}

export interface CompiledEvent {
  id: string;
  label: string;
  description?: string;
  index: number;
  /** Absolute month for scheduled events. */
  at: number | null;
  chance: NumFn | null;
  when: BoolFn | null;
  repeat: boolean;
  /** Fires every turn while `when` holds (a drift of the world, also under history). */
  recurring: boolean;
  effects: CompiledEffect[];
  cite: Citation[];
}

export type CompiledOutcome =
  | { id: string; label: string; type: 'boolean'; over: 'end' | 'ever'; index: number; when: BoolFn; everIndex: number }
  | { id: string; label: string; type: 'category'; values: string[]; cases: { when: BoolFn; value: string }[]; default: string; index: number }
  | { id: string; label: string; type: 'number'; value: NumFn; index: number };

export interface CompiledIndicator {
  id: string;
  label: string;
  description?: string;
  unit?: string;
  min: number;
  max: number;
  initial: number;
  key: boolean;
  /** Who sees the true value (by party index), or null: everyone. */
  visibleTo: boolean[] | null;
  /** The party a per-party indicator belongs to, or -1. */
  of: number;
}

export interface CompiledParameter {
  id: string;
  label: string;
  description: string;
  min: number;
  max: number;
  default: number;
  integer: boolean;
}

export interface CompiledScenario {
  id: string;
  title: string;
  /** Content hash of the validated scenario (format-independent: comments and layout do not change it). */
  hash: string;
  doc: ScenarioDoc;
  symbols: Symbols;
  calendar: { start: number; turns: number; step: number };
  indicators: CompiledIndicator[];
  parameters: CompiledParameter[];
  relations: { min: number; max: number; initial: number[]; pairs: [number, number][] };
  parties: CompiledParty[];
  events: CompiledEvent[];
  outcomes: CompiledOutcome[];
  /** Boolean outcomes tracked with `over: ever`, in order of `everIndex`. */
  everOutcomes: string[];
  end: BoolFn | null;
  moveCount: number;
  /** Names of the random streams, in the order their states are kept. */
  streams: string[];
  outcomeDocs: Outcome[];
  /** The history track, in date order (then party order). */
  history: CompiledHistoryStep[];
  messages: CompiledMessage[];
  /** Which of the actor features the scenario uses: the state carries their bookkeeping only then, so scenarios without them keep their hashes. */
  features: { messages: boolean; exclusions: boolean; beliefs: boolean };
}
