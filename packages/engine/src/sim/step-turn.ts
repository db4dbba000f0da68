/**
 * One turn, as a pure function of (scenario, state, inputs):
 * 1. scheduled, random and injected events fire;
 * 2. every party's machine receives TURN and may change posture (guards read the world after the events);
 * 3. every party picks a move (human choice or policy), all from the same world;
 * 4. moves resolve simultaneously: all amounts are settled against that world, then applied;
 * 5. `ever` outcomes and the end condition are checked, the date advances.
 */
import { nextTransition, type MachineDriver } from '../actors/machines.js';
import { monthText } from '../expr/parse.js';
import { compileEffects } from '../scenario/compile.js';
import type { CompiledEffect, CompiledMove, CompiledScenario } from '../scenario/compiled.js';
import type { Citation } from '../scenario/schema.js';
import { nextAlea, turnGenerator } from '../rng/streams.js';
import { applySequential, clampTarget, drawEffects, readTarget, writeTarget, type AppliedEffect } from './effects.js';
import { TurnInputsSchema, type TurnError, type TurnInputs } from './inputs.js';
import { chooseMove, type OptionValue } from './policy.js';
import { cloneState, namedIndicators, namedRelations, stateHash, type GameState } from './state.js';

export interface EventLog {
  id: string;
  label: string;
  kind: 'scheduled' | 'recurring' | 'random' | 'injected';
  effects: AppliedEffect[];
  cite: Citation[];
}

export interface PartyTurnLog {
  party: string;
  previousPosture: string;
  posture: string;
  /** The transition that changed the posture this turn, if any. */
  transition: { from: string; to: string; guard: string; reason?: string; cite: Citation[] } | null;
  controller: 'computer' | 'human' | 'history';
  /** When the move came from the history track: whether it is a recorded step (else the idle move), whether the model offered it in that posture, and the record. */
  historical?: { recorded: boolean; available: boolean; note?: string; cite: Citation[] };
  move: string | null;
  moveLabel: string | null;
  /** False when a move with a chance of success failed. */
  success: boolean;
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
  relations: Record<string, number>;
  note?: string;
  ended: boolean;
  stateHash: string;
}

export interface StepOptions {
  /** How postures are stepped: XState's `transition()` (default) or the compiled table. Both give the same result. */
  driver?: MachineDriver;
  /** Compute the state hash for the log (default true; batch runs that only need outcomes skip it, and the log's stateHash is then ""). */
  hash?: boolean;
}

export type StepResult = { ok: true; state: GameState; log: TurnLog } | { ok: false; error: TurnError };

/** The moves a party can make in a world (its posture allows them and their condition holds). */
export function availableMoves(scenario: CompiledScenario, partyIndex: number, world: GameState): CompiledMove[] {
  const party = scenario.parties[partyIndex]!;
  const posture = world.posture[partyIndex]!;
  return party.moves.filter((m) => m.postures[posture] && (m.when === null || m.when(world)));
}

function fail(error: TurnError): StepResult {
  return { ok: false, error };
}

/**
 * Plays one turn. Pure: the input state is not modified; illegal inputs come
 * back as `{ ok: false, error }`, never as exceptions.
 *
 * @example
 * let { state } = createInitialState(scenario, { seed: '42' }) as { state: GameState };
 * const r = stepTurn(scenario, state, { choices: { armenia: 'seek_eu_monitors' } });
 * if (r.ok) state = r.state; else console.error(r.error.message);
 */
