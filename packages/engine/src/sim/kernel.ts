/**
 * The turn, written once. Every caller plays turns through these phases, over
 * the compiled plan's flat arrays, in place on a state it owns:
 *
 * 1. `playEvents`: scheduled, recurring and random events fire, then injects;
 * 2. `stepPostures`: every party's machine takes its first enabled transition,
 *    all from the same world;
 * 3. `decide`: every party's policy values its available moves (one-step
 *    look-ahead against its interests), adds seeded noise and draws a move by
 *    softmax — a chooser (a human, the history track) may override the draw;
 * 4. `resolveMoves`: every amount is settled against the same world, then
 *    applied per target (last `set` in party order plus the sum of the adds,
 *    clamped);
 * 5. `closeTurn`: `over: ever` outcomes, end condition, date.
 *
 * Hooks cost nothing when absent: an observer sees events fired, transitions
 * taken, options valued and effects drawn (the full engine builds its turn log
 * from them); `playTurn` is the batch path, the same phases with no observer.
 * Scratch space belongs to a `RunContext`, so one plan serves interleaved runs.
 */
import { nextTransition, type MachineDriver } from '../actors/machines.js';
import type { CompiledMessage } from '../scenario/compiled.js';
import { boxMuller, drawAt, nextAlea, turnSeed, TurnDraws } from '../rng/streams.js';
import type { CompiledEffect, CompiledMove, CompiledTransition } from '../scenario/compiled.js';
import type { Citation } from '../scenario/schema.js';
import { clampChance, clampValue, drawAmount, finite, meanAmount, round6 } from './effects.js';
import { cloneState } from './state.js';
import type { PartyPlan, TurnPlan } from './plan.js';
import { pickIndex, softmaxInto } from './policy.js';
import type { GameState } from './state.js';

/** An event to fire this turn besides the scenario's own: a scenario event or a facilitator's. */
export interface CompiledInject {
  id: string;
  label: string;
  effects: CompiledEffect[];
  cite: Citation[];
  /** The scenario event's index, or -1 for a written event. */
  eventIndex: number;
}

export type EventKind = 'scheduled' | 'recurring' | 'random' | 'injected';

/** The policy's view of one party's decision, recorded when an observer asks for it. */
export interface DecisionRecord {
  /** Local indices of the available moves, in declaration order. */
  moves: number[];
  /** Utility of each available move before noise. */
  utility: number[];
  /** Each available move's weighted contribution by interest (every interest of the party). */
  byInterest: number[][];
  /** The noise added to each (noise SD × a standard normal). */
  noise: number[];
  probability: number[];
  temperature: number;
  noiseSd: number;
  /** The policy's draw: a local move index, or -1 when nothing is available. */
  chosen: number;
}

/** What a caller may watch. Arrays passed in are scratch: copy what you keep. */
export interface TurnObserver {
  event?(kind: EventKind, id: string, label: string, effects: readonly CompiledEffect[], amounts: ArrayLike<number>, cite: readonly Citation[]): void;
  transition?(party: number, t: CompiledTransition): void;
  /** Called once per party with the policy's valuation (only when `decisions` is true). */
  decision?(party: number, record: DecisionRecord): void;
  resolved?(party: number, move: CompiledMove, success: boolean, effects: readonly CompiledEffect[], amounts: ArrayLike<number>): void;
  /** A move that an exclusive move resolved earlier this turn made void (`by`: that move's global index). */
  voided?(party: number, move: CompiledMove, by: number): void;
  /** A commitment broken by a party's move this turn, with the cost applied. */
  breach?(party: number, message: CompiledMessage, effects: readonly CompiledEffect[], amounts: ArrayLike<number>): void;
  /** A reply in the reaction phase: a posture change on receipt (or null), the options valued, the choice and what it applied. */
  reply?(record: ReplyRecord): void;
  /** Messages left unanswered because the turn's reaction rounds ran out. */
  unanswered?(delivery: Delivery): void;
  /** Ask for DecisionRecords (the batch path never does). */
  decisions?: boolean;
}

/** A message on its way: `message` sent by party `from` to party `to`. */
export interface Delivery {
  message: number;
  from: number;
  to: number;
}

/** How a receiver can answer: accept the terms, reject them, or make a reaction move (its local index). */
export type ReplyOption = { kind: 'accept' } | { kind: 'reject' } | { kind: 'move'; move: number };

export interface ReplyRecord extends Delivery {
  round: number;
  transition: CompiledTransition | null;
  options: ReplyOption[];
  utility: number[];
  noise: number[];
  probability: number[];
  /** Index into options. */
  chosen: number;
  /** Whether a human chose (else the policy). */
  human: boolean;
  /** For a reaction move: whether it succeeded. */
  success: boolean;
  effects: readonly CompiledEffect[];
  amounts: number[];
}

