/**
 * One way to speak of turns everywhere (header, saves, dialogs, the rewind
 * list, notes): turn N is the N-th turn played, dated by the month it is
 * played in (turn 1 is the scenario's first month). A state is named by the
 * turns played to reach it: "after turn 3 (2022-01)" is the world once the
 * turn of January 2022 has resolved.
 */
import { monthText, type CompiledScenario } from '@wargame/engine';

/** The month turn `n` (1-based) is played in. */
export function turnMonth(scenario: Pick<CompiledScenario, 'calendar'>, n: number): string {
  return monthText(scenario.calendar.start + (n - 1) * scenario.calendar.step);
}

/** "the start (2023-10)" or "after turn 3 (2023-12)": a state named by the turns played to reach it, with the month of the last. */
export function turnName(scenario: Pick<CompiledScenario, 'calendar'>, played: number): string {
  return played === 0 ? `the start (${monthText(scenario.calendar.start)})` : `after turn ${played} (${turnMonth(scenario, played)})`;
}
