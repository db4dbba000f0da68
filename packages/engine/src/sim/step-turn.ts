/**
 * One turn with its log, split at the decision point:
 * - `beginTurn` checks the inputs that come before decisions (injects, history),
 *   plays the events and posture changes, and returns the decision context:
 *   each party's available moves with their expected effects in that world and
 *   the policy's valuation, and the news so far;
 * - `resolveTurn` checks the choices against that context and plays the moves
 *   and the bookkeeping;
 * - `stepTurn` is the two in sequence.
 * The rules themselves are the kernel's (kernel.ts); this module checks inputs,
 * copies the state, and builds the `TurnLog` from what its observer saw.
 */
import type { MachineDriver } from '../actors/machines.js';
import { monthText } from '../expr/parse.js';
import { compileEffects } from '../scenario/compile.js';
import type { CompiledEffect, CompiledMove, CompiledParty, CompiledScenario } from '../scenario/compiled.js';
import type { Citation } from '../scenario/schema.js';
import { clampChance, meanAmount, round6, type AppliedEffect } from './effects.js';
import { TurnInputsSchema, type PendingReply, type TurnError, type TurnInputs } from './inputs.js';
import {
  closeTurn,
  createRunContext,
  decide,
  enterView,
  historyMove,
  isAvailable,
  leaveView,
  playEvents,
  reactionPhase,
  resolveMoves,
  stepPostures,
  type CompiledInject,
  type DecisionRecord,
  type ReplyChooser,
  type ReplyOption,
  type TurnObserver,
} from './kernel.js';
import { planTurns } from './plan.js';
import type { OptionValue } from './policy.js';
import { cloneState, namedIndicators, stateHash, type GameState } from './state.js';

export interface EventLog {
  id: string;
  label: string;
  kind: 'scheduled' | 'recurring' | 'random' | 'injected';
  effects: AppliedEffect[];
  cite: Citation[];
}

type TransitionLog = { from: string; to: string; guard: string; reason?: string; cite: Citation[] };

export interface PartyTurnLog {
  party: string;
  previousPosture: string;
  posture: string;
  /** The transition that changed the posture this turn, if any. */
  transition: TransitionLog | null;
  controller: 'computer' | 'human' | 'history';
  /** When the move came from the history track: whether it is a recorded step (else the idle move), whether the model offered it in that posture, and the record. */
  historical?: { recorded: boolean; available: boolean; note?: string; cite: Citation[] };
  move: string | null;
  moveLabel: string | null;
  /** False when a move with a chance of success failed (or was void). */
  success: boolean;
  /** The move was void: an exclusive move resolved earlier this turn forbids it (`by`: that move, as party.move). */
  voided?: { by: string };
  adjudicated: boolean;
  effects: AppliedEffect[];
  reason: {
    /** One line a person can read: why this move. */
    summary: string;
    /** The interest that contributed most to the chosen move's utility. */
    topInterest?: { id: string; text: string; contribution: number; cite: Citation[] };
    options?: OptionValue[];
    temperature?: number;
    noiseSd?: number;
    cite: Citation[];
  };
}

export interface TurnLog {
  /** 1-based number of the turn played. */
  turn: number;
  date: string;
  events: EventLog[];
  parties: PartyTurnLog[];
  indicators: Record<string, number>;
  /** Indicator changes over the turn (non-zero only). */
  changes: Record<string, number>;
  /**
   * Relation changes over the turn (non-zero only), by pair "a-b" in party
   * order. Only changes, as the pairs grow with the square of the parties: a
   * relation's value is the session's state (`Session.stateOf`), or the start
   * plus its changes.
   */
  relationChanges: Record<string, number>;
  /** Messages sent this turn and how each receiver answered (only in scenarios with messages). */
  messages?: MessageLog[];
  /** Commitments broken this turn, with their cost. */
  breaches?: { party: string; message: string; effects: AppliedEffect[] }[];
  note?: string;
  ended: boolean;
  stateHash: string;
}