/**
 * A human's answer to a message, or undefined to let the policy answer.
 * Returns an index into `options`.
 */
export type ReplyChooser = (delivery: Delivery, options: readonly ReplyOption[]) => number | undefined;

/** At most this many rounds of replies in a turn (a reaction may send a message that is answered in the next round): a turn always ends. */
export const MAX_REACTION_ROUNDS = 2;

/** Scratch space of one run. */
export interface RunContext {
  plan: TurnPlan;
  draws: TurnDraws;
  amounts: Float64Array;
  saved: Float64Array;
  success: Float64Array;
  failure: Float64Array;
  utility: Float64Array;
  probability: Float64Array;
  avail: Int32Array;
  /** Interest utilities of the world before any move, per party, computed once a decision for the interests some move needs. */
  now: Float64Array[];
  nowEpoch: Float64Array[];
  epoch: number;
  addInd: Float64Array;
  setInd: Float64Array;
  touchedInd: Uint8Array;
  addRel: Float64Array;
  setRel: Float64Array;
  touchedRel: Uint8Array;
  nextPosture: Int32Array;
  chosen: Int32Array;
  /** True values of the indicators swapped out while a party acts on its own view. */
  viewSaved: Float64Array;
  /** Messages sent by this turn's moves, in delivery order. */
  deliveries: Delivery[];
  /** Rollouts (horizon > 1) run in a context of their own, where every party is myopic. */
  rollout: RunContext | null;
  myopic: boolean;
}

export function createRunContext(plan: TurnPlan, myopic = false): RunContext {
  const { scenario } = plan;
  const nInd = scenario.indicators.length;
  const nRel = scenario.relations.pairs.length;
  const np = scenario.parties.length;
  return {
    plan,
    draws: new TurnDraws(),
    amounts: new Float64Array(plan.maxEffects),
    saved: new Float64Array(plan.maxEffects),
    success: new Float64Array(plan.maxInterests),
    failure: new Float64Array(plan.maxInterests),
    utility: new Float64Array(plan.maxMoves),
    probability: new Float64Array(plan.maxMoves),
    avail: new Int32Array(plan.maxMoves),
    now: scenario.parties.map((p) => new Float64Array(p.interests.length)),
    nowEpoch: scenario.parties.map((p) => new Float64Array(p.interests.length).fill(-1)),
    epoch: 0,
    addInd: new Float64Array(nInd),
    setInd: new Float64Array(nInd),
    touchedInd: new Uint8Array(nInd),
    addRel: new Float64Array(nRel),
    setRel: new Float64Array(nRel),
    touchedRel: new Uint8Array(nRel),
    nextPosture: new Int32Array(np),
    chosen: new Int32Array(np),
    viewSaved: new Float64Array(nInd),
    deliveries: [],
    rollout: null,
    myopic,
  };
}

/** Effects lists from a facilitator can be longer than any the scenario declares. */
function amountsFor(ctx: RunContext, n: number): Float64Array {
  if (ctx.amounts.length < n) ctx.amounts = new Float64Array(n);
  return ctx.amounts;
}

function write(plan: TurnPlan, s: GameState, e: CompiledEffect, value: number): void {
  const k = e.target.index;
  if (e.target.kind === 'indicator') s.ind[k] = clampValue(plan.indMin[k]!, plan.indMax[k]!, value);
  else s.rel[k] = clampValue(plan.relMin, plan.relMax, value);
}

function read(s: GameState, e: CompiledEffect): number {
  return e.target.kind === 'indicator' ? s.ind[e.target.index]! : s.rel[e.target.index]!;
}

/**
 * Whether a party can make a move now: its posture allows it, its condition
 * holds, and no exclusive move made within its exclusion window forbids it.
 */
export function isAvailable(move: CompiledMove, s: GameState, posture: number): boolean {
  return move.postures[posture] === true && (move.when === null || move.when(s)) && !excludedNow(move, s);
}

/** The global index of a move made within its window that excludes `move` now, or -1. */
function excluder(move: CompiledMove, s: GameState): number {
  for (const x of move.excludedBy) {
    const at = s.made[x.move]!;
    if (at >= 0 && s.turn - at < x.turns) return x.move;
  }
  return -1;
}

function excludedNow(move: CompiledMove, s: GameState): boolean {
  return move.excludedBy.length > 0 && excluder(move, s) >= 0;
}

// ── Views ────────────────────────────────────────────────────────────────────

/**
 * A party acts on its own view: the indicators it cannot see hold its beliefs
 * while it steps its machine, values its moves or answers a message. Swapped
 * in place (and back by `leaveView`), so nothing is copied for parties that see everything.
 */
