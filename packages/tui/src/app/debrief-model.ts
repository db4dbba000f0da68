/**
 * The debrief at the end of a game: the outcomes the player reached, their
 * path against the history track, and how often each outcome happens in a
 * background batch of computer-played runs of the same scenario.
 */
import { evaluateOutcomes, monthText, type CompiledOutcome, type CompiledScenario, type OutcomeResult, type Session } from '@wargame/engine';
import { formatCount, formatPercent, formatValue } from './format.js';

export interface OutcomeLine {
  id: string;
  label: string;
  type: CompiledOutcome['type'];
  /** What the player got, as text. */
  yours: string;
  /** The raw result. */
  result: OutcomeResult;
  /** The date it first held (`over: ever`) or, for a true end-of-game boolean, the last date. */
  date?: string;
  /** Tracked over the game (`over: ever`) rather than read at the end. */
  ever: boolean;
}

export interface PathRow {
  date: string;
  /** The player's move (null: no move). */
  yours: string | null;
  /** The move the history track records for the player's party at this date (null: none recorded). */
  record: string | null;
  /** Whether the player made the recorded move (null when nothing is recorded). */
  same: boolean | null;
}

export interface Debrief {
  outcomes: OutcomeLine[];
  path: PathRow[];
  /** Recorded dates in the player's turns, and how many of them the player matched. */
  recorded: number;
  matched: number;
  /** The last date of the history track (the record ends there). */
  historyEnds: string | null;
  turnsPlayed: number;
  firstDate: string | null;
  lastDate: string | null;
}

/** The date of 1-based turn `turn`. */
export function turnDate(scenario: CompiledScenario, turn: number): string {
  return monthText(scenario.calendar.start + (turn - 1) * scenario.calendar.step);
}

function describe(o: CompiledOutcome, r: OutcomeResult): string {
  if (o.type === 'boolean') return r.value === true ? 'yes' : 'no';
  if (o.type === 'number') return formatValue(Number(r.value));
  return String(r.value);
}

/**
 * The debrief of the session at its head, for the player's party, who took over at `startTurn`.
 *
 * @example
 * const d = buildDebrief(scenario, session, 0, 0);
 * d.outcomes.filter((o) => o.result.value === true).map((o) => o.label);
 */
export function buildDebrief(scenario: CompiledScenario, session: Session, partyIndex: number, startTurn: number): Debrief {
  const results = evaluateOutcomes(scenario, session.state);
  const logs = session.history();
  const lastDate = logs.at(-1)?.date ?? null;
  const outcomes: OutcomeLine[] = scenario.outcomes.map((o) => {
    const r = results[o.id]!;
    const date = r.firstTurn !== undefined ? turnDate(scenario, r.firstTurn) : o.type === 'boolean' && r.value === true && lastDate ? lastDate : undefined;
    return { id: o.id, label: o.label, type: o.type, yours: describe(o, r), result: r, ever: o.type === 'boolean' && o.over === 'ever', ...(date === undefined ? {} : { date }) };
  });
  const party = scenario.parties[partyIndex]!;
  const path: PathRow[] = logs.slice(startTurn).map((log) => {
    const mine = log.parties.find((p) => p.party === party.id)!;
    const month = scenario.calendar.start + (log.turn - 1) * scenario.calendar.step;
    const step = scenario.history.find((h) => h.month === month && h.party === partyIndex);
    const record = step ? party.moves[step.move]!.label : null;
    return { date: log.date, yours: mine.moveLabel, record, same: step ? mine.move === party.moves[step.move]!.id : null };
  });
  const recorded = path.filter((p) => p.same !== null).length;
  const matched = path.filter((p) => p.same === true).length;
  const lastStep = scenario.history.at(-1);
  return {
    outcomes,
    path,
    recorded,
    matched,
    historyEnds: lastStep ? lastStep.date : null,
    turnsPlayed: path.length,
    firstDate: path[0]?.date ?? null,
    lastDate,
  };
}

export type BatchValue = number | boolean | string | null;

export type OutcomeFrequency =
  | { type: 'boolean'; runs: number; share: number }
  | { type: 'category'; runs: number; shares: { value: string; share: number }[] }
  | { type: 'number'; runs: number; mean: number; low: number; high: number; below: number };

/**
 * How often each outcome happens in a batch, from each outcome's column of
 * values. For numbers: the mean, the 5th–95th percentile range, and the share
 * of runs below the player's value (`yours`).
 */
export function tallyOutcomes(scenario: CompiledScenario, columns: Record<string, readonly BatchValue[]>, yours: Record<string, OutcomeResult>): Record<string, OutcomeFrequency> {
  const out: Record<string, OutcomeFrequency> = {};
  for (const o of scenario.outcomes) {
    const values = columns[o.id] ?? [];
    const runs = values.length;
    if (runs === 0) continue;
    if (o.type === 'boolean') out[o.id] = { type: 'boolean', runs, share: values.filter((v) => v === true).length / runs };
    else if (o.type === 'category') {
      const shares = o.values.map((value) => ({ value, share: values.filter((v) => v === value).length / runs }));
      out[o.id] = { type: 'category', runs, shares: shares.sort((a, b) => b.share - a.share) };
    } else {
      const nums = values.map(Number).sort((a, b) => a - b);
      const q = (p: number) => nums[Math.min(runs - 1, Math.max(0, Math.round(p * (runs - 1))))]!;
      const mine = Number(yours[o.id]?.value ?? 0);
      out[o.id] = { type: 'number', runs, mean: nums.reduce((a, b) => a + b, 0) / runs, low: q(0.05), high: q(0.95), below: nums.filter((v) => v < mine).length / runs };
    }
  }
  return out;
}

/**
 * One sentence per outcome: "The peace treaty was signed: in 23% of 2,000 runs; you got it in 2024-03".
 */
export function frequencySentence(line: OutcomeLine, f: OutcomeFrequency | undefined): string {
  if (!f) return `${line.label}: you got ${line.yours}`;
  const runs = `${formatCount(f.runs)} runs`;
  if (f.type === 'boolean') {
    const you = line.result.value === true ? (line.ever ? `you got it in ${line.date ?? '?'}` : `you got it (at the end${line.date ? `, ${line.date}` : ''})`) : 'you did not';
    return `${line.label}: in ${formatPercent(f.share)} of ${runs}; ${you}`;
  }
  if (f.type === 'category') {
    const mine = f.shares.find((s) => s.value === line.yours);
    const others = f.shares.filter((s) => s.share > 0).slice(0, 4).map((s) => `${s.value} ${formatPercent(s.share)}`).join(', ');
    return `${line.label}: you got ${line.yours} (${mine ? formatPercent(mine.share) : '0%'} of ${runs}; ${others})`;
  }
  return `${line.label}: you got ${line.yours}; across ${runs} mean ${formatValue(f.mean)}, 90% between ${formatValue(f.low)} and ${formatValue(f.high)} (${formatPercent(f.below)} of runs below yours)`;
}
