/**
 * What one party may know: the world as it sees it (indicators it cannot see
 * replaced by its beliefs, postures it may not see withheld) and the turn log
 * as it was told it (others' secret moves, messages between others, effects on
 * what it cannot see, and others' private reasoning left out). Screens for a
 * player, team views in a workshop, and anything sent over a network to a
 * team are built from these, never from the full state.
 */
import type { CompiledScenario } from '../scenario/compiled.js';
import type { AppliedEffect } from './effects.js';
import type { GameState } from './state.js';
import type { PartyTurnLog, TurnLog } from './step-turn.js';

export interface IndicatorView {
  id: string;
  value: number;
  /** `true`: the true value; `belief`: the party's belief about a value it cannot see. */
  kind: 'true' | 'belief';
}

export interface PartyView {
  party: string;
  turn: number;
  month: number;
  ended: boolean;
  indicators: IndicatorView[];
  /** Each party's posture, or null where this party may not see it. */
  postures: Record<string, string | null>;
  /** Relations are public. */
  relations: number[];
}

/** `p` is a party index, or PUBLIC for what every party may know (a projector, a spectator). */
export const PUBLIC = -1;

function canSeeIndicator(scenario: CompiledScenario, i: number, p: number): boolean {
  const v = scenario.indicators[i]!.visibleTo;
  return v === null || (p >= 0 && v[p] === true);
}

function canSeePosture(scenario: CompiledScenario, of: number, p: number): boolean {
  const v = scenario.parties[of]!.postureVisibleTo;
  return of === p || v === null || (p >= 0 && v[p] === true);
}

/** The world as party `p` sees it. */
export function viewOf(scenario: CompiledScenario, s: GameState, p: number): PartyView {
  const nInd = scenario.indicators.length;
  return {
    party: scenario.parties[p]!.id,
    turn: s.turn,
    month: s.month,
    ended: s.ended,
    indicators: scenario.indicators.map((ind, i) =>
      canSeeIndicator(scenario, i, p) ? { id: ind.id, value: s.ind[i]!, kind: 'true' } : { id: ind.id, value: s.belief[p * nInd + i] ?? ind.initial, kind: 'belief' },
    ),
    postures: Object.fromEntries(scenario.parties.map((q, k) => [q.id, canSeePosture(scenario, k, p) ? q.postures[s.posture[k]!]! : null])),
    relations: s.rel.slice(),
  };
}

/**
 * A turn's log as party `p` was told it. `after` is the state after the turn
 * (its beliefs replace what the party cannot see). With `p` = PUBLIC, the
 * public record: what every party may know — no hidden indicator at all, no
 * secret move, no message.
 */
export function logFor(scenario: CompiledScenario, log: TurnLog, p: number, after: GameState): TurnLog {
  const me = p >= 0 ? scenario.parties[p]!.id : null;
  const hidden = new Set(scenario.indicators.filter((_, i) => !canSeeIndicator(scenario, i, p)).map((i) => i.id));
  const nInd = scenario.indicators.length;
  const visible = (effects: AppliedEffect[]) => effects.filter((e) => !hidden.has(e.key));
  const privateReasons = scenario.features.beliefs;
  const parties = log.parties.map((entry, k): PartyTurnLog => {
    if (entry.party === me) return { ...entry, effects: visible(entry.effects) };
    const party = scenario.parties[k]!;
    const move = entry.move === null ? undefined : party.moves.find((m) => m.id === entry.move);
    const secret = move?.visibleTo != null && (p < 0 || move.visibleTo[p] !== true);
    const posture = canSeePosture(scenario, k, p);
    return {
      ...entry,
      previousPosture: posture ? entry.previousPosture : '?',
      posture: posture ? entry.posture : '?',
      transition: posture ? entry.transition : null,
      move: secret ? null : entry.move,
      moveLabel: secret ? 'a move kept secret' : entry.moveLabel,
      effects: secret ? [] : visible(entry.effects),
      // Others' valuations are made on their own views: where there is private information they are theirs alone.
      reason: privateReasons || secret ? { summary: secret ? 'kept secret' : entry.reason.summary, cite: secret ? [] : entry.reason.cite } : entry.reason,
    };
  });
  const indicators = Object.fromEntries(
    Object.entries(log.indicators).flatMap(([id, v]) => {
      if (!hidden.has(id)) return [[id, v]];
      // A party sees its belief; the public record shows nothing of it.
      const i = scenario.indicators.findIndex((x) => x.id === id);
      return p >= 0 ? [[id, after.belief[p * nInd + i] ?? v]] : [];
    }),
  );
  return {
    ...log,
    events: log.events.map((e) => ({ ...e, effects: visible(e.effects) })),
    parties,
    indicators,
    changes: Object.fromEntries(Object.entries(log.changes).filter(([id]) => !hidden.has(id))),
    ...(log.messages ? { messages: log.messages.filter((m) => me !== null && (m.from === me || m.to === me)).map((m) => ({ ...m, effects: visible(m.effects) })) } : {}),
    ...(log.breaches ? { breaches: log.breaches.map((b) => ({ ...b, effects: visible(b.effects) })) } : {}),
  };
}
