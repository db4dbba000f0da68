/**
 * A phase's countdown, set by the facilitator (`t 5` — five minutes — or
 * `t 10 negotiations`) and shown on the console, the teams' screens and the
 * projector (`v`, `wargame watch`). The clock belongs to the screens: the
 * engine never sees it, and it is not part of any state hash. The save carries
 * it (an end time and the minutes) only so the projector in a second terminal
 * and a resumed console show the same countdown.
 */

/** Longest countdown, in minutes (a whole day). */
export const MAX_TIMER_MINUTES = 1440;
/** Longest label of a countdown, in characters. */
export const MAX_TIMER_LABEL = 40;

export interface PhaseTimer {
  /** When the time is up, in milliseconds since the epoch. */
  ends: number;
  minutes: number;
  /** What the time is for ("negotiations"), if the facilitator said. */
  label?: string;
}

/**
 * What the facilitator typed after `t`: minutes, then optionally what for;
 * empty clears the timer (null), anything else is a message saying what is expected.
 *
 * @example
 * parseTimer('5 team discussion', 0); // { ok: true, timer: { ends: 300000, minutes: 5, label: 'team discussion' } }
 */
export function parseTimer(text: string, now: number): { ok: true; timer: PhaseTimer | null } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, timer: null };
  const m = /^(\d+(?:\.\d+)?)\s*(.*)$/.exec(t);
  const minutes = m ? Number(m[1]) : Number.NaN;
  if (!m || !(minutes > 0) || minutes > MAX_TIMER_MINUTES)
    return { ok: false, message: `Type the minutes first (1 to ${MAX_TIMER_MINUTES}), then what for if you like: "5" or "10 negotiations".` };
  const label = m[2]!.trim().slice(0, MAX_TIMER_LABEL);
  return { ok: true, timer: { ends: now + Math.round(minutes * 60_000), minutes, ...(label ? { label } : {}) } };
}

/** The time left as people read a clock: "4:05", "1:02:00", or null once it is up. */
export function timeLeft(timer: PhaseTimer, now: number): string | null {
  const s = Math.ceil((timer.ends - now) / 1000);
  if (s <= 0) return null;
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** The countdown as one short line: "⏱ negotiations 4:05", "⏱ negotiations: time is up". */
export function timerText(timer: PhaseTimer, now: number): string {
  const left = timeLeft(timer, now);
  const what = timer.label ? `${timer.label} ` : '';
  return left === null ? `⏱ ${what ? `${what.trimEnd()}: ` : ''}time is up` : `⏱ ${what}${left}`;
}

/** A timer as the save keeps it (an ISO time), and back; a save's timer that is not readable is dropped. */
export function timerToSave(timer: PhaseTimer): { ends: string; minutes: number; label?: string } {
  return { ends: new Date(timer.ends).toISOString(), minutes: timer.minutes, ...(timer.label ? { label: timer.label } : {}) };
}

export function timerFromSave(saved: { ends: string; minutes: number; label?: string | undefined } | undefined): PhaseTimer | null {
  if (!saved) return null;
  const ends = Date.parse(saved.ends);
  return Number.isFinite(ends) ? { ends, minutes: saved.minutes, ...(saved.label ? { label: saved.label } : {}) } : null;
}