export function stepTurn(scenario: CompiledScenario, state: GameState, rawInputs: TurnInputs = {}, opts: StepOptions = {}): StepResult {
  const driver = opts.driver ?? 'xstate';
  if (state.ended) return fail({ code: 'game/over', message: `the game is over (after ${state.turn} turns)` });
  if (state.scenario !== scenario.hash)
    return fail({ code: 'inputs/invalid', message: `this state belongs to another scenario (hash ${state.scenario}, loaded ${scenario.hash})` });
  const parsed = TurnInputsSchema.safeParse(rawInputs);
  if (!parsed.success) return fail({ code: 'inputs/invalid', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'inputs'}: ${i.message}`).join('; ') });
  const inputs = parsed.data;
  const partyIds = scenario.symbols.parties;

  // Check names before anything is computed, so an error never reflects half a turn.
  for (const [party, move] of Object.entries(inputs.choices ?? {})) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}"; parties are ${partyIds.join(', ')}` });
    if (!scenario.parties[p]!.moves.some((m) => m.id === move))
      return fail({ code: 'move/unknown', party, message: `${party} has no move "${move}"; its moves are ${scenario.parties[p]!.moves.map((m) => m.id).join(', ')}` });
  }
  const adjudications = new Map<number, CompiledEffect[]>();
  for (const [party, effects] of Object.entries(inputs.adjudicate ?? {})) {
    const p = partyIds.indexOf(party);
    if (p < 0) return fail({ code: 'party/unknown', party, message: `unknown party "${party}" in adjudicate; parties are ${partyIds.join(', ')}` });
    const c = compileEffects(scenario, effects);
    if (!c.ok) return fail({ code: 'effects/invalid', party, message: `adjudication for ${party}: ${c.message}` });
    adjudications.set(p, c.effects);
  }
  const injects: { id: string; label: string; effects: CompiledEffect[]; cite: Citation[]; eventIndex: number }[] = [];
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

  const s = cloneState(state);
  const before = s.ind.slice();
  const streamIndex = (name: string) => scenario.streams.indexOf(name);

  // 1. Events.
  const events: EventLog[] = [];
  const nextEvent = turnGenerator(nextAlea(s.rng[streamIndex('events')]!));
  const fire = (kind: EventLog['kind'], id: string, label: string, effects: CompiledEffect[], cite: Citation[], eventIndex: number) => {
    const amounts = drawEffects(effects, s, nextEvent);
    applySequential(scenario, s, effects, amounts);
    if (eventIndex >= 0) s.eventCount[eventIndex]!++;
    events.push({ id, label, kind, effects: amounts, cite });
  };
  for (const e of scenario.events) {
    if (e.at !== null) {
      // A scheduled event may still depend on the world: it fires at its date only if its condition holds.
      if (e.at === s.month && (e.when === null || e.when(s))) fire('scheduled', e.id, e.label, e.effects, e.cite, e.index);
    } else if (e.recurring) {
      if (e.when === null || e.when(s)) fire('recurring', e.id, e.label, e.effects, e.cite, e.index);
    } else if (e.chance !== null) {
      // Drawn whether or not the event can fire, so later events keep their draws.
      const u = nextEvent();
      // Chance events are not part of the record: following history, only scheduled ones fire.
      if (!inputs.history && (e.repeat || s.eventCount[e.index] === 0) && (e.when === null || e.when(s)) && u < e.chance(s))
        fire('random', e.id, e.label, e.effects, e.cite, e.index);
    }
  }
  for (const inj of injects) fire('injected', inj.id, inj.label, inj.effects, inj.cite, inj.eventIndex);

  // 2. Postures, all from the same world.
  const transitions = scenario.parties.map((party, p) => nextTransition(scenario, party, s.posture[p]!, s, driver));
  const previous = s.posture.slice();
  transitions.forEach((t, p) => {
    if (t) s.posture[p] = t.to;
  });

  // 3. Moves, all chosen from the same world.
  const chosen: { move: CompiledMove | null; log: Omit<PartyTurnLog, 'success' | 'effects' | 'adjudicated'> }[] = [];
  for (const party of scenario.parties) {
    const p = party.index;
    const next = turnGenerator(nextAlea(s.rng[streamIndex(`policy:${party.id}`)]!));
    const available = availableMoves(scenario, p, s);
    const t = transitions[p];
    const base = {
      party: party.id,
      previousPosture: party.postures[previous[p]!]!,
      posture: party.postures[s.posture[p]!]!,
      transition: t ? { from: party.postures[t.from]!, to: party.postures[t.to]!, guard: t.guardText, ...(t.reason === undefined ? {} : { reason: t.reason }), cite: t.cite } : null,
    };
    const human = inputs.choices && Object.hasOwn(inputs.choices, party.id) ? inputs.choices[party.id] : undefined;
    // The policy always runs, so its stream advances the same whoever chooses and the explanation is there to compare.
    const policy = chooseMove(scenario, party, s, available, next);
    if (human !== undefined) {
      const move = available.find((m) => m.id === human);
      if (!move)
        return fail({
          code: 'move/unavailable',
          party: party.id,
          available: available.map((m) => m.id),
          message: `${party.id} cannot make "${human}" now (posture ${base.posture}${describeWhy(party.moves.find((m) => m.id === human)!, s.posture[p]!, s, party.postures)}); available: ${available.map((m) => m.id).join(', ') || 'none'}`,
        });
      chosen.push({
        move,
        log: { ...base, controller: 'human', move: move.id, moveLabel: move.label, reason: { summary: 'chosen by a player', options: policy.options, cite: move.cite } },
      });
      continue;
    }
    if (inputs.history) {
      const step = scenario.history.find((h) => h.month === s.month && h.party === p);
      // Teacher forcing: the record decides, the policy's view is kept for the history check.
      // A recorded move is forced even if the model would not offer it; the idle move only where it is available
      // (a party that has ceased to exist makes no move at all).
      const idle = party.idle >= 0 ? party.moves[party.idle]! : null;
      if (step || idle) {
        const forced = step ? party.moves[step.move]! : available.includes(idle!) ? idle! : null;
        if (!forced) {
          chosen.push({ move: null, log: { ...base, controller: 'history', move: null, moveLabel: null, reason: { summary: 'no historical move this month, and its idle move is not available: no move', cite: [] } } });
          continue;
        }
        const offered = available.includes(forced);
        chosen.push({
          move: forced,
          log: {
            ...base,
            controller: 'history',
            move: forced.id,
            moveLabel: forced.label,
            historical: { recorded: step !== undefined, available: offered, ...(step?.note === undefined ? {} : { note: step.note }), cite: step?.cite ?? [] },
            reason: {
              summary: step ? `the historical move${offered ? '' : ' (which the model did not offer in this posture)'}` : 'no historical move this month: the idle move',
              options: policy.options,
              temperature: policy.temperature,
              noiseSd: policy.noiseSd,
              cite: step?.cite ?? forced.cite,
            },
          },
        });
        continue;
      }
    }
    const move = policy.chosen >= 0 ? party.moves[policy.chosen]! : null;
    chosen.push({ move, log: { ...base, controller: 'computer', move: move?.id ?? null, moveLabel: move?.label ?? null, reason: explain(party, move, policy) } });
  }

  // 4. Simultaneous resolution: every amount is settled against the same world, then applied together.
  const deltas = new Map<string, { target: CompiledEffect['target']; add: number; set: number | null }>();
  const logs: PartyTurnLog[] = chosen.map(({ move, log }, p) => {
    const party = scenario.parties[p]!;
    const next = turnGenerator(nextAlea(s.rng[streamIndex(`effects:${party.id}`)]!));
    const u = next();
    if (!move) return { ...log, success: false, adjudicated: false, effects: [] };
    const ruling = adjudications.get(p);
    // A recorded historical move happened as recorded: it does not roll its chance of failure.
    const recorded = log.historical?.recorded === true;
    const success = ruling !== undefined || recorded || move.chance === null || u < move.chance(s);
    const effects = ruling ?? (success ? move.effects : move.failure);
    const amounts = drawEffects(effects, s, next);
    effects.forEach((e, i) => {
      const key = e.target.kind === 'indicator' ? `i${e.target.index}` : `r${e.target.index}`;
      let slot = deltas.get(key);
      if (!slot) deltas.set(key, (slot = { target: e.target, add: 0, set: null }));
      if (e.op === 'set') slot.set = amounts[i]!.amount;
      else slot.add += amounts[i]!.amount;
    });
    s.moveCount[move.global]!++;
    return { ...log, success, adjudicated: ruling !== undefined, effects: amounts };
  });
  for (const slot of deltas.values()) writeTarget(s, slot.target, clampTarget(scenario, slot.target, (slot.set ?? readTarget(s, slot.target)) + slot.add));
  chosen.forEach(({ move }, p) => (s.lastMove[p] = move ? move.index : -1));

  // 5. Outcomes tracked over the run, end, date.
  for (const o of scenario.outcomes) if (o.type === 'boolean' && o.over === 'ever' && s.ever[o.everIndex]! < 0 && o.when(s)) s.ever[o.everIndex] = s.turn + 1;
  const date = monthText(s.month);
  s.turn += 1;
  s.month += scenario.calendar.step;
  s.ended = s.turn >= scenario.calendar.turns || (scenario.end !== null && scenario.end(s));

  const changes: Record<string, number> = {};
  scenario.indicators.forEach((ind, i) => {
    const d = s.ind[i]! - before[i]!;
    if (Math.abs(d) > 1e-9) changes[ind.id] = Math.round(d * 1e6) / 1e6;
  });
  return {
    ok: true,
    state: s,
    log: {
      turn: s.turn,
      date,
      events,
      parties: logs,
      indicators: namedIndicators(scenario, s),
      changes,
      relations: namedRelations(scenario, s),
      ...(inputs.note === undefined ? {} : { note: inputs.note }),
      ended: s.ended,
      stateHash: opts.hash === false ? '' : stateHash(s),
    },
  };
}

function describeWhy(move: CompiledMove, posture: number, world: GameState, postures: string[]): string {
  if (!move.postures[posture]) return `; "${move.id}" needs posture ${postures.filter((_, i) => move.postures[i]).join(' or ')}`;
  if (move.when && !move.when(world)) return `; its condition "${move.whenText}" does not hold`;
  return '';
}

function explain(party: CompiledScenario['parties'][number], move: CompiledMove | null, policy: ReturnType<typeof chooseMove>): PartyTurnLog['reason'] {
  if (!move) return { summary: 'no move available in this posture', cite: [] };
  const option = policy.options.find((o) => o.move === move.id)!;
  let top: { id: string; contribution: number } | undefined;
  for (const [id, contribution] of Object.entries(option.byInterest))
    if (contribution > 0 && (!top || contribution > top.contribution)) top = { id, contribution };
  const interest = top ? party.interests.find((i) => i.id === top.id)! : undefined;
  const p = Math.round(option.probability * 100);
  const likeliest = policy.options.reduce((a, b) => (b.probability > a.probability ? b : a));
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
    options: policy.options,
    temperature: policy.temperature,
    noiseSd: policy.noiseSd,
    cite: [...move.cite, ...(interest ? interest.cite : [])],
  };
}