export function enterView(ctx: RunContext, s: GameState, p: number): void {
  const hidden = ctx.plan.parties[p]!.party.hidden;
  if (hidden.length === 0) return;
  const nInd = s.ind.length;
  for (const h of hidden) {
    ctx.viewSaved[h.indicator] = s.ind[h.indicator]!;
    s.ind[h.indicator] = s.belief[p * nInd + h.indicator]!;
  }
}

export function leaveView(ctx: RunContext, s: GameState, p: number): void {
  const hidden = ctx.plan.parties[p]!.party.hidden;
  for (const h of hidden) s.ind[h.indicator] = ctx.viewSaved[h.indicator]!;
}

// ── 1. Events ────────────────────────────────────────────────────────────────

/** Fires one event: every amount is settled first, then the effects apply in order. */
function fire(ctx: RunContext, s: GameState, kind: EventKind, id: string, label: string, effects: readonly CompiledEffect[], cite: readonly Citation[], eventIndex: number, obs: TurnObserver | undefined): void {
  const amounts = amountsFor(ctx, effects.length);
  for (let i = 0; i < effects.length; i++) amounts[i] = drawAmount(effects[i]!, s, ctx.draws);
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    write(ctx.plan, s, e, e.op === 'set' ? amounts[i]! : read(s, e) + amounts[i]!);
  }
  if (eventIndex >= 0) s.eventCount[eventIndex]!++;
  obs?.event?.(kind, id, label, effects, amounts.subarray(0, effects.length), cite);
}

/**
 * Phase 1. Chance events draw a uniform whether or not they can fire, so
 * later events keep their draws; following history, they do not fire (they
 * are not part of the record).
 */
export function playEvents(ctx: RunContext, s: GameState, history: boolean, injects: readonly CompiledInject[], obs?: TurnObserver): void {
  const { plan } = ctx;
  ctx.draws.start(nextAlea(s.rng[plan.eventsStream]!));
  for (const e of plan.scenario.events) {
    if (e.at !== null) {
      // A scheduled event may still depend on the world: it fires at its date only if its condition holds,
      // and not at all if a facilitator already injected it earlier (the invasion does not happen twice).
      if (e.at === s.month && s.eventCount[e.index] === 0 && (e.when === null || e.when(s))) fire(ctx, s, 'scheduled', e.id, e.label, e.effects, e.cite, e.index, obs);
    } else if (e.recurring) {
      if (e.when === null || e.when(s)) fire(ctx, s, 'recurring', e.id, e.label, e.effects, e.cite, e.index, obs);
    } else if (e.chance !== null) {
      const u = ctx.draws.next();
      if (!history && (e.repeat || s.eventCount[e.index] === 0) && (e.when === null || e.when(s)) && u < clampChance(e.chance(s)))
        fire(ctx, s, 'random', e.id, e.label, e.effects, e.cite, e.index, obs);
    }
  }
  for (const inj of injects) fire(ctx, s, 'injected', inj.id, inj.label, inj.effects, inj.cite, inj.eventIndex, obs);
}

// ── 2. Postures ──────────────────────────────────────────────────────────────

/** Phase 2: every machine receives TURN with the same world; the first transition whose guard holds fires. */
export function stepPostures(ctx: RunContext, s: GameState, driver: MachineDriver, obs?: TurnObserver): void {
  const { plan } = ctx;
  const np = plan.parties.length;
  const next = ctx.nextPosture;
  for (let p = 0; p < np; p++) {
    const party = plan.parties[p]!.party;
    const viewed = party.hidden.length > 0;
    if (viewed) enterView(ctx, s, p);
    const t = nextTransition(plan.scenario, party, s.posture[p]!, s, driver);
    if (viewed) leaveView(ctx, s, p);
    next[p] = t ? t.to : s.posture[p]!;
    if (t) obs?.transition?.(p, t);
  }
  for (let p = 0; p < np; p++) s.posture[p] = next[p]!;
}

// ── 3. Decisions ─────────────────────────────────────────────────────────────

/**
 * The look-ahead: the weighted utility change of each interest `pp.affected[m]`
 * lists, after `effects` at their expected amounts (all read from the world
 * before the move), written into `out` in that order. The world is restored
 * exactly, in reverse order, so a target written twice gets its original back.
 */
