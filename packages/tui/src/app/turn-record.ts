/**
 * The record of a session's turns as people read it, one definition for the
 * workshop report (`wargame report <save>`) and the room's replay
 * (`wargame replay --show`): each turn's events (injects marked, a written
 * inject with its effects), every party's move (a team's marked, with the
 * facilitator's ruling on it), posture changes by their labels, messages and
 * the note. Seen by one party (`team`), it is the news as that party was told
 * it (`logFor`): no secret move, no hidden indicator, no note.
 */
import { logFor, type AppliedEffect, type CompiledScenario, type Session, type SessionNode } from '@wargame/engine';
import { targetLabelOf } from './briefing-model.js';
import { describeEffects } from './facilitate/effects-draft.js';
import { formatSigned, formatValue } from './format.js';
import { describeRuling } from './rulings.js';

export interface EventRecord {
  label: string;
  kind: 'scheduled' | 'random' | 'injected';
  /** A facilitator wrote it (an inject of their own, not one of the scenario's events). */
  written: boolean;
  /** What it did, as people read it ("Border tension +5, Trade −2"). */
  effects: string;
}

export interface MoveRecord {
  party: string;
  name: string;
  /** A person chose it (a team, a player). */
  team: boolean;
  /** The move's label, or null: no move. */
  move: string | null;
  failed: boolean;
  /** As on the record (the history track played this turn). */
  recorded: boolean;
  /** The facilitator's ruling on it, as people read it. */
  ruling?: string;
  /** What it did. */
  effects: string;
}

export interface TurnRecord {
  turn: number;
  date: string;
  events: EventRecord[];
  moves: MoveRecord[];
  postures: { name: string; from: string; to: string; reason?: string }[];
  messages: string[];
  note?: string;
}

/** Applied effects as people read them: "Border tension +5, Peacekeepers → 0". */
export function describeApplied(scenario: CompiledScenario, effects: readonly AppliedEffect[]): string {
  return effects
    .filter((e) => e.op === 'set' || Math.abs(e.amount) > 1e-9)
    .map((e) => `${targetLabelOf(scenario, e.key)} ${e.op === 'set' ? `→ ${formatValue(e.amount)}` : formatSigned(e.amount)}`)
    .join(', ');
}

/** A posture's label ("Diversifying") from its id. */
export function postureLabel(scenario: CompiledScenario, partyId: string, posture: string): string {
  const party = scenario.parties.find((p) => p.id === partyId);
  if (!party) return posture;
  return party.postureLabels[party.postures.indexOf(posture)] ?? posture;
}

/** One played node's turn as people read it, whole or as party `team` was told it. */
export function turnRecord(scenario: CompiledScenario, session: Session, node: SessionNode, team?: number): TurnRecord | null {
  const full = node.log;
  if (!full) return null;
  const log = team === undefined ? full : logFor(scenario, full, team, session.stateOf(node.id));
  const inputs = node.inputs ?? {};
  const written = new Map((inputs.inject ?? []).flatMap((i) => ('custom' in i ? [[i.custom.id, i.custom.effects] as const] : [])));
  const name = (id: string) => scenario.parties.find((p) => p.id === id)?.name ?? id;
  const events: EventRecord[] = log.events
    .filter((e) => e.kind !== 'recurring')
    .map((e) => {
      const own = written.get(e.id);
      return {
        label: e.label,
        kind: e.kind as EventRecord['kind'],
        written: own !== undefined,
        // A written inject is told with what the facilitator wrote (ranges, sets); others with what they did.
        effects: own !== undefined && team === undefined ? describeEffects(scenario, own) : describeApplied(scenario, e.effects),
      };
    });
  const teams = new Set(Object.keys(inputs.choices ?? {}));
  const moves: MoveRecord[] = log.parties.map((p) => {
    const ruled = inputs.adjudicate?.[p.party];
    return {
      party: p.party,
      name: name(p.party),
      team: teams.has(p.party),
      move: p.moveLabel,
      failed: p.move !== null && !p.success,
      recorded: p.controller === 'history' && p.historical?.recorded === true,
      ...(ruled && p.move !== null ? { ruling: describeRuling(scenario, p.party, p.move, ruled, inputs.failed?.includes(p.party) === true) } : {}),
      effects: describeApplied(scenario, p.effects),
    };
  });
  const postures = log.parties
    .filter((p) => p.transition)
    .map((p) => ({
      name: name(p.party),
      from: postureLabel(scenario, p.party, p.transition!.from),
      to: postureLabel(scenario, p.party, p.transition!.to),
      ...(p.transition!.reason ? { reason: p.transition!.reason } : {}),
    }));
  const messages = (log.messages ?? []).map((m) => `${name(m.from)} → ${name(m.to)}: ${m.label} (${m.kind}) — ${m.reply === null ? 'no answer' : (m.replyLabel ?? m.reply)}`);
  const note = team === undefined ? (node.note ?? full.note) : undefined;
  return { turn: log.turn, date: log.date, events, moves, postures, messages, ...(note ? { note } : {}) };
}

/** The turns of a branch (the path to `leaf`, default the head), each as people read it. */
export function turnRecords(scenario: CompiledScenario, session: Session, leaf?: number, team?: number): TurnRecord[] {
  return session.path(leaf).flatMap((n) => {
    const r = turnRecord(scenario, session, n, team);
    return r ? [r] : [];
  });
}

/** A move in one line: "Armenia (team): Open talks — it failed · ⚖ ruled a failure (no effect)". */
export function moveLine(m: MoveRecord): string {
  const who = `${m.name}${m.team ? ' (team)' : ''}`;
  const what = m.move === null ? 'no move' : `${m.move}${m.failed ? ' — it failed' : ''}${m.recorded ? ' (as on the record)' : ''}`;
  return `${who}: ${what}${m.ruling ? ` · ⚖ ${m.ruling}` : ''}`;
}

/** An event in one line: "⚡ Border clash (written by the facilitator): Border tension +5". */
export function eventLine(e: EventRecord): string {
  const how = e.written ? ' (written by the facilitator)' : e.kind === 'injected' ? ' (injected)' : '';
  return `⚡ ${e.label}${how}${e.effects ? `: ${e.effects}` : ''}`;
}
