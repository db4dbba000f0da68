/**
 * Rulings after the reveal (matrix-game style): the facilitator, having seen
 * every party's move, rules that a move succeeds, fails, or has other amounts.
 *
 * A ruling is the engine's `adjudicate` input (effects that replace the move's
 * own this turn), so a save records it with the turn's inputs and replays it
 * exactly; nothing else is stored. "Succeeds" is the move's own effects as
 * the scenario writes them (ranges still drawn), "fails" its failure effects
 * (none when it has none) with the party in the input's `failed` list, so the
 * move counts as failed and sends no message; other rulings are "amounts".
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

/** Which ruling these effects are for the party's move: a failure (ruled failed), its success, or amounts the facilitator wrote. */
export function rulingKind(scenario: CompiledScenario, partyId: string, moveId: string | null, effects: Effects, failed = false): RulingKind {
  if (failed) return 'failure';
  if (moveId === null) return 'amounts';
  return canonicalJson(effects) === canonicalJson(successRuling(scenario, partyId, moveId)) ? 'success' : 'amounts';
}

/** A ruling as people read it: "ruled a success", "ruled a failure (no effect)", "ruled: Tension +5, Trade −2". */
export function describeRuling(scenario: CompiledScenario, partyId: string, moveId: string | null, effects: Effects, failed = false): string {
  const kind = rulingKind(scenario, partyId, moveId, effects, failed);
  const what = describeEffects(scenario, effects) || 'no effect';
  if (kind === 'success') return `ruled a success (${what})`;
  if (kind === 'failure') return `ruled a failure (${what})`;
  return `ruled: ${what}`;
}
