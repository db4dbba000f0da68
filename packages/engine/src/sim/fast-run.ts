/**
 * The batch path: a whole game played by the computer with nothing but the
 * state. Same rules, same draws and the same arithmetic as `stepTurn` with no
 * inputs — a test checks the final states are identical on every shipped
 * scenario and on generated ones — but without turn logs, explanations,
 * input validation, state hashes or XState's interpreter (postures step through
 * the transition table compiled from the machine definitions).
 *
 * Where the time goes instead: the policy looks one move ahead for every
 * available move, and a move only touches a few indicators and relations, so
 * each move re-evaluates only the interests that read what it writes (found
 * once, from the expressions' syntax trees). The others contribute exactly 0.
 */
import type { World } from '../expr/compile.js';
import { emptyReads, expressionReads, type WorldReads } from '../expr/reads.js';
import type { CompiledEffect, CompiledMove, CompiledParty, CompiledScenario } from '../scenario/compiled.js';
import { nextAlea, turnGenerator } from '../rng/streams.js';
import { round6 } from './effects.js';
import { createInitialState, type GameState, type InitError, type Params } from './state.js';

interface FastMove {
  move: CompiledMove;
  /** Interests (local indices, ascending) whose utility this move can change. */
  affected: Int32Array;
}

interface FastParty {
  party: CompiledParty;
  policyStream: number;
  effectsStream: number;
  /** Candidate moves by posture (posture allows them; `when` is checked each turn). */
  byPosture: FastMove[][];
  /** Weights by posture, by interest. */
  weights: Float64Array[];
  /** Interest utilities before any move, computed once a turn for the interests some move needs. */
  now: Float64Array;
  nowTurn: Int32Array;
}

/** A scenario prepared for many fast runs (build once per worker, reuse for every run). */
export interface FastPlan {
  scenario: CompiledScenario;
  parties: FastParty[];
  eventsStream: number;
  indMin: Float64Array;
  indMax: Float64Array;
  everOutcomes: Extract<CompiledScenario['outcomes'][number], { type: 'boolean' }>[];
  // Scratch space, reused across turns and runs.
  addInd: Float64Array;
  setInd: Float64Array;
  addRel: Float64Array;
  setRel: Float64Array;
  touchedInd: Uint8Array;
  touchedRel: Uint8Array;
  utility: Float64Array;
  chosen: Int32Array;
}

function writes(effects: readonly CompiledEffect[], ind: Set<number>, rel: Set<number>): void {
  for (const e of effects) (e.target.kind === 'indicator' ? ind : rel).add(e.target.index);
}

