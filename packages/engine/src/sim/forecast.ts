/**
 * Forecasts from a date: many seeded runs that follow the history track to an
 * origin month and let the computer play from there, counting which move each
 * party makes in each month of a window — the batch path's kernel, so a
 * backtest costs about as much as a batch of the same size.
 */
import { createRunContext, playTurn } from './kernel.js';
import type { TurnPlan } from './plan.js';
import { createInitialState, type InitError, type Params } from './state.js';

export interface MoveForecast {
  origin: number;
  /** Absolute months of the window, in order. */
  months: number[];
  runs: number;
  /** counts[month index][party][local move] = runs in which the party made that move that month. */
  counts: number[][][];
  /** Runs that played each month (fewer than `runs` where games end early). */
  reached: number[];
}

/**
 * @example
 * const f = forecastMoves(planTurns(scenario), { seed: 'bt', runs: 500, origin: monthIndex('2023-01'), months: 6 });
 */
export function forecastMoves(
  plan: TurnPlan,
  opts: { seed: string; runs: number; origin: number; months: number; params?: Params },
): { ok: true; forecast: MoveForecast } | { ok: false; error: InitError } {
  const { scenario } = plan;
  const step = scenario.calendar.step;
  const months = Array.from({ length: opts.months }, (_, i) => opts.origin + i * step);
  const counts = months.map(() => scenario.parties.map((p) => new Array<number>(p.moves.length).fill(0)));
  const reached = months.map(() => 0);
  const ctx = createRunContext(plan);
  for (let i = 0; i < opts.runs; i++) {
    const init = createInitialState(scenario, { seed: `${opts.seed}.${i}`, ...(opts.params ? { params: opts.params } : {}) });
    if (!init.ok) return init;
    const s = init.state;
    while (!s.ended && s.month < opts.origin) playTurn(ctx, s, true);
    for (let k = 0; k < months.length && !s.ended; k++) {
      playTurn(ctx, s, false);
      reached[k]!++;
      for (let p = 0; p < scenario.parties.length; p++) {
        const move = s.lastMove[p]!;
        if (move >= 0) counts[k]![p]![move]!++;
      }
    }
  }
  return { ok: true, forecast: { origin: opts.origin, months, runs: opts.runs, counts, reached } };
}
