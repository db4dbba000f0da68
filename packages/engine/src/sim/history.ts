/**
 * Following history, and the history check: with teacher forcing (every party
 * makes its recorded move), how likely did the computer policy find each
 * historical move at its date? A move the model finds all but impossible
 * points at a wrong interest or posture.
 */
import type { CompiledScenario } from '../scenario/compiled.js';
import type { Citation } from '../scenario/schema.js';
import { gaussian, nextAlea, seedStream } from '../rng/streams.js';
import { softmax } from './policy.js';
import { createInitialState, type GameState, type InitError, type Params } from './state.js';
import { stepTurn, type PartyTurnLog, type TurnLog } from './step-turn.js';
import type { TurnError } from './inputs.js';

export interface HistoryFitRow {
  date: string;
  party: string;
  move: string;
  label: string;
  posture: string;
  /** The policy's probability of the historical move, averaged over its decision noise. */
  probability: number;
  /** 1 = the option the policy valued most (before noise); 0 if the model did not offer the move. */
  rank: number;
  /** Options the model offered. */
  options: number;
  /** Whether the model offered the move in that posture at all. */
  available: boolean;
  /** The option the policy found likeliest instead, when it was not this one. */
  likeliest: { move: string; probability: number };
  note?: string;
  cite: Citation[];
}

/** How likely the model found staying quiet (its idle move) in the months the record gives a party no move. */
export interface QuietFit {
  /** Party-months scored: within the record's span, the party has an idle move it could make, and the record is silent. */
  months: number;
  /** Σ log p(idle) over them. */
  logLikelihood: number;
  meanProbability: number;
  /** The party-months where the model least expected quiet: where it acts early. */
  lowest: { date: string; party: string; probability: number; likeliest: string }[];
}

export interface HistoryFit {
  rows: HistoryFitRow[];
  /** Σ log p over the historical moves (−Infinity if any had probability 0). */
  logLikelihood: number;
  /** The quiet months: a model that acts before the record does scores poorly here. */
  quiet: QuietFit;
  /** Rows whose probability is below the threshold. */
  implausible: HistoryFitRow[];
  threshold: number;
  /** Turns followed (up to and including the last dated step). */
  turns: number;
  finalHash: string;
}

/** Probabilities of each option averaged over `samples` seeded draws of the party's decision noise. */
export function noiseAveragedProbabilities(
  utilities: readonly number[],
  temperature: number,
  noiseSd: number,
  samples: number,
  draw: () => number,
): number[] {
  if (noiseSd <= 0 || samples <= 1) return softmax(utilities, temperature);
  const acc = utilities.map(() => 0);
  for (let k = 0; k < samples; k++) {
    const p = softmax(
      utilities.map((u) => u + noiseSd * gaussian(draw)),
      temperature,
    );
    p.forEach((x, i) => {
      acc[i]! += x / samples;
    });
  }
  return acc;
}

/** The date-ordered turns of following history until (not including) `until` (an absolute month). */
export function followHistory(
  scenario: CompiledScenario,
  opts: { seed: string; params?: Params; until: number },
): { ok: true; state: GameState; turns: TurnLog[] } | { ok: false; error: InitError | TurnError } {
  const init = createInitialState(scenario, { seed: opts.seed, ...(opts.params ? { params: opts.params } : {}) });
  if (!init.ok) return init;
  let state = init.state;
  const turns: TurnLog[] = [];
  while (!state.ended && state.month < opts.until) {
    const r = stepTurn(scenario, state, { history: true }, { driver: 'table' });
    if (!r.ok) return r;
    state = r.state;
    turns.push(r.log);
  }
  return { ok: true, state, turns };
}

/**
 * The history check.
 *
 * @example
 * const fit = historyFit(scenario, { seed: 'history' });
 * for (const row of fit.rows) console.log(row.date, row.party, row.move, row.probability);
 */