function intersects(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Precomputes the tables a fast run needs. */
export function prepareFastRun(scenario: CompiledScenario): FastPlan {
  const streams = scenario.streams;
  let maxMoves = 0;
  const parties = scenario.parties.map((party): FastParty => {
    maxMoves = Math.max(maxMoves, party.moves.length);
    const docInterests = scenario.doc.parties[party.id]?.interests ?? [];
    const reads: WorldReads[] = party.interests.map((_, k) => {
      const w = docInterests[k]?.wants;
      const r = emptyReads();
      if (!w || docInterests.length !== party.interests.length) r.any = true;
      else {
        const src = w.raise ?? w.lower ?? w.target?.of ?? w.band?.of ?? w.hold;
        if (src === undefined) r.any = true;
        else expressionReads(src, scenario.symbols, r);
      }
      return r;
    });
    const fastMoves = party.moves.map((move): FastMove => {
      const ind = new Set<number>();
      const rel = new Set<number>();
      writes(move.effects, ind, rel);
      writes(move.failure, ind, rel);
      const affected: number[] = [];
      reads.forEach((r, k) => {
        if (r.any || r.lastMove.has(party.index) || r.moveCount.has(move.global) || intersects(r.ind, ind) || intersects(r.rel, rel)) affected.push(k);
      });
      return { move, affected: Int32Array.from(affected) };
    });
    return {
      party,
      policyStream: streams.indexOf(`policy:${party.id}`),
      effectsStream: streams.indexOf(`effects:${party.id}`),
      byPosture: party.postures.map((_, p) => fastMoves.filter((f) => f.move.postures[p])),
      weights: party.postures.map((_, p) => Float64Array.from(party.interests.map((it) => it.weights[p]!))),
      now: new Float64Array(party.interests.length),
      nowTurn: new Int32Array(party.interests.length).fill(-1),
    };
  });
  const effectCounts = [
    ...scenario.parties.flatMap((p) => p.moves.map((m) => Math.max(m.effects.length, m.failure.length))),
    ...scenario.events.map((e) => e.effects.length),
  ];
  ensureScratch(Math.max(1, ...effectCounts), Math.max(1, ...scenario.parties.map((p) => p.interests.length)), Math.max(1, maxMoves));
  return {
    scenario,
    parties,
    eventsStream: streams.indexOf('events'),
    indMin: Float64Array.from(scenario.indicators.map((i) => i.min)),
    indMax: Float64Array.from(scenario.indicators.map((i) => i.max)),
    everOutcomes: scenario.outcomes.filter((o): o is FastPlan['everOutcomes'][number] => o.type === 'boolean' && o.over === 'ever'),
    addInd: new Float64Array(scenario.indicators.length),
    setInd: new Float64Array(scenario.indicators.length),
    addRel: new Float64Array(scenario.relations.pairs.length),
    setRel: new Float64Array(scenario.relations.pairs.length),
    touchedInd: new Uint8Array(scenario.indicators.length),
    touchedRel: new Uint8Array(scenario.relations.pairs.length),
    utility: new Float64Array(maxMoves),
    chosen: new Int32Array(scenario.parties.length),
  };
}

// clampTarget, inlined over the plan's arrays.
function clampInd(plan: FastPlan, i: number, v: number): number {
  if (!Number.isFinite(v)) v = 0;
  return round6(Math.min(plan.indMax[i]!, Math.max(plan.indMin[i]!, v)));
}
function clampRel(scenario: CompiledScenario, v: number): number {
  if (!Number.isFinite(v)) v = 0;
  return round6(Math.min(scenario.relations.max, Math.max(scenario.relations.min, v)));
}

/** drawEffects' amount for one effect. */
function drawAmount(e: CompiledEffect, world: World, next: () => number): number {
  let a: number;
  const amt = e.amount;
  if (amt.kind === 'fixed') a = amt.value;
  else if (amt.kind === 'range') a = amt.lo + (amt.hi - amt.lo) * next();
  else a = amt.fn(world);
  return round6(Number.isFinite(a) ? a : 0);
}

/** expectedAmount. */
function meanAmount(e: CompiledEffect, world: World): number {
  const amt = e.amount;
  if (amt.kind === 'fixed') return amt.value;
  if (amt.kind === 'range') return (amt.lo + amt.hi) / 2;
  const v = amt.fn(world);
  return Number.isFinite(v) ? v : 0;
}

/** applySequential with drawn amounts. */
function applyEvent(plan: FastPlan, s: GameState, effects: readonly CompiledEffect[], next: () => number): void {
  // Amounts are all settled before any is applied, as drawEffects does.
  const amounts = scratchDrawn;
  for (let i = 0; i < effects.length; i++) amounts[i] = drawAmount(effects[i]!, s, next);
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    const a = amounts[i]!;
    if (e.target.kind === 'indicator') {
      const k = e.target.index;
      s.ind[k] = clampInd(plan, k, e.op === 'set' ? a : s.ind[k]! + a);
    } else {
      const k = e.target.index;
      s.rel[k] = clampRel(plan.scenario, e.op === 'set' ? a : s.rel[k]! + a);
    }
  }
}

// Scratch buffers (the engine is single-threaded per worker and these functions do not re-enter).
// Sized in prepareFastRun for the largest move and interest lists.
let scratchSaved = new Float64Array(16);
let scratchAmounts = new Float64Array(16);
let scratchSuccess = new Float64Array(64);
let scratchFailure = new Float64Array(64);
let scratchAvail = new Int32Array(64);
let scratchDrawn = new Float64Array(16);

function ensureScratch(effects: number, interests: number, moves: number): void {
  if (scratchSaved.length < effects) {
    scratchSaved = new Float64Array(effects);
    scratchAmounts = new Float64Array(effects);
  }
  if (scratchSuccess.length < interests) {
    scratchSuccess = new Float64Array(interests);
    scratchFailure = new Float64Array(interests);
  }
  if (scratchAvail.length < moves) scratchAvail = new Int32Array(moves);
  if (scratchDrawn.length < effects) scratchDrawn = new Float64Array(effects);
}