export function lookAhead(ctx: RunContext, s: GameState, pp: PartyPlan, m: CompiledMove, effects: readonly CompiledEffect[], weights: Float64Array, out: Float64Array): void {
  const n = effects.length;
  if (ctx.saved.length < n) ctx.saved = new Float64Array(n);
  const saved = ctx.saved;
  const amounts = amountsFor(ctx, n);
  const { plan } = ctx;
  for (let i = 0; i < n; i++) amounts[i] = meanAmount(effects[i]!, s);
  for (let i = 0; i < n; i++) {
    const e = effects[i]!;
    const k = e.target.index;
    if (e.target.kind === 'indicator') {
      const v = s.ind[k]!;
      saved[i] = v;
      s.ind[k] = clampValue(plan.indMin[k]!, plan.indMax[k]!, e.op === 'set' ? amounts[i]! : v + amounts[i]!);
    } else {
      const v = s.rel[k]!;
      saved[i] = v;
      s.rel[k] = clampValue(plan.relMin, plan.relMax, e.op === 'set' ? amounts[i]! : v + amounts[i]!);
    }
  }
  const p = pp.party.index;
  const count = s.moveCount[m.global]!;
  const last = s.lastMove[p]!;
  s.moveCount[m.global] = count + 1;
  s.lastMove[p] = m.index;
  const affected = pp.affected[m.index]!;
  const interests = pp.party.interests;
  const now = ctx.now[p]!;
  for (let j = 0; j < affected.length; j++) {
    const k = affected[j]!;
    const u = interests[k]!.utility(s);
    // finite(u), spelled out on the hot path: a utility is almost always an ordinary number.
    out[j] = weights[k]! * ((u < 1e15 && u > -1e15 ? u : finite(u)) - now[k]!);
  }
  s.moveCount[m.global] = count;
  s.lastMove[p] = last;
  for (let i = n - 1; i >= 0; i--) {
    const e = effects[i]!;
    if (e.target.kind === 'indicator') s.ind[e.target.index] = saved[i]!;
    else s.rel[e.target.index] = saved[i]!;
  }
}

/**
 * The value of one move to its party: Σ weight × (utility after − now) over
 * the interests the move can change (the others contribute exactly 0),
 * expected over success and failure — a `hold` or `band` interest sees a risky
 * move as the gamble it is. With `byInterest`, every interest's contribution
 * is written there (zeros included).
 */
export function valueMove(ctx: RunContext, s: GameState, pp: PartyPlan, m: CompiledMove, weights: Float64Array, byInterest: number[] | null): number {
  const p = pp.party.index;
  const affected = pp.affected[m.index]!;
  const now = ctx.now[p]!;
  const epoch = ctx.nowEpoch[p]!;
  const turnEpoch = ctx.epoch;
  const interests = pp.party.interests;
  for (let j = 0; j < affected.length; j++) {
    const k = affected[j]!;
    if (epoch[k] !== turnEpoch) {
      now[k] = finite(interests[k]!.utility(s));
      epoch[k] = turnEpoch;
    }
  }
  const c = m.chance === null ? 1 : clampChance(m.chance(s));
  // While the party is bound by a commitment this move breaks, the move carries the commitment's cost.
  const cost = pp.breaks[m.index]!.length > 0 ? breachCost(ctx, s, pp, m) : null;
  const success = ctx.success;
  lookAhead(ctx, s, pp, m, cost ? [...m.effects, ...cost] : m.effects, weights, success);
  let sum = 0;
  if (c < 1) {
    const failure = ctx.failure;
    lookAhead(ctx, s, pp, m, cost ? [...m.failure, ...cost] : m.failure, weights, failure);
    for (let j = 0; j < affected.length; j++) success[j] = c * success[j]! + (1 - c) * failure[j]!;
  }
  for (let j = 0; j < affected.length; j++) sum += success[j]!;
  if (byInterest) for (let j = 0; j < affected.length; j++) byInterest[affected[j]!] = success[j]!;
  return sum;
}

/** The cost of the commitments a move would break now (the party is bound by them), or null. */
function breachCost(ctx: RunContext, s: GameState, pp: PartyPlan, m: CompiledMove): CompiledEffect[] | null {
  const messages = pp.breaks[m.index]!;
  if (messages.length === 0) return null;
  const np = ctx.plan.parties.length;
  let out: CompiledEffect[] | null = null;
  for (const k of messages) {
    if (!(s.turn < s.bound[k * np + pp.party.index]!)) continue;
    out ??= [];
    out.push(...ctx.plan.scenario.messages[k]!.commitment!.cost);
  }
  return out;
}

/**
 * Phase 3 for one party: draws its policy stream (one Alea draw a turn, which
 * seeds the per-turn generator: the choice draw first, then two uniforms per
 * declared move for its noise, computed only for available moves), values its
 * available moves and draws one. Returns the local move index, or -1.
 */