export interface MessageLog {
  round: number;
  message: string;
  label: string;
  kind: string;
  from: string;
  to: string;
  /** The receiver's posture change on the message, if any. */
  transition: { from: string; to: string; guard: string } | null;
  /** "accept", "reject", a reaction move's id, or null when the turn's rounds ran out. */
  reply: string | null;
  replyLabel: string | null;
  controller: 'computer' | 'human';
  options: { reply: string; utility: number; noise: number; probability: number }[];
  success: boolean;
  effects: AppliedEffect[];
}

/** An effect as a player is shown it before choosing: the amount resolution will apply (a range's midpoint, with the range). */
export interface OfferedEffect {
  key: string;
  op: 'add' | 'set';
  amount: number;
  range?: [number, number];
}

/** A move a party can make this turn, valued in the world it will be made in. */
export interface MoveOffer {
  move: string;
  label: string;
  /** Local index among the party's moves. */
  index: number;
  /** Chance of success in that world, clamped to [0, 1]; null when the move cannot fail. */
  chance: number | null;
  /** Effects on success, as resolution applies them. */
  effects: OfferedEffect[];
  /** Effects on failure. */
  failure: OfferedEffect[];
  /** The policy's valuation (every interest's contribution, the noise, the probability). */
  value: OptionValue;
}

export interface PartyDecision {
  party: string;
  index: number;
  previousPosture: string;
  posture: string;
  transition: TransitionLog | null;
  offers: MoveOffer[];
  temperature: number;
  noiseSd: number;
  /** The move the policy drew (an id), or null when nothing is available: what the computer plays unless someone else chooses. */
  policy: string | null;
}

/** A turn stopped at the decision point. Read-only: `resolveTurn` copies what it needs. */
export interface DecisionContext {
  /** Hash of the scenario the context belongs to. */
  scenario: string;
  /** 1-based number of the turn being played. */
  turn: number;
  date: string;
  /** What fired this turn before the decisions (scheduled, recurring, random, injected). */
  events: EventLog[];
  /** By party index. */
  parties: PartyDecision[];
  /** The world the decisions are made in: after the events and posture changes. */
  world: GameState;
  /** Whether the turn follows the history track. */
  history: boolean;
  /** Indicators before the turn, for the log's changes. */
  before: number[];
  /** Relations before the turn, for the log's relation changes. */
  beforeRel: number[];
}

export interface StepOptions {
  /** How postures are stepped: XState's `transition()` on the declared machine (default) or the table derived from it. Both give the same result. */
  driver?: MachineDriver;
  /** Compute the state hash for the log (default true; batch runs that only need outcomes skip it, and the log's stateHash is then ""). */
  hash?: boolean;
}

export type StepResult = { ok: true; state: GameState; log: TurnLog } | { ok: false; error: TurnError };
export type BeginResult = { ok: true; context: DecisionContext } | { ok: false; error: TurnError };

/** The moves a party can make as its move of the turn in a world (its posture allows them, their condition holds, nothing excludes them; reactions are for the reaction phase). */
export function availableMoves(scenario: CompiledScenario, partyIndex: number, world: GameState): CompiledMove[] {
  const party = scenario.parties[partyIndex]!;
  const posture = world.posture[partyIndex]!;
  return party.moves.filter((m) => m.reactsTo.length === 0 && isAvailable(m, world, posture));
}

function fail(error: TurnError): { ok: false; error: TurnError } {
  return { ok: false, error };
}