/** The look-ahead utility change of the affected interests after `effects` (the `after` of valueMoves), written into `out`. */
function lookAhead(plan: FastPlan, fp: FastParty, s: GameState, fm: FastMove, effects: readonly CompiledEffect[], weights: Float64Array, out: Float64Array): void {
  const { scenario } = plan;
  const n = effects.length;
  const saved = scratchSaved;
  // Every amount is read from the world before the move, as valueMoves does.
  const amounts = scratchAmounts;
  for (let i = 0; i < n; i++) amounts[i] = meanAmount(effects[i]!, s);
  for (let i = 0; i < n; i++) {
    const e = effects[i]!;
    const a = amounts[i]!;
    const k = e.target.index;
    if (e.target.kind === 'indicator') {
      saved[i] = s.ind[k]!;
      s.ind[k] = clampInd(plan, k, e.op === 'set' ? a : s.ind[k]! + a);
    } else {
      saved[i] = s.rel[k]!;
      s.rel[k] = clampRel(scenario, e.op === 'set' ? a : s.rel[k]! + a);
    }
  }
  const m = fm.move;
  const count = s.moveCount[m.global]!;
  const last = s.lastMove[fp.party.index]!;
  s.moveCount[m.global] = count + 1;
  s.lastMove[fp.party.index] = m.index;
  const interests = fp.party.interests;
  for (let j = 0; j < fm.affected.length; j++) {
    const k = fm.affected[j]!;
    out[j] = weights[k]! * (interests[k]!.utility(s) - fp.now[k]!);
  }
  s.moveCount[m.global] = count;
  s.lastMove[fp.party.index] = last;
  // Restore in reverse, so a target written twice gets its original value back.
  for (let i = n - 1; i >= 0; i--) {
    const e = effects[i]!;
    if (e.target.kind === 'indicator') s.ind[e.target.index] = saved[i]!;
    else s.rel[e.target.index] = saved[i]!;
  }
}


/**
 * The j-th draw (1-based) of `turnGenerator(u)`. mulberry32 advances its state
 * by a constant, so any draw can be computed directly: the policy draws noise
 * only for the moves that are available, at the positions `chooseMove` would.
 */
function drawAt(seed32: number, j: number): number {
  const a = (seed32 + Math.imul(j, 0x6d2b79f5)) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** gaussian() on the draws for move i: chooseMove draws u first, then two uniforms per declared move. */
function noiseAt(seed32: number, i: number): number {
  const u1 = drawAt(seed32, 2 + 2 * i) || 1e-12;
  const u2 = drawAt(seed32, 3 + 2 * i);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The policy of `chooseMove`, returning the chosen local move index or -1. `seed32` is the turn generator's seed. */
function choose(plan: FastPlan, fp: FastParty, s: GameState, turn: number, seed32: number): number {
  const party = fp.party;
  const u = drawAt(seed32, 1);
  const temperature = Math.max(0, party.temperature(s));
  const noiseSd = Math.max(0, party.noise(s));
  const posture = s.posture[party.index]!;
  const weights = fp.weights[posture]!;
  const candidates = fp.byPosture[posture]!;
  const utility = plan.utility;
  const avail = scratchAvail;
  let n = 0;
  for (const fm of candidates) {
    const m = fm.move;
    if (m.when !== null && !m.when(s)) continue;
    // Utilities before the move, once a turn, only for interests some move needs.
    for (let j = 0; j < fm.affected.length; j++) {
      const k = fm.affected[j]!;
      if (fp.nowTurn[k] !== turn) {
        fp.now[k] = party.interests[k]!.utility(s);
        fp.nowTurn[k] = turn;
      }
    }
    const c = m.chance === null ? 1 : Math.min(1, Math.max(0, m.chance(s)));
    lookAhead(plan, fp, s, fm, m.effects, weights, scratchSuccess);
    let sum = 0;
    if (c < 1) {
      lookAhead(plan, fp, s, fm, m.failure, weights, scratchFailure);
      for (let j = 0; j < fm.affected.length; j++) sum += c * scratchSuccess[j]! + (1 - c) * scratchFailure[j]!;
    } else for (let j = 0; j < fm.affected.length; j++) sum += scratchSuccess[j]!;
    utility[n] = sum + noiseSd * noiseAt(seed32, m.index);
    avail[n++] = m.index;
  }
  if (n === 0) return -1;
  // softmax + pickIndex, with the same arithmetic.
  let best = 0;
  for (let i = 1; i < n; i++) if (utility[i]! > utility[best]!) best = i;
  if (!(temperature > 1e-9)) return avail[best]!;
  const max = utility[best]!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    utility[i] = Math.exp((utility[i]! - max) / temperature);
    total += utility[i]!;
  }
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += utility[i]! / total;
    if (u < acc) return avail[i]!;
  }
  for (let i = n - 1; i >= 0; i--) if (utility[i]! / total > 0) return avail[i]!;
  return avail[n - 1]!;
}