export function decide(ctx: RunContext, s: GameState, p: number, obs?: TurnObserver): number {
  const { plan } = ctx;
  const pp = plan.parties[p]!;
  const party = pp.party;
  const seed = turnSeed(nextAlea(s.rng[pp.policyStream]!));
  const u = drawAt(seed, 1);
  const viewed = party.hidden.length > 0;
  if (viewed) enterView(ctx, s, p);
  const temperature = Math.max(0, finite(party.temperature(s)));
  const noiseSd = Math.max(0, finite(party.noise(s)));
  const posture = s.posture[p]!;
  const weights = pp.weights[posture]!;
  const candidates = pp.byPosture[posture]!;
  const record: DecisionRecord | null = obs?.decisions ? { moves: [], utility: [], byInterest: [], noise: [], probability: [], temperature, noiseSd, chosen: -1 } : null;
  const utility = ctx.utility;
  const avail = ctx.avail;
  ctx.epoch++;
  const planning = party.horizon > 1 && !ctx.myopic;
  const moves = party.moves;
  let n = 0;
  for (let c = 0; c < candidates.length; c++) {
    const m = moves[candidates[c]!]!;
    if (m.when !== null && !m.when(s)) continue;
    if (m.excludedBy.length > 0 && excluder(m, s) >= 0) continue;
    const byInterest = record ? new Array<number>(party.interests.length).fill(0) : null;
    let value = valueMove(ctx, s, pp, m, weights, byInterest);
    // Looking further ahead adds what the turns after are expected to bring; horizon 1 adds nothing.
    if (planning) value += rolloutGain(ctx, s, p, m, weights);
    const noise = noiseSd * boxMuller(drawAt(seed, 2 + 2 * m.index), drawAt(seed, 3 + 2 * m.index));
    utility[n] = value + noise;
    avail[n++] = m.index;
    if (record) {
      record.moves.push(m.index);
      record.utility.push(value);
      record.byInterest.push(byInterest!);
      record.noise.push(noise);
    }
  }
  const chosen = n === 0 ? -1 : avail[pickOption(ctx, n, temperature, u)]!;
  if (viewed) leaveView(ctx, s, p);
  if (record) {
    record.probability = Array.from(ctx.probability.subarray(0, n));
    record.chosen = chosen;
    obs!.decision?.(p, record);
  }
  return chosen;
}

/** Σ weight × utility of every interest of party `pp` in the world as it is. */
function totalUtility(s: GameState, pp: PartyPlan, weights: Float64Array): number {
  const interests = pp.party.interests;
  let sum = 0;
  for (let k = 0; k < interests.length; k++) sum += weights[k]! * finite(interests[k]!.utility(s));
  return sum;
}

/**
 * Planning beyond one turn: a seeded rollout of the kernel from the decision
 * world (the party's own view): this turn is played with the party making `m`
 * and the others their myopic policy, then H − 1 more turns with every party
 * myopic; the gain is Σ_{k=1}^{H−1} discountᵏ × (utility after turn t+k −
 * utility now), added to the move's one-step value. So with H = 2 a move that
 * only pays off through the others' answer next turn (a signal, a concession)
 * is worth making. The clone's streams are copies: the real draws are untouched.
 */
function rolloutGain(ctx: RunContext, s: GameState, p: number, m: CompiledMove, weights: Float64Array): number {
  const { plan } = ctx;
  const pp = plan.parties[p]!;
  const party = pp.party;
  ctx.rollout ??= createRunContext(plan, true);
  const r = ctx.rollout;
  const c = cloneState(s);
  const np = plan.parties.length;
  const chosen = r.chosen;
  for (let q = 0; q < np; q++) chosen[q] = q === p ? m.index : decide(r, c, q);
  resolveMoves(r, c, chosen);
  reactionPhase(r, c);
  closeTurn(plan, c);
  const now = totalUtility(s, pp, weights);
  let gain = 0;
  let d = 1;
  for (let k = 1; k < party.horizon; k++) {
    if (!c.ended) playTurn(r, c);
    d *= party.discount;
    gain += d * (totalUtility(c, pp, weights) - now);
  }
  return gain;
}

function pickOption(ctx: RunContext, n: number, temperature: number, u: number): number {
  softmaxInto(ctx.utility, n, temperature, ctx.probability);
  return pickIndex(ctx.probability, u, n);
}

/**
 * The move the history track makes for a party this month: its recorded move
 * (forced, even where the model would not offer it), else its idle move where
 * available (none where it is not: a party that has ceased to exist makes no
 * move). A party with neither a record this month nor an idle move is left to
 * its policy (`move` is null).
 */
export function historyMove(plan: TurnPlan, s: GameState, p: number): { move: number | null; recorded: boolean } {
  const step = plan.history.get(s.month)?.[p] ?? -1;
  if (step >= 0) return { move: step, recorded: true };
  const party = plan.parties[p]!.party;
  if (party.idle < 0) return { move: null, recorded: false };
  return { move: isAvailable(party.moves[party.idle]!, s, s.posture[p]!) ? party.idle : -1, recorded: false };
}