export function historyFit(
  scenario: CompiledScenario,
  opts: { seed?: string; params?: Params; samples?: number; threshold?: number; until?: number } = {},
): { ok: true; fit: HistoryFit } | { ok: false; error: InitError | TurnError } {
  const seed = opts.seed ?? 'history';
  const threshold = opts.threshold ?? 0.05;
  // Only the record before `until` (an absolute month), when given: a fit that may not look past a date.
  const record = opts.until === undefined ? scenario.history : scenario.history.filter((h) => h.month < opts.until!);
  const last = record.at(-1);
  const until = last ? last.month + 1 : scenario.calendar.start;
  const followed = followHistory(scenario, { seed, ...(opts.params ? { params: opts.params } : {}), until });
  if (!followed.ok) return followed;
  const noise = seedStream(seed, 'history-fit');
  const draw = () => nextAlea(noise);
  const rows: HistoryFitRow[] = [];
  for (const step of record) {
    const turn = followed.turns.find((t) => t.date === step.date);
    const party = scenario.parties[step.party]!;
    const move = party.moves[step.move]!;
    const log = turn?.parties.find((p) => p.party === party.id) as PartyTurnLog | undefined;
    if (!turn || !log) continue; // the game ended before this date
    const options = log.reason.options ?? [];
    const probs = noiseAveragedProbabilities(
      options.map((o) => o.utility),
      log.reason.temperature ?? 0,
      log.reason.noiseSd ?? 0,
      opts.samples ?? 400,
      draw,
    );
    const i = options.findIndex((o) => o.move === move.id);
    const sorted = [...options].sort((a, b) => b.utility - a.utility);
    let best = 0;
    probs.forEach((p, k) => {
      if (p > probs[best]!) best = k;
    });
    rows.push({
      date: step.date,
      party: party.id,
      move: move.id,
      label: move.label,
      posture: log.posture,
      probability: i < 0 ? 0 : Math.round(probs[i]! * 1e6) / 1e6,
      rank: i < 0 ? 0 : sorted.findIndex((o) => o.move === move.id) + 1,
      options: options.length,
      available: i >= 0,
      likeliest: { move: options[best]?.move ?? '', probability: Math.round((probs[best] ?? 0) * 1e6) / 1e6 },
      ...(step.note === undefined ? {} : { note: step.note }),
      cite: step.cite,
    });
  }
  const logLikelihood = rows.reduce((sum, r) => sum + Math.log(r.probability), 0);
  // The quiet months: where the record is silent and the party could have stayed idle, how likely was that?
  const quietRows: QuietFit['lowest'] = [];
  for (const turn of followed.turns) {
    for (const log of turn.parties) {
      if (log.controller !== 'history' || log.historical?.recorded !== false) continue;
      const party = scenario.parties.find((p) => p.id === log.party)!;
      const options = log.reason.options ?? [];
      const idle = options.findIndex((o) => o.move === party.moves[party.idle]?.id);
      if (idle < 0 || options.length < 2) continue;
      const probs = noiseAveragedProbabilities(
        options.map((o) => o.utility),
        log.reason.temperature ?? 0,
        log.reason.noiseSd ?? 0,
        Math.min(opts.samples ?? 400, 100),
        draw,
      );
      let best = 0;
      probs.forEach((p, k) => {
      if (p > probs[best]!) best = k;
    });
      quietRows.push({ date: turn.date, party: party.id, probability: Math.round(probs[idle]! * 1e6) / 1e6, likeliest: options[best]!.move });
    }
  }
  const quiet: QuietFit = {
    months: quietRows.length,
    logLikelihood: quietRows.reduce((sum, r) => sum + Math.log(Math.max(r.probability, 1e-9)), 0),
    meanProbability: quietRows.length === 0 ? 0 : quietRows.reduce((sum, r) => sum + r.probability, 0) / quietRows.length,
    lowest: [...quietRows].sort((a, b) => a.probability - b.probability).slice(0, 10),
  };
  return {
    ok: true,
    fit: {
      rows,
      logLikelihood,
      quiet,
      implausible: rows.filter((r) => r.probability < threshold),
      threshold,
      turns: followed.turns.length,
      finalHash: followed.turns.at(-1)?.stateHash ?? '',
    },
  };
}
