/**
 * The computer runs a game is compared with (the debrief's frequencies, the
 * report's "in N runs"): they start where the game did — following the
 * history track as far as the game did — and stop where it stopped, so a
 * nine-turn session is never measured against runs played to the end.
 */
import { monthText, type Session } from '@wargame/engine';
import type { RunPlay } from '@wargame/batch';

export interface Comparison {
  play: RunPlay;
  /** The month the computer starts choosing (the game's first month off the record). */
  from: string;
  /** The month of the game's last turn. */
  to: string;
}

export function comparisonOf(session: Session): Comparison {
  const { calendar } = session.scenario;
  const path = session.path().slice(1);
  let followed = 0;
  while (followed < path.length && path[followed]!.inputs?.history === true) followed++;
  const played = session.head.turn;
  const play: RunPlay = {
    ...(followed > 0 ? { followHistoryUntil: calendar.start + followed * calendar.step } : {}),
    ...(played < calendar.turns && !session.state.ended ? { turns: played } : {}),
  };
  return { play, from: monthText(calendar.start + followed * calendar.step), to: monthText(calendar.start + Math.max(0, played - 1) * calendar.step) };
}