// ── 4. Resolution ────────────────────────────────────────────────────────────

/** How each party's chosen move resolves, beyond its chance. */
export interface Resolution {
  /** A facilitator's ruling per party: these effects replace the move's (and it succeeds, unless `failed`). */
  rulings?: readonly (readonly CompiledEffect[] | undefined)[];
  /** Parties whose ruled move was ruled a failure (1): its ruled effects apply, and it sends nothing. */
  failed?: ArrayLike<number>;
  /** Parties whose move is a recorded historical one: it happened as recorded, without a roll. */
  recorded?: ArrayLike<number>;
}

/**
 * Phase 4: simultaneous resolution of `chosen` (local move index per party,
 * -1 for none). Every party's effects stream draws once a turn, moving or not.
 */
const NO_RULINGS: Resolution = Object.freeze({});

export function resolveMoves(ctx: RunContext, s: GameState, chosen: ArrayLike<number>, how: Resolution = NO_RULINGS, obs?: TurnObserver): void {
  const { plan } = ctx;
  const { addInd, setInd, touchedInd, addRel, setRel, touchedRel, draws } = ctx;
  const np = plan.parties.length;
  const { features } = plan.scenario;
  const made = ctx.nextPosture;
  ctx.deliveries.length = 0;
  for (let p = 0; p < np; p++) {
    const pp = plan.parties[p]!;
    draws.start(nextAlea(s.rng[pp.effectsStream]!));
    const u = draws.next();
    const c = chosen[p]!;
    made[p] = c;
    if (c < 0) continue;
    const move = pp.party.moves[c]!;
    if (features.exclusions) {
      // Simultaneous exclusive moves: the one resolved first (party order) stands, the other is void.
      const by = excluder(move, s);
      if (by >= 0) {
        made[p] = -1;
        obs?.voided?.(p, move, by);
        continue;
      }
      s.made[move.global] = s.turn;
    }
    const ruling = how.rulings?.[p];
    const success = ruling !== undefined ? how.failed?.[p] !== 1 : how.recorded?.[p] === 1 || move.chance === null || u < clampChance(move.chance(s));
    const effects = ruling ?? (success ? move.effects : move.failure);
    const amounts = amountsFor(ctx, effects.length);
    for (let i = 0; i < effects.length; i++) amounts[i] = drawAmount(effects[i]!, s, draws);
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      const k = e.target.index;
      if (e.target.kind === 'indicator') {
        if (!touchedInd[k]) {
          touchedInd[k] = 1;
          addInd[k] = 0;
          setInd[k] = NaN;
        }
        if (e.op === 'set') setInd[k] = amounts[i]!;
        else addInd[k] = addInd[k]! + amounts[i]!;
      } else {
        if (!touchedRel[k]) {
          touchedRel[k] = 1;
          addRel[k] = 0;
          setRel[k] = NaN;
        }
        if (e.op === 'set') setRel[k] = amounts[i]!;
        else addRel[k] = addRel[k]! + amounts[i]!;
      }
    }
    s.moveCount[move.global]!++;
    obs?.resolved?.(p, move, success, effects, amounts.subarray(0, effects.length));
    if (success) for (const send of move.sends) for (const to of send.to) ctx.deliveries.push({ message: send.message, from: p, to });
  }
  for (let k = 0; k < touchedInd.length; k++)
    if (touchedInd[k]) {
      touchedInd[k] = 0;
      s.ind[k] = clampValue(plan.indMin[k]!, plan.indMax[k]!, (Number.isNaN(setInd[k]!) ? s.ind[k]! : setInd[k]!) + addInd[k]!);
    }
  const { min, max } = plan.scenario.relations;
  for (let k = 0; k < touchedRel.length; k++)
    if (touchedRel[k]) {
      touchedRel[k] = 0;
      s.rel[k] = clampValue(min, max, (Number.isNaN(setRel[k]!) ? s.rel[k]! : setRel[k]!) + addRel[k]!);
    }
  for (let p = 0; p < np; p++) s.lastMove[p] = made[p]!;
  if (features.messages) for (let p = 0; p < np; p++) if (made[p]! >= 0) checkBreach(ctx, s, p, made[p]!, obs);
}

/** Applies effects one after another at their expected amounts (a message's agreed terms, a commitment's cost): returns the amounts. */
function applyAgreed(ctx: RunContext, s: GameState, effects: readonly CompiledEffect[]): number[] {
  const amounts = effects.map((e) => round6(meanAmount(e, s)));
  effects.forEach((e, i) => {
    write(ctx.plan, s, e, e.op === 'set' ? amounts[i]! : read(s, e) + amounts[i]!);
  });
  return amounts;
}

