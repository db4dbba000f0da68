/**
 * Why did a computer party make its last move? Its posture and the guard that
 * put it there, the utility of each option it had, split by interest, the
 * noise drawn, the probability, and the source passages behind its interests.
 */
import type { CompiledScenario, Session, TurnLog } from '@wargame/engine';
import { quotesOf, type Quote } from './briefing-model.js';

export interface OptionRow {
  move: string;
  label: string;
  utility: number;
  noise: number;
  probability: number;
  chosen: boolean;
  /** Each interest's weighted contribution, in the party's interest order (zeros included). */
  byInterest: { id: string; text: string; contribution: number; quotes: Quote[] }[];
}

export interface Explanation {
  party: { id: string; name: string };
  date: string;
  controller: 'computer' | 'human' | 'history';
  move: string | null;
  summary: string;
  posture: string;
  /** How the party came to be in its posture: the transition (this turn or an earlier one), or its initial posture. */
  postureWhy: { date: string | null; from?: string; guard?: string; reason?: string; quotes: Quote[] };
  options: OptionRow[];
  temperature?: number;
  noiseSd?: number;
  topInterest?: { text: string; contribution: number; quotes: Quote[] };
  /** For a move made by following history: the record. */
  record?: { note?: string; quotes: Quote[] };
}

/** The computer parties a player can ask about (every party but the player's). */
export function explainableParties(scenario: CompiledScenario, playerIndex: number): { id: string; name: string }[] {
  return scenario.parties.filter((p) => p.index !== playerIndex).map((p) => ({ id: p.id, name: p.name }));
}

/**
 * The explanation of `partyId`'s move in the last turn played, or null before the first turn.
 *
 * @example
 * const e = explainMove(scenario, session, 'azerbaijan');
 * e?.options.find((o) => o.chosen)?.probability;
 */
export function explainMove(scenario: CompiledScenario, session: Session, partyId: string): Explanation | null {
  const logs: TurnLog[] = session.history();
  const last = logs.at(-1);
  if (!last) return null;
  const party = scenario.parties.find((p) => p.id === partyId)!;
  const log = last.parties.find((p) => p.party === partyId)!;
  const label = (posture: string) => party.postureLabels[party.postures.indexOf(posture)] ?? posture;
  // The transition that put the party in its current posture may be older than this turn.
  let postureWhy: Explanation['postureWhy'] = { date: null, quotes: quotesOf(scenario, party.cite, 1) };
  for (let i = logs.length - 1; i >= 0; i--) {
    const t = logs[i]!.parties.find((p) => p.party === partyId)!.transition;
    if (t) {
      postureWhy = { date: logs[i]!.date, from: label(t.from), guard: t.guard, ...(t.reason === undefined ? {} : { reason: t.reason }), quotes: quotesOf(scenario, t.cite, 1) };
      break;
    }
  }
  const options: OptionRow[] = (log.reason.options ?? []).map((o) => ({
    move: o.move,
    label: party.moves.find((m) => m.id === o.move)?.label ?? o.move,
    utility: o.utility,
    noise: o.noise,
    probability: o.probability,
    chosen: o.move === log.move,
    byInterest: party.interests.map((it) => ({ id: it.id, text: it.text, contribution: o.byInterest[it.id] ?? 0, quotes: quotesOf(scenario, it.cite, 1) })),
  }));
  const top = log.reason.topInterest;
  return {
    party: { id: party.id, name: party.name },
    date: last.date,
    controller: log.controller,
    move: log.moveLabel,
    summary: log.reason.summary,
    posture: label(log.posture),
    postureWhy,
    options,
    ...(log.reason.temperature === undefined ? {} : { temperature: log.reason.temperature }),
    ...(log.reason.noiseSd === undefined ? {} : { noiseSd: log.reason.noiseSd }),
    ...(top ? { topInterest: { text: top.text, contribution: top.contribution, quotes: quotesOf(scenario, top.cite, 2) } } : {}),
    ...(log.historical ? { record: { ...(log.historical.note === undefined ? {} : { note: log.historical.note }), quotes: quotesOf(scenario, log.historical.cite, 2) } } : {}),
  };
}
