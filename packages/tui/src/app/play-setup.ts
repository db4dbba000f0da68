/**
 * Setting up a game to play: which party, which start date (the scenario's
 * start, or a date reached by following the history track), and the session
 * that holds the turns. Pure: the command and the picker share it.
 */
import { didYouMean, monthIndex, monthText, Session, type CompiledScenario } from '@wargame/engine';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** The party a player asked for, by id or by name (any case). */
export function resolveParty(scenario: CompiledScenario, name: string): Checked<number> {
  const wanted = name.trim().toLowerCase();
  const hit = scenario.parties.find((p) => p.id === wanted || p.name.toLowerCase() === wanted);
  if (hit) return { ok: true, value: hit.index };
  const ids = scenario.parties.map((p) => p.id);
  return { ok: false, message: `no party "${name}" in scenario ${scenario.id}${didYouMean(wanted, ids)}; its parties are ${ids.join(', ')}` };
}

/** The last month a turn is played in. */
export function lastTurnMonth(scenario: CompiledScenario): number {
  return scenario.calendar.start + (scenario.calendar.turns - 1) * scenario.calendar.step;
}

export interface StartDate {
  month: number;
  date: string;
  /** What is on the history track at that date (moves recorded then), for the picker. */
  label: string;
}

/** The dates a game can start at: the scenario's start and every later date on its history track. */
export function startDates(scenario: CompiledScenario): StartDate[] {
  const last = lastTurnMonth(scenario);
  const months = new Set<number>([scenario.calendar.start]);
  for (const h of scenario.history) if (h.month > scenario.calendar.start && h.month <= last && (h.month - scenario.calendar.start) % scenario.calendar.step === 0) months.add(h.month);
  return [...months]
    .sort((a, b) => a - b)
    .map((month) => {
      const steps = scenario.history.filter((h) => h.month === month);
      const what = steps.map((h) => `${scenario.parties[h.party]!.name}: ${scenario.parties[h.party]!.moves[h.move]!.label}`).join('; ');
      const head = month === scenario.calendar.start ? 'the start' : 'history followed until then';
      return { month, date: monthText(month), label: what ? `${head} · on the record: ${what}` : head };
    });
}

/** Checks a `--from YYYY-MM` against the scenario's calendar and history track. */
export function parseStartMonth(scenario: CompiledScenario, text: string): Checked<number> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) return { ok: false, message: `--from ${text}: expected a month as YYYY-MM, e.g. ${monthText(scenario.calendar.start)}` };
  const month = monthIndex(text);
  const first = scenario.calendar.start;
  const last = lastTurnMonth(scenario);
  const dates = startDates(scenario).map((d) => d.date);
  if (month < first || month > last)
    return { ok: false, message: `--from ${text} is outside scenario ${scenario.id}'s calendar (${monthText(first)} to ${monthText(last)}); dates on its history track: ${dates.join(', ')}` };
  if ((month - first) % scenario.calendar.step !== 0)
    return { ok: false, message: `--from ${text} is not a turn of scenario ${scenario.id} (a turn every ${scenario.calendar.step} months from ${monthText(first)})` };
  if (month > first && scenario.history.length === 0)
    return { ok: false, message: `scenario ${scenario.id} has no history track to follow to ${text}; start at ${monthText(first)}` };
  return { ok: true, value: month };
}

export interface PlaySetup {
  session: Session;
  /** The turn the player takes over at (turns before it followed history); undo never goes further back. */
  startTurn: number;
}

/**
 * A session at the start date: every turn before `from` follows the history
 * track ({ history: true }), as `wargame run --follow-history-until` does.
 *
 * @example
 * const r = createPlaySession(scenario, { seed: '1', from: monthIndex('2024-02') });
 * if (r.ok) r.value.session.advance({ choices: { armenia: 'offer_sovereign_transit' } });
 */
export function createPlaySession(scenario: CompiledScenario, opts: { seed: string; from?: number }): Checked<PlaySetup> {
  const created = Session.create(scenario, { seed: opts.seed });
  if (!created.ok) return { ok: false, message: created.error.message };
  const session = created.session;
  const from = opts.from ?? scenario.calendar.start;
  while (!session.state.ended && session.state.month < from) {
    const r = session.advance({ history: true });
    if (!r.ok) return { ok: false, message: `following history to ${monthText(from)}: ${r.error.message}` };
  }
  if (session.state.ended) return { ok: false, message: `the game ends before ${monthText(from)} when history is followed; choose an earlier start` };
  return { ok: true, value: { session, startTurn: session.head.turn } };
}