function parseInputs(raw: unknown): { ok: true; inputs: TurnInputs } | { ok: false; error: TurnError } {
  const parsed = TurnInputsSchema.safeParse(raw);
  if (!parsed.success) return fail({ code: 'inputs/invalid', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'inputs'}: ${i.message}`).join('; ') });
  return { ok: true, inputs: parsed.data };
}

/** Names in choices and rulings, checked before anything is computed so an error never reflects half a turn. */
function checkChoices(scenario: CompiledScenario, inputs: TurnInputs): { ok: true; rulings: (CompiledEffect[] | undefined)[] } | { ok: false; error: TurnError } {
  const partyIds = scenario.symbols.parties;
  for (const [party, move] of Object.entries(inputs.choices ?? {})) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}"; parties are ${partyIds.join(', ')}` });
    if (!scenario.parties[p]!.moves.some((m) => m.id === move))
      return fail({ code: 'move/unknown', party, message: `${party} has no move "${move}"; its moves are ${scenario.parties[p]!.moves.map((m) => m.id).join(', ')}` });
  }
  const rulings: (CompiledEffect[] | undefined)[] = scenario.parties.map(() => undefined);
  for (const [party, effects] of Object.entries(inputs.adjudicate ?? {})) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}" in adjudicate; parties are ${partyIds.join(', ')}` });
    const c = compileEffects(scenario, effects);
    if (!c.ok) return fail({ code: 'effects/invalid', party, message: `adjudication for ${party}: ${c.message}` });
    rulings[p] = c.effects;
  }
  for (const party of inputs.failed ?? []) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}" in failed; parties are ${partyIds.join(', ')}` });
    if (rulings[p] === undefined) return fail({ code: 'inputs/invalid', party, message: `failed names ${party}, but adjudicate has no ruling for it: a failure is ruled with the effects it has (its failure effects, or {})` });
  }
  for (const [party, answers] of Object.entries(inputs.replies ?? {})) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}" in replies; parties are ${partyIds.join(', ')}` });
    for (const message of Object.keys(answers))
      if (!scenario.messages.some((m) => m.id === message))
        return fail({ code: 'reply/unexpected', party, message: `unknown message "${message}" in replies; ${scenario.messages.length > 0 ? `messages are ${scenario.messages.map((m) => m.id).join(', ')}` : 'the scenario has no messages'}` });
  }
  return { ok: true, rulings };
}

function compileInjects(scenario: CompiledScenario, inputs: TurnInputs): { ok: true; injects: CompiledInject[] } | { ok: false; error: TurnError } {
  const injects: CompiledInject[] = [];
  for (const inj of inputs.inject ?? []) {
    if ('event' in inj) {
      const e = scenario.events.find((x) => x.id === inj.event);
      if (!e) return fail({ code: 'event/unknown', message: `unknown event "${inj.event}"; events are ${scenario.events.map((x) => x.id).join(', ') || 'none'}` });
      injects.push({ id: e.id, label: e.label, effects: e.effects, cite: e.cite, eventIndex: e.index });
    } else {
      const c = compileEffects(scenario, inj.custom.effects);
      if (!c.ok) return fail({ code: 'effects/invalid', message: `injected event "${inj.custom.id}": ${c.message}` });
      injects.push({ id: inj.custom.id, label: inj.custom.label, effects: c.effects, cite: [], eventIndex: -1 });
    }
  }
  return { ok: true, injects };
}

function applied(effects: readonly CompiledEffect[], amounts: ArrayLike<number>): AppliedEffect[] {
  return effects.map((e, i) => ({ key: e.key, op: e.op, amount: amounts[i]! }));
}

function offered(e: CompiledEffect, world: GameState): OfferedEffect {
  return { key: e.key, op: e.op, amount: round6(meanAmount(e, world)), ...(e.amount.kind === 'range' ? { range: [e.amount.lo, e.amount.hi] as [number, number] } : {}) };
}

function byInterestOf(party: CompiledParty, values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < values.length; k++) out[party.interests[k]!.id] = values[k]!;
  return out;
}