/** One turn of a computer-only game, in place. */
function fastTurn(plan: FastPlan, s: GameState): void {
  const { scenario } = plan;
  // 1. Events.
  const nextEvent = turnGenerator(nextAlea(s.rng[plan.eventsStream]!));
  for (const e of scenario.events) {
    if (e.at !== null) {
      if (e.at === s.month && (e.when === null || e.when(s))) {
        applyEvent(plan, s, e.effects, nextEvent);
        s.eventCount[e.index]!++;
      }
    } else if (e.recurring) {
      if (e.when === null || e.when(s)) {
        applyEvent(plan, s, e.effects, nextEvent);
        s.eventCount[e.index]!++;
      }
    } else if (e.chance !== null) {
      const u = nextEvent();
      if ((e.repeat || s.eventCount[e.index] === 0) && (e.when === null || e.when(s)) && u < e.chance(s)) {
        applyEvent(plan, s, e.effects, nextEvent);
        s.eventCount[e.index]!++;
      }
    }
  }
  // 2. Postures, all from the same world (the compiled transition table).
  const parties = plan.parties;
  const np = parties.length;
  const nextPosture = plan.chosen;
  for (let p = 0; p < np; p++) {
    const party = parties[p]!.party;
    const from = s.posture[p]!;
    nextPosture[p] = from;
    for (const t of party.transitions[from]!)
      if (t.guard === null || t.guard(s)) {
        nextPosture[p] = t.to;
        break;
      }
  }
  for (let p = 0; p < np; p++) s.posture[p] = nextPosture[p]!;
  // 3. Moves, all chosen from the same world.
  const chosen = plan.chosen;
  for (let p = 0; p < np; p++) {
    const fp = parties[p]!;
    // turnGenerator's seed, from the stream's one draw this turn.
    chosen[p] = choose(plan, fp, s, s.turn, Math.floor(nextAlea(s.rng[fp.policyStream]!) * 4294967296) >>> 0);
  }
  // 4. Simultaneous resolution.
  const { addInd, setInd, addRel, setRel, touchedInd, touchedRel } = plan;
  for (let p = 0; p < np; p++) {
    const fp = parties[p]!;
    const next = turnGenerator(nextAlea(s.rng[fp.effectsStream]!));
    const u = next();
    if (chosen[p]! < 0) continue;
    const move = fp.party.moves[chosen[p]!]!;
    const success = move.chance === null || u < move.chance(s);
    const effects = success ? move.effects : move.failure;
    const amounts = scratchDrawn;
    for (let i = 0; i < effects.length; i++) amounts[i] = drawAmount(effects[i]!, s, next);
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
  }
  for (let k = 0; k < touchedInd.length; k++)
    if (touchedInd[k]) {
      touchedInd[k] = 0;
      s.ind[k] = clampInd(plan, k, (Number.isNaN(setInd[k]!) ? s.ind[k]! : setInd[k]!) + addInd[k]!);
    }
  for (let k = 0; k < touchedRel.length; k++)
    if (touchedRel[k]) {
      touchedRel[k] = 0;
      s.rel[k] = clampRel(scenario, (Number.isNaN(setRel[k]!) ? s.rel[k]! : setRel[k]!) + addRel[k]!);
    }
  for (let p = 0; p < np; p++) s.lastMove[p] = chosen[p]!;
  // 5. Ever-outcomes, end, date.
  for (const o of plan.everOutcomes) if (s.ever[o.everIndex]! < 0 && o.when(s)) s.ever[o.everIndex] = s.turn + 1;
  s.turn += 1;
  s.month += scenario.calendar.step;
  s.ended = s.turn >= scenario.calendar.turns || (scenario.end !== null && scenario.end(s));
}

/**
 * Plays a whole computer-only game and returns the final state, identical to
 * `runGame(scenario, { seed, params })`'s `final`.
 *
 * @example
 * const plan = prepareFastRun(scenario);
 * const r = fastRun(plan, { seed: '42.0' });
 * if (r.ok) evaluateOutcomes(scenario, r.state);
 */
export function fastRun(plan: FastPlan, opts: { seed: string; params?: Params }): { ok: true; state: GameState } | { ok: false; error: InitError } {
  const init = createInitialState(plan.scenario, opts);
  if (!init.ok) return init;
  const s = init.state;
  for (const fp of plan.parties) fp.nowTurn.fill(-1);
  while (!s.ended) fastTurn(plan, s);
  return { ok: true, state: s };
}
