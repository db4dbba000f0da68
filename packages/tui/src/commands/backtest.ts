/**
 * `wargame backtest <scenario> --origins 2022-06,2023-01 --horizon 6`: the
 * honest test of a model built from the sources. For each origin, N runs follow
 * the history track to it and play on; every move the record gives in the next
 * `horizon` months is scored by the share of runs that made it there and then
 * (log score and Brier), against two baselines: each move's base rate in the
 * record before the origin, and the uniform over the party's moves. With
 * `--recalibrate`, the parameters are fitted to the record before each origin
 * first (a rolling origin), so no forecast uses what came after it.
 */
import { calibrate, forecastMoves, monthIndex, monthText, planTurns, type CompiledScenario } from '@wargame/engine';
import { out, UserError } from '../io.js';
import { parseTargets } from './calibrate.js';
import { loadOrFail } from './load.js';

export interface BacktestOptions {
  origins: string;
  horizon: number;
  runs: number;
  seed: string;
  recalibrate?: boolean;
  params?: string;
  json?: boolean;
}

interface Scored {
  date: string;
  party: string;
  move: string;
  model: number;
  baseRate: number;
  uniform: number;
}

interface Scores {
  n: number;
  log: { model: number; baseRate: number; uniform: number };
  brier: { model: number; baseRate: number; uniform: number };
}

/** Probabilities are shrunk toward uniform by one pseudo-run, so a move no run made scores finitely. */
function smoothed(count: number, runs: number, options: number): number {
  return (count + 1 / options) / (runs + 1);
}

function score(s: CompiledScenario, origin: number, horizon: number, runs: number, seed: string, params: Record<string, number>): { scored: Scored[]; brier: { model: number; baseRate: number; uniform: number } } {
  const f = forecastMoves(planTurns(s), { seed, runs, origin, months: horizon, params });
  if (!f.ok) throw new UserError(f.error.message);
  const { counts, reached, months } = f.forecast;
  const before = s.history.filter((h) => h.month < origin);
  const scored: Scored[] = [];
  const brier = { model: 0, baseRate: 0, uniform: 0 };
  for (const h of s.history.filter((x) => x.month >= origin && x.month < origin + horizon * s.calendar.step)) {
    const k = months.indexOf(h.month);
    if (k < 0 || reached[k] === 0) continue;
    const party = s.parties[h.party]!;
    const n = party.moves.length;
    const prior = before.filter((x) => x.party === h.party);
    const model = party.moves.map((_, m) => smoothed(counts[k]![h.party]![m]!, reached[k]!, n));
    const baseRate = party.moves.map((_, m) => (prior.filter((x) => x.move === m).length + 1) / (prior.length + n));
    const uniform = party.moves.map(() => 1 / n);
    const brierOf = (p: number[]) => p.reduce((sum, q, m) => sum + (q - (m === h.move ? 1 : 0)) ** 2, 0);
    brier.model += brierOf(model);
    brier.baseRate += brierOf(baseRate);
    brier.uniform += brierOf(uniform);
    scored.push({ date: h.date, party: party.id, move: party.moves[h.move]!.id, model: model[h.move]!, baseRate: baseRate[h.move]!, uniform: uniform[h.move]! });
  }
  return { scored, brier };
}

function summarise(rows: Scored[], brier: { model: number; baseRate: number; uniform: number }): Scores {
  const n = rows.length;
  const mean = (f: (r: Scored) => number) => (n === 0 ? 0 : rows.reduce((a, r) => a + f(r), 0) / n);
  return {
    n,
    log: { model: mean((r) => Math.log(r.model)), baseRate: mean((r) => Math.log(r.baseRate)), uniform: mean((r) => Math.log(r.uniform)) },
    brier: { model: n === 0 ? 0 : brier.model / n, baseRate: n === 0 ? 0 : brier.baseRate / n, uniform: n === 0 ? 0 : brier.uniform / n },
  };
}