function offersOf(party: CompiledParty, world: GameState, record: DecisionRecord, effects: boolean): MoveOffer[] {
  return record.moves.map((index, i) => {
    const m = party.moves[index]!;
    return {
      move: m.id,
      label: m.label,
      index,
      chance: m.chance === null ? null : clampChance(m.chance(world)),
      effects: effects ? m.effects.map((e) => offered(e, world)) : [],
      failure: effects ? m.failure.map((e) => offered(e, world)) : [],
      value: {
        move: m.id,
        utility: record.utility[i]!,
        byInterest: byInterestOf(party, record.byInterest[i]!),
        noise: record.noise[i]!,
        probability: record.probability[i]!,
      },
    };
  });
}

/**
 * Plays a turn up to the decision point. Pure: the input state is not modified.
 *
 * @example
 * const r = beginTurn(scenario, session.state, { inject: [{ event: 'russia_invades_ukraine' }] });
 * if (r.ok) for (const o of r.context.parties[0].offers) console.log(o.label, o.effects);
 */
export function beginTurn(scenario: CompiledScenario, state: GameState, rawInputs: Pick<TurnInputs, 'inject' | 'history'> = {}, opts: StepOptions = {}): BeginResult {
  if (state.ended) return fail({ code: 'game/over', message: `the game is over (after ${state.turn} turns)` });
  if (state.scenario !== scenario.hash)
    return fail({ code: 'inputs/invalid', message: `this state belongs to another scenario (hash ${state.scenario}, loaded ${scenario.hash})` });
  const parsed = parseInputs(rawInputs);
  if (!parsed.ok) return parsed;
  const { choices: _c, adjudicate: _a, note: _n, replies: _r, ...rest } = parsed.inputs;
  if (_c !== undefined || _a !== undefined || _n !== undefined || _r !== undefined)
    return fail({ code: 'inputs/invalid', message: 'choices, adjudicate, replies and note belong to resolveTurn, not beginTurn' });
  const compiled = compileInjects(scenario, rest);
  if (!compiled.ok) return compiled;
  return { ok: true, context: openTurn(scenario, state, compiled.injects, rest.history === true, opts.driver ?? 'xstate', true) };
}

/** Phases 1–3 on a copy of the state, watched. `offers` false skips the offers' effects, which only a chooser needs (stepTurn's log does not). */
function openTurn(scenario: CompiledScenario, state: GameState, injects: readonly CompiledInject[], history: boolean, driver: MachineDriver, offers: boolean, ctx = createRunContext(planTurns(scenario))): DecisionContext {
  const s = cloneState(state);
  const before = s.ind.slice();
  const beforeRel = s.rel.slice();
  const previous = s.posture.slice();
  const events: EventLog[] = [];
  const transitions: (TransitionLog | null)[] = scenario.parties.map(() => null);
  const records: DecisionRecord[] = [];
  const obs: TurnObserver = {
    decisions: true,
    event: (kind, id, label, effects, amounts, cite) => events.push({ id, label, kind, effects: applied(effects, amounts), cite: [...cite] }),
    transition: (p, t) => {
      const party = scenario.parties[p]!;
      transitions[p] = { from: party.postures[t.from]!, to: party.postures[t.to]!, guard: t.guardText, ...(t.reason === undefined ? {} : { reason: t.reason }), cite: t.cite };
    },
    decision: (p, record) => (records[p] = record),
  };
  playEvents(ctx, s, history, injects, obs);
  stepPostures(ctx, s, driver, obs);
  // The policy always runs, so its stream advances the same whoever chooses, and its valuation is there to offer and explain.
  for (let p = 0; p < scenario.parties.length; p++) decide(ctx, s, p, obs);
  // Offers show each party what it expects, on its own view.
  const shown = scenario.parties.map((party, p) => {
    enterView(ctx, s, p);
    const o = offersOf(party, s, records[p]!, offers);
    leaveView(ctx, s, p);
    return o;
  });
  return {
    scenario: scenario.hash,
    turn: state.turn + 1,
    date: monthText(state.month),
    events,
    parties: scenario.parties.map((party, p) => {
      const record = records[p]!;
      return {
        party: party.id,
        index: p,
        previousPosture: party.postures[previous[p]!]!,
        posture: party.postures[s.posture[p]!]!,
        transition: transitions[p]!,
        offers: shown[p]!,
        temperature: record.temperature,
        noiseSd: record.noiseSd,
        policy: record.chosen >= 0 ? party.moves[record.chosen]!.id : null,
      };
    }),
    world: s,
    history,
    before,
    beforeRel,
  };
}