/** A move that breaks a commitment its party is bound by ends it for every side, and its cost applies. */
function checkBreach(ctx: RunContext, s: GameState, p: number, move: number, obs?: TurnObserver): void {
  const { plan } = ctx;
  const np = plan.parties.length;
  for (const m of plan.parties[p]!.breaks[move]!) {
    if (!(s.turn < s.bound[m * np + p]!)) continue;
    const message = plan.scenario.messages[m]!;
    s.broken[m * np + p]!++;
    for (let q = 0; q < np; q++) s.bound[m * np + q] = -1;
    const cost = message.commitment!.cost;
    // Applied first: an observer call with optional chaining would skip evaluating its arguments.
    const amounts = applyAgreed(ctx, s, cost);
    obs?.breach?.(p, message, cost, amounts);
  }
}

// ── 4b. Reactions ────────────────────────────────────────────────────────────

/** Σ weight × (utility after `effects` at their expected amounts − now), over every interest; the world is restored. */
function valueEffects(ctx: RunContext, s: GameState, pp: PartyPlan, effects: readonly CompiledEffect[], weights: Float64Array): number {
  if (effects.length === 0) return 0;
  const before = totalUtility(s, pp, weights);
  const saved = effects.map((e) => read(s, e));
  const amounts = effects.map((e) => meanAmount(e, s));
  effects.forEach((e, i) => {
    write(ctx.plan, s, e, e.op === 'set' ? amounts[i]! : read(s, e) + amounts[i]!);
  });
  const after = totalUtility(s, pp, weights);
  for (let i = effects.length - 1; i >= 0; i--) {
    const e = effects[i]!;
    if (e.target.kind === 'indicator') s.ind[e.target.index] = saved[i]!;
    else s.rel[e.target.index] = saved[i]!;
  }
  return after - before;
}

/**
 * Phase 4b, only in scenarios with messages: the messages this turn's moves
 * sent are delivered in order (sender's party order, then the order of the
 * move's `sends`, then receivers' order) to the receivers' machines, which may
 * change posture on them; each receiver answers — accept, reject, or a
 * reaction move — by the same utility rules on its own view, with noise and a
 * draw from its `react` stream (or a human answers through `choose`).
 * A reaction may send messages, answered in the next round; after
 * MAX_REACTION_ROUNDS rounds what is left stays unanswered, so a turn always ends.
 */
export function reactionPhase(ctx: RunContext, s: GameState, choose?: ReplyChooser, obs?: TurnObserver): void {
  const { plan } = ctx;
  if (!plan.scenario.features.messages) return;
  const np = plan.parties.length;
  // Every party's react stream draws once a turn, whether or not it receives anything.
  const seeds = plan.parties.map((pp) => turnSeed(nextAlea(s.rng[pp.reactStream]!)));
  const taken = new Array<number>(np).fill(0);
  let deliveries = ctx.deliveries.slice();
  ctx.deliveries.length = 0;
  for (let round = 1; round <= MAX_REACTION_ROUNDS && deliveries.length > 0; round++) {
    const next: Delivery[] = [];
    for (const d of deliveries) answer(ctx, s, d, round, seeds[d.to]!, taken, next, choose, obs);
    deliveries = next;
  }
  for (const d of deliveries) obs?.unanswered?.(d);
}

