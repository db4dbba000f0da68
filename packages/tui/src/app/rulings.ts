/**
 * Rulings after the reveal (matrix-game style): the facilitator, having seen
 * every party's move, rules that a move succeeds, fails, or has other amounts.
 *
 * A ruling is the engine's `adjudicate` input (effects that replace the move's
 * own this turn), so a save records it with the turn's inputs and replays it
 * exactly; nothing else is stored. "Succeeds" is the move's own effects as
 * the scenario writes them (ranges still drawn), "fails" its failure effects
 * (none when it has none); the kind of a ruling is read back by comparing.
 */
import { canonicalJson, type CompiledScenario, type Effects } from '@wargame/engine';
import { describeEffects } from './facilitate/effects-draft.js';

export type RulingKind = 'success' | 'failure' | 'amounts';

/** A move as the scenario writes it (the validated document), or undefined. */
function moveDoc(scenario: CompiledScenario, partyId: string, moveId: string) {
  return scenario.doc.parties[partyId]?.moves.find((m) => m.id === moveId);
}

/** The ruling "the move succeeds": its own effects, as written. */
export function successRuling(scenario: CompiledScenario, partyId: string, moveId: string): Effects {
  return structuredClone(moveDoc(scenario, partyId, moveId)?.effects ?? {});
}

/** The ruling "the move fails": its failure effects, as written (none when it has none). */
export function failureRuling(scenario: CompiledScenario, partyId: string, moveId: string): Effects {
  return structuredClone(moveDoc(scenario, partyId, moveId)?.failure ?? {});
}

/** Which ruling these effects are for the party's move: its success, its failure, or amounts the facilitator wrote. */
export function rulingKind(scenario: CompiledScenario, partyId: string, moveId: string | null, effects: Effects): RulingKind {
  if (moveId === null) return 'amounts';
  const json = canonicalJson(effects);
  if (json === canonicalJson(successRuling(scenario, partyId, moveId))) return 'success';
  if (json === canonicalJson(failureRuling(scenario, partyId, moveId))) return 'failure';
  return 'amounts';
}

/** A ruling as people read it: "ruled a success", "ruled a failure (no effect)", "ruled: Tension +5, Trade −2". */
export function describeRuling(scenario: CompiledScenario, partyId: string, moveId: string | null, effects: Effects): string {
  const kind = rulingKind(scenario, partyId, moveId, effects);
  const what = describeEffects(scenario, effects) || 'no effect';
  if (kind === 'success') return `ruled a success (${what})`;
  if (kind === 'failure') return `ruled a failure (${what})`;
  return `ruled: ${what}`;
}