function describeWhy(move: CompiledMove, posture: number, world: GameState, postures: string[]): string {
  if (!move.postures[posture]) return `; "${move.id}" needs posture ${postures.filter((_, i) => move.postures[i]).join(' or ')}`;
  if (move.when && !move.when(world)) return `; its condition "${move.whenText}" does not hold`;
  return '';
}

/**
 * Plays the moves of a turn begun with `beginTurn`: a choice must be one of
 * its party's offers. Pure: the context is not modified.
 *
 * @example
 * const begun = beginTurn(scenario, state);
 * if (begun.ok) resolveTurn(scenario, begun.context, { choices: { armenia: begun.context.parties[0].offers[0].move } });
 */
export function resolveTurn(scenario: CompiledScenario, context: DecisionContext, rawInputs: Pick<TurnInputs, 'choices' | 'adjudicate' | 'note' | 'replies'> = {}, opts: StepOptions = {}): StepResult {
  if (context.scenario !== scenario.hash) return fail({ code: 'inputs/invalid', message: `this turn belongs to another scenario (hash ${context.scenario}, loaded ${scenario.hash})` });
  const parsed = parseInputs(rawInputs);
  if (!parsed.ok) return parsed;
  const inputs = parsed.inputs;
  if (inputs.inject !== undefined || inputs.history !== undefined)
    return fail({ code: 'inputs/invalid', message: 'inject and history belong to beginTurn, not resolveTurn' });
  const checked = checkChoices(scenario, inputs);
  if (!checked.ok) return checked;
  return closeContext(scenario, context, inputs, checked.rulings, opts);
}