export function backtestCommand(arg: string, opts: BacktestOptions): number {
  const s = loadOrFail(arg);
  if (s.history.length === 0) throw new UserError(`scenario ${s.id} has no history track to test against`);
  const origins = opts.origins.split(',').map((o) => o.trim());
  const last = s.calendar.start + (s.calendar.turns - 1) * s.calendar.step;
  for (const o of origins) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o)) throw new UserError(`--origins: "${o.slice(0, 40)}" is not a month (YYYY-MM)`);
    const m = monthIndex(o);
    if (m <= s.calendar.start || m > last) throw new UserError(`--origins: ${o} is outside the scenario's calendar (after ${monthText(s.calendar.start)}, up to ${monthText(last)})`);
  }
  const results = origins.map((o) => {
    const origin = monthIndex(o);
    let params: Record<string, number> = {};
    if (opts.recalibrate) {
      const c = calibrate(s, parseTargets(s, opts.params), { seed: opts.seed, until: origin, samples: 50, restarts: 2 });
      if (!c.ok) throw new UserError(`recalibrating at ${o}: ${c.message}`);
      params = Object.fromEntries(Object.entries(c.result.estimates).filter(([k]) => Object.hasOwn(s.doc.parameters, k)));
    }
    const { scored, brier } = score(s, origin, opts.horizon, opts.runs, `${opts.seed}.${o}`, params);
    return { origin: o, params, scores: summarise(scored, brier), moves: scored };
  });
  const all = results.flatMap((r) => r.moves);
  const total = summarise(all, {
    model: results.reduce((a, r) => a + r.scores.brier.model * r.scores.n, 0),
    baseRate: results.reduce((a, r) => a + r.scores.brier.baseRate * r.scores.n, 0),
    uniform: results.reduce((a, r) => a + r.scores.brier.uniform * r.scores.n, 0),
  });
  if (opts.json) {
    out(JSON.stringify({ scenario: { id: s.id, hash: s.hash }, horizon: opts.horizon, runs: opts.runs, seed: opts.seed, origins: results, overall: total }, null, 2));
    return 0;
  }
  out(`backtest of ${s.id}: ${opts.runs} runs per origin, each following the record to the origin; the recorded moves of the next ${opts.horizon} months scored`);
  out('(log score: mean ln p of the recorded move, higher is better; Brier: mean over the party\'s moves of (p − outcome)², lower is better)');
  out('');
  const head = `${'origin'.padEnd(8)}  ${'moves'.padStart(5)}  ${'log: model'.padStart(10)}  ${'base rate'.padStart(9)}  ${'uniform'.padStart(8)}  ${'Brier: model'.padStart(12)}  ${'base rate'.padStart(9)}  ${'uniform'.padStart(8)}`;
  out(head);
  const line = (label: string, sc: Scores) =>
    `${label.padEnd(8)}  ${String(sc.n).padStart(5)}  ${sc.log.model.toFixed(3).padStart(10)}  ${sc.log.baseRate.toFixed(3).padStart(9)}  ${sc.log.uniform.toFixed(3).padStart(8)}  ${sc.brier.model.toFixed(3).padStart(12)}  ${sc.brier.baseRate.toFixed(3).padStart(9)}  ${sc.brier.uniform.toFixed(3).padStart(8)}`;
  for (const r of results) out(line(r.origin, r.scores));
  out('─'.repeat(head.length));
  out(line('all', total));
  out('');
  const beats = total.log.model > total.log.baseRate && total.log.model > total.log.uniform;
  out(beats ? 'The model beats both baselines on the log score.' : 'The model does not beat both baselines on the log score: its forecasts of the record are no better than a simple base rate.');
  if (opts.recalibrate) for (const r of results) out(`  ${r.origin}: recalibrated ${Object.entries(r.params).map(([k, v]) => `${k}=${Math.round(v * 100) / 100}`).join(', ') || '(no parameters)'}`);
  return 0;
}