function answer(ctx: RunContext, s: GameState, d: Delivery, round: number, seed: number, taken: number[], next: Delivery[], choose: ReplyChooser | undefined, obs: TurnObserver | undefined): void {
  const { plan } = ctx;
  const np = plan.parties.length;
  const pp = plan.parties[d.to]!;
  const party = pp.party;
  const message = plan.scenario.messages[d.message]!;
  const draw = () => drawAt(seed, ++taken[d.to]!);
  enterView(ctx, s, d.to);
  let transition: CompiledTransition | null = null;
  for (const t of party.onMessage[s.posture[d.to]!]!.get(d.message) ?? [])
    if (t.guard === null || t.guard(s)) {
      transition = t;
      break;
    }
  if (transition) s.posture[d.to] = transition.to;
  const posture = s.posture[d.to]!;
  const weights = pp.weights[posture]!;
  const options: ReplyOption[] = [{ kind: 'accept' }, { kind: 'reject' }];
  for (const m of party.moves) if (m.reactsTo.includes(d.message) && isAvailable(m, s, posture)) options.push({ kind: 'move', move: m.index });
  const u = draw();
  const temperature = Math.max(0, finite(party.temperature(s)));
  const noiseSd = Math.max(0, finite(party.noise(s)));
  ctx.epoch++;
  const utility = options.map((o) =>
    o.kind === 'accept' ? valueEffects(ctx, s, pp, message.terms, weights) : o.kind === 'reject' ? valueEffects(ctx, s, pp, message.onReject, weights) : valueMove(ctx, s, pp, party.moves[o.move]!, weights, null),
  );
  const noise = options.map(() => noiseSd * boxMuller(draw(), draw()));
  const probability = new Array<number>(options.length);
  softmaxInto(
    utility.map((v, i) => v + noise[i]!),
    options.length,
    temperature,
    probability,
  );
  const human = choose?.(d, options);
  const chosen = human ?? pickIndex(probability, u, options.length);
  leaveView(ctx, s, d.to);
  const option = options[chosen]!;
  let effects: readonly CompiledEffect[] = [];
  let amounts: number[] = [];
  let success = true;
  if (option.kind === 'accept') {
    effects = message.terms;
    amounts = applyAgreed(ctx, s, effects);
    for (const q of [d.from, d.to]) if (s.agreed[d.message * np + q]! < 0) s.agreed[d.message * np + q] = s.turn + 1;
    // The sides (sender and this receiver) are bound for the commitment's turns after this one.
    if (message.commitment)
      for (const b of message.commitment.breaks) if (b.party === d.from || b.party === d.to) s.bound[d.message * np + b.party] = s.turn + 1 + message.commitment.turns;
  } else if (option.kind === 'reject') {
    effects = message.onReject;
    amounts = applyAgreed(ctx, s, effects);
  } else {
    const move = party.moves[option.move]!;
    const roll = draw();
    success = move.chance === null || roll < clampChance(move.chance(s));
    effects = success ? move.effects : move.failure;
    const draws = ctx.draws.resume(seed, taken[d.to]!);
    amounts = effects.map((e) => drawAmount(e, s, draws));
    taken[d.to] = draws.taken;
    effects.forEach((e, i) => {
      write(plan, s, e, e.op === 'set' ? amounts[i]! : read(s, e) + amounts[i]!);
    });
    s.moveCount[move.global]!++;
    if (plan.scenario.features.exclusions) s.made[move.global] = s.turn;
    checkBreach(ctx, s, d.to, move.index, obs);
    if (success) for (const send of move.sends) for (const to of send.to) next.push({ message: send.message, from: d.to, to });
  }
  obs?.reply?.({ ...d, round, transition, options, utility, noise, probability, chosen, human: human !== undefined, success, effects, amounts });
}

// ── 5. Bookkeeping ───────────────────────────────────────────────────────────

/** Phase 5: `over: ever` outcomes record the first turn they hold; the turn and date advance; the end is checked. */
export function closeTurn(plan: TurnPlan, s: GameState): void {
  for (const o of plan.everOutcomes) if (s.ever[o.everIndex]! < 0 && o.when(s)) s.ever[o.everIndex] = s.turn + 1;
  const { scenario } = plan;
  if (scenario.features.beliefs) {
    // Beliefs drift toward the truth at each party's learning rate (0: never learns): the documented simple rule.
    const nInd = s.ind.length;
    for (const party of scenario.parties)
      for (const h of party.hidden) {
        if (h.learn <= 0) continue;
        const k = party.index * nInd + h.indicator;
        s.belief[k] = round6(s.belief[k]! + h.learn * (s.ind[h.indicator]! - s.belief[k]!));
      }
  }
  s.turn += 1;
  s.month += scenario.calendar.step;
  s.ended = s.turn >= scenario.calendar.turns || scenario.end?.(s) === true;
}

/**
 * One whole turn with no inputs and no observer, in place: the batch path.
 * With `history`, every party makes its move on the history track and chance
 * events stay off (teacher forcing, as `stepTurn` with `{ history: true }`).
 */
export function playTurn(ctx: RunContext, s: GameState, history = false): void {
  const { plan } = ctx;
  playEvents(ctx, s, history, []);
  stepPostures(ctx, s, 'table');
  const np = plan.parties.length;
  const chosen = ctx.chosen;
  let recorded: Int32Array | undefined;
  for (let p = 0; p < np; p++) {
    // The policy always draws, so its stream advances the same whoever chooses.
    chosen[p] = decide(ctx, s, p);
    if (history) {
      const h = historyMove(plan, s, p);
      if (h.move !== null) chosen[p] = h.move;
      if (h.recorded) {
        recorded ??= new Int32Array(np);
        recorded[p] = 1;
      }
    }
  }
  resolveMoves(ctx, s, chosen, recorded ? { recorded } : NO_RULINGS);
  reactionPhase(ctx, s);
  closeTurn(plan, s);
}