function closeContext(scenario: CompiledScenario, context: DecisionContext, inputs: TurnInputs, rulings: (CompiledEffect[] | undefined)[], opts: StepOptions, ctx = createRunContext(planTurns(scenario))): StepResult {
  const plan = ctx.plan;
  const s = cloneState(context.world);
  const np = scenario.parties.length;
  const chosen = new Int32Array(np);
  const recorded = new Int32Array(np);
  type Pending = Omit<PartyTurnLog, 'success' | 'adjudicated' | 'effects'>;
  const logs: Pending[] = [];
  for (let p = 0; p < np; p++) {
    const party = scenario.parties[p]!;
    const d = context.parties[p]!;
    const base = { party: party.id, previousPosture: d.previousPosture, posture: d.posture, transition: d.transition };
    const options = d.offers.map((o) => o.value);
    const human = inputs.choices && Object.hasOwn(inputs.choices, party.id) ? inputs.choices[party.id] : undefined;
    if (human !== undefined) {
      const offer = d.offers.find((o) => o.move === human);
      if (!offer) {
        const move = party.moves.find((m) => m.id === human)!;
        return fail({
          code: 'move/unavailable',
          party: party.id,
          available: d.offers.map((o) => o.move),
          message: `${party.id} cannot make "${human}" now (posture ${d.posture}${describeWhy(move, s.posture[p]!, s, party.postures)}); available: ${d.offers.map((o) => o.move).join(', ') || 'none'}`,
        });
      }
      chosen[p] = offer.index;
      logs.push({ ...base, controller: 'human', move: offer.move, moveLabel: offer.label, reason: { summary: 'chosen by a player', options, cite: party.moves[offer.index]!.cite } });
      continue;
    }
    const h = context.history ? historyMove(plan, s, p) : null;
    if (h && h.move !== null) {
      chosen[p] = h.move;
      if (h.move < 0) {
        logs.push({ ...base, controller: 'history', move: null, moveLabel: null, reason: { summary: 'no historical move this month, and its idle move is not available: no move', cite: [] } });
        continue;
      }
      recorded[p] = h.recorded ? 1 : 0;
      const forced = party.moves[h.move]!;
      const step = h.recorded ? scenario.history.find((x) => x.month === s.month && x.party === p) : undefined;
      const available = d.offers.some((o) => o.index === h.move);
      logs.push({
        ...base,
        controller: 'history',
        move: forced.id,
        moveLabel: forced.label,
        historical: { recorded: h.recorded, available, ...(step?.note === undefined ? {} : { note: step.note }), cite: step?.cite ?? [] },
        reason: {
          summary: h.recorded ? `the historical move${available ? '' : ' (which the model did not offer in this posture)'}` : 'no historical move this month: the idle move',
          options,
          temperature: d.temperature,
          noiseSd: d.noiseSd,
          cite: step?.cite ?? forced.cite,
        },
      });
      continue;
    }
    const move = d.policy === null ? null : party.moves[d.offers.find((o) => o.move === d.policy)!.index]!;
    chosen[p] = move ? move.index : -1;
    logs.push({ ...base, controller: 'computer', move: move?.id ?? null, moveLabel: move?.label ?? null, reason: explain(party, move, d) });
  }
  const parties: PartyTurnLog[] = logs.map((log) => ({ ...log, success: false, adjudicated: false, effects: [] }));
  const ids = scenario.symbols.parties;
  const moveName = (g: number): string => {
    const party = scenario.parties.find((p) => g >= scenario.symbols.moveOffset[p.index]! && g < scenario.symbols.moveOffset[p.index]! + p.moves.length)!;
    return `${party.id}.${party.moves[g - scenario.symbols.moveOffset[party.index]!]!.id}`;
  };
  const messages: MessageLog[] = [];
  const breaches: NonNullable<TurnLog['breaches']> = [];
  const obs: TurnObserver = {
    resolved: (p, _move, success, effects, amounts) => {
      const log = parties[p]!;
      log.success = success;
      log.adjudicated = rulings[p] !== undefined;
      log.effects = applied(effects, amounts);
    },
    voided: (p, _move, by) => (parties[p] = { ...parties[p]!, voided: { by: moveName(by) } }),
    breach: (p, message, effects, amounts) => breaches.push({ party: ids[p]!, message: message.id, effects: applied(effects, amounts) }),
    reply: (r) => {
      const party = scenario.parties[r.to]!;
      const message = scenario.messages[r.message]!;
      const name = (o: ReplyOption) => (o.kind === 'move' ? party.moves[o.move]!.id : o.kind);
      const option = r.options[r.chosen]!;
      messages.push({
        round: r.round,
        message: message.id,
        label: message.label,
        kind: message.kind,
        from: ids[r.from]!,
        to: party.id,
        transition: r.transition ? { from: party.postures[r.transition.from]!, to: party.postures[r.transition.to]!, guard: r.transition.guardText } : null,
        reply: name(option),
        replyLabel: option.kind === 'move' ? party.moves[option.move]!.label : option.kind === 'accept' ? `accepts “${message.label}”` : `rejects “${message.label}”`,
        controller: r.human ? 'human' : 'computer',
        options: r.options.map((o, i) => ({ reply: name(o), utility: r.utility[i]!, noise: r.noise[i]!, probability: r.probability[i]! })),
        success: r.success,
        effects: applied(r.effects, r.amounts),
      });
    },
    unanswered: (d) => {
      const message = scenario.messages[d.message]!;
      messages.push({ round: 0, message: message.id, label: message.label, kind: message.kind, from: ids[d.from]!, to: ids[d.to]!, transition: null, reply: null, replyLabel: null, controller: 'computer', options: [], success: false, effects: [] });
    },
  };
  const failed = new Int32Array(np);
  for (const party of inputs.failed ?? []) failed[scenario.symbols.parties.indexOf(party)] = 1;
  resolveMoves(ctx, s, chosen, { rulings, recorded, failed }, obs);
  const answers = replyChooser(scenario, inputs);
  reactionPhase(ctx, s, answers.choose, obs);
  const problem = answers.problem();
  if (problem) return fail(problem);
  closeTurn(plan, s);

  const changes: Record<string, number> = {};
  scenario.indicators.forEach((ind, i) => {
    const d = s.ind[i]! - context.before[i]!;
    if (Math.abs(d) > 1e-9) changes[ind.id] = Math.round(d * 1e6) / 1e6;
  });
  const relationChanges: Record<string, number> = {};
  scenario.relations.pairs.forEach(([a, b], k) => {
    const d = s.rel[k]! - context.beforeRel[k]!;
    if (Math.abs(d) > 1e-9) relationChanges[`${scenario.parties[a]!.id}-${scenario.parties[b]!.id}`] = Math.round(d * 1e6) / 1e6;
  });
  return {
    ok: true,
    state: s,
    log: {
      turn: s.turn,
      date: context.date,
      events: context.events,
      parties,
      indicators: namedIndicators(scenario, s),
      changes,
      relationChanges,
      ...(scenario.features.messages ? { messages, breaches } : {}),
      ...(inputs.note === undefined ? {} : { note: inputs.note }),
      ended: s.ended,
      stateHash: opts.hash === false ? '' : stateHash(s),
    },
  };
}

