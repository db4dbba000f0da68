/**
 * A refused turn as people read it on a screen: party names and move labels
 * instead of ids, and no guard expressions. The engine's own message (ids,
 * the guard that failed) is for the command line and the API.
 */
import type { CompiledScenario, SessionError } from '@wargame/engine';

export function refusalText(scenario: CompiledScenario, e: SessionError): string {
  const party = !('party' in e) || e.party === undefined ? undefined : scenario.parties.find((p) => p.id === e.party);
  const who = party?.name ?? 'a party';
  switch (e.code) {
    case 'move/unavailable': {
      const n = ('available' in e ? e.available?.length : 0) ?? 0;
      return `${who} cannot make that move now (its posture or the world rules it out); ${n === 0 ? 'it has no move on offer' : `${n} move${n === 1 ? ' is' : 's are'} on offer`}. Choose again.`;
    }
    case 'move/unknown':
      return `${who} has no such move. Choose again.`;
    case 'reply/invalid':
    case 'reply/unexpected':
      return `${who} cannot give that answer. Choose again.`;
    case 'effects/invalid':
      return `The ruling${party ? ` for ${who}` : ''} is refused: ${e.message.replace(/^[^:]*: /, '')}`;
    case 'event/unknown':
      return 'An injected event is not one of the scenario’s. Clear what is staged (x) and inject again.';
    case 'game/over':
      return 'The game is over: nothing more can be played on this branch.';
    default:
      return e.message;
  }
}