/**
 * Answers to messages from the inputs: a party whose move a person chose this
 * turn must answer in `replies` (a missing answer stops the turn with
 * `reply/needed` and what to answer); a computer party answers by its policy
 * unless `replies` answers for it. An answer to a message that was not
 * received is refused.
 */
function replyChooser(scenario: CompiledScenario, inputs: TurnInputs): { choose: ReplyChooser; problem: () => TurnError | null } {
  const ids = scenario.symbols.parties;
  const humans = new Set(Object.keys(inputs.choices ?? {}));
  const given = inputs.replies ?? {};
  const used = new Set<string>();
  const pending: PendingReply[] = [];
  let invalid: TurnError | null = null;
  const choose: ReplyChooser = (d, options) => {
    const party = scenario.parties[d.to]!;
    const message = scenario.messages[d.message]!;
    const answer = Object.hasOwn(given, party.id) && Object.hasOwn(given[party.id]!, message.id) ? given[party.id]![message.id] : undefined;
    const name = (o: ReplyOption) => (o.kind === 'move' ? party.moves[o.move]!.id : o.kind);
    if (answer === undefined) {
      if (!humans.has(party.id)) return undefined;
      pending.push({
        party: party.id,
        message: message.id,
        label: message.label,
        kind: message.kind,
        from: ids[d.from]!,
        options: options.map((o) => {
          const effects = o.kind === 'accept' ? message.terms : o.kind === 'reject' ? message.onReject : party.moves[o.move]!.effects;
          return {
            reply: name(o),
            label: o.kind === 'move' ? party.moves[o.move]!.label : o.kind === 'accept' ? 'Accept' : 'Reject',
            effects: effects.map((e) => ({ key: e.key, op: e.op, amount: e.amount.kind === 'fixed' ? e.amount.value : e.amount.kind === 'range' ? (e.amount.lo + e.amount.hi) / 2 : NaN })),
          };
        }),
      });
      return 1;
    }
    used.add(`${party.id}/${message.id}`);
    const k = options.findIndex((o) => name(o) === answer);
    if (k < 0) {
      invalid ??= { code: 'reply/invalid', party: party.id, message: `${party.id} cannot answer "${message.id}" with "${answer}": it may answer ${options.map(name).join(', ')}` };
      return 1;
    }
    return k;
  };
  const problem = (): TurnError | null => {
    if (invalid) return invalid;
    if (pending.length > 0)
      return { code: 'reply/needed', pending, message: `waiting for ${pending.map((p) => `${p.party}'s answer to "${p.message}" from ${p.from}`).join('; ')}` };
    for (const [party, answers] of Object.entries(given))
      for (const message of Object.keys(answers))
        if (!used.has(`${party}/${message}`))
          return { code: 'reply/unexpected', party, message: `${party} was not sent "${message}" this turn, so there is nothing to answer` };
    return null;
  };
  return { choose, problem };
}

/**
 * Plays one turn: `beginTurn` then `resolveTurn`. Pure: the input state is not
 * modified; illegal inputs come back as `{ ok: false, error }`, never as exceptions.
 *
 * @example
 * let { state } = createInitialState(scenario, { seed: '42' }) as { state: GameState };
 * const r = stepTurn(scenario, state, { choices: { armenia: 'seek_eu_monitors' } });
 * if (r.ok) state = r.state; else console.error(r.error.message);
 */
export function stepTurn(scenario: CompiledScenario, state: GameState, rawInputs: TurnInputs = {}, opts: StepOptions = {}): StepResult {
  if (state.ended) return fail({ code: 'game/over', message: `the game is over (after ${state.turn} turns)` });
  if (state.scenario !== scenario.hash)
    return fail({ code: 'inputs/invalid', message: `this state belongs to another scenario (hash ${state.scenario}, loaded ${scenario.hash})` });
  const parsed = parseInputs(rawInputs);
  if (!parsed.ok) return parsed;
  const inputs = parsed.inputs;
  const checked = checkChoices(scenario, inputs);
  if (!checked.ok) return checked;
  const compiled = compileInjects(scenario, inputs);
  if (!compiled.ok) return compiled;
  // One run context for both halves: the kernel leaves its scratch clean between phases.
  const ctx = createRunContext(planTurns(scenario));
  const context = openTurn(scenario, state, compiled.injects, inputs.history === true, opts.driver ?? 'xstate', false, ctx);
  return closeContext(scenario, context, inputs, checked.rulings, opts, ctx);
}

function explain(party: CompiledParty, move: CompiledMove | null, d: PartyDecision): PartyTurnLog['reason'] {
  if (!move) return { summary: 'no move available in this posture', cite: [] };
  const options = d.offers.map((o) => o.value);
  const option = options.find((o) => o.move === move.id)!;
  let top: { id: string; contribution: number } | undefined;
  for (const [id, contribution] of Object.entries(option.byInterest))
    if (contribution > 0 && (!top || contribution > top.contribution)) top = { id, contribution };
  const interest = top ? party.interests.find((i) => i.id === top.id)! : undefined;
  const p = Math.round(option.probability * 100);
  const likeliest = options.reduce((a, b) => (b.probability > a.probability ? b : a));
  const odds =
    likeliest.move === move.id
      ? `p=${p}%`
      : `p=${p}%, drawn against the likelier "${party.moves.find((m) => m.id === likeliest.move)!.label}" (p=${Math.round(likeliest.probability * 100)}%)`;
  const summary = interest
    ? `serves "${interest.text}" (+${top!.contribution.toFixed(3)}); ${odds}`
    : `${option.utility < 0 ? `costs more than it gains (utility ${option.utility.toFixed(3)})` : 'changes nothing its interests weigh'}; ${odds}`;
  return {
    summary,
    ...(interest ? { topInterest: { id: interest.id, text: interest.text, contribution: top!.contribution, cite: interest.cite } } : {}),
    options,
    temperature: d.temperature,
    noiseSd: d.noiseSd,
    cite: [...move.cite, ...(interest ? interest.cite : [])],
  };
}
