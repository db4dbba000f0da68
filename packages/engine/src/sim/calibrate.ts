/**
 * Calibration: the values of chosen numbers (parameters, or any path that
 * `applyOverrides` accepts) that make the history track most likely under the
 * computer policy — the history check's log-likelihood of the recorded moves
 * plus, by default, of staying quiet in the months the record is silent (so a
 * model that acts early is penalised). Optimised by Nelder–Mead on the box of
 * the bounds, from seeded restarts; intervals are 95% likelihood-ratio
 * intervals, either conditional (each number along its axis with the others
 * held at the estimate: cheap, and too narrow when numbers trade off) or, with
 * `profile`, true profile-likelihood intervals (the others re-fitted at every
 * grid value, as R's `profile` does for a likelihood).
 * Deterministic: the noise averaging and the restarts are seeded.
 */
import seedrandom from 'seedrandom';
import { compileScenarioDoc } from '../scenario/compile.js';
import type { CompiledScenario } from '../scenario/compiled.js';
import { applyOverrides } from '../scenario/overrides.js';
import { nelderMead } from '../util/nelder-mead.js';
import { historyFit } from './history.js';

export interface CalibrationTarget {
  /** A parameter id or an override path. */
  path: string;
  lo: number;
  hi: number;
}

export interface CalibrationResult {
  estimates: Record<string, number>;
  /** The objective at the estimate: log-likelihood of the record (and the quiet months, unless excluded). */
  logLikelihood: number;
  /** At the scenario's own values, for comparison. */
  baseline: number;
  /** Per number: the 95% likelihood-ratio interval (conditional or profile, see `intervalKind`), from a grid of 21 values; `reaches*` when it reaches a bound. */
  intervals: Record<string, { lo: number; hi: number; reachesLo: boolean; reachesHi: boolean }>;
  intervalKind: 'conditional' | 'profile';
  /** Per number: the log-likelihood at each grid value (the others held, or re-fitted for a profile), to plot or check the intervals. */
  curves: Record<string, { value: number; logLikelihood: number }[]>;
  /** A grid value of the intervals fitted better than the restarts' best: the estimate is that point (more --restarts would have found it). */
  improvedOnGrid?: true;
  restarts: { start: Record<string, number>; logLikelihood: number; evaluations: number }[];
  evaluations: number;
}

export interface CalibrationOptions {
  seed?: string;
  /** Noise samples per probability (fewer: faster, rougher). */
  samples?: number;
  restarts?: number;
  maxEvaluations?: number;
  /** Fit only the record before this absolute month. */
  until?: number;
  /** Count the quiet months (default true). */
  quiet?: boolean;
  /** Profile-likelihood intervals (the other numbers re-fitted at each grid value) instead of conditional ones. */
  profile?: boolean;
}

export type CalibrationError = { ok: false; message: string };

/** The objective for values of the targets: the log-likelihood, or an error for values that do not make a scenario. */
export function historyLogLikelihood(
  base: CompiledScenario,
  values: Readonly<Record<string, number>>,
  opts: CalibrationOptions = {},
): { ok: true; logLikelihood: number } | CalibrationError {
  const applied = applyOverrides(base.doc, values);
  if (!applied.ok) return { ok: false, message: applied.message };
  let scenario = base;
  if (applied.doc !== base.doc) {
    const c = compileScenarioDoc(applied.doc);
    if (c.issues.length > 0) return { ok: false, message: c.issues[0]!.message };
    scenario = c.scenario;
  }
  const fit = historyFit(scenario, {
    seed: opts.seed ?? 'history',
    params: applied.params,
    samples: opts.samples ?? 100,
    ...(opts.until === undefined ? {} : { until: opts.until }),
  });
  if (!fit.ok) return { ok: false, message: fit.error.message };
  // Probabilities are clipped at 1e-6 so one impossible move makes the fit bad, not undefined.
  const moves = fit.fit.rows.reduce((sum, r) => sum + Math.log(Math.max(r.probability, 1e-6)), 0);
  const quiet = opts.quiet === false ? 0 : fit.fit.quiet.logLikelihood;
  return { ok: true, logLikelihood: moves + quiet };
}

/**
 * Fits the targets to the history track.
 *
 * @example
 * const r = calibrate(scenario, [{ path: 'western_pressure', lo: 0, hi: 100 }], { restarts: 3 });
 * if (r.ok) console.log(r.result.estimates);
 */
export function calibrate(
  base: CompiledScenario,
  targets: readonly CalibrationTarget[],
  opts: CalibrationOptions = {},
): { ok: true; result: CalibrationResult } | CalibrationError {
  if (targets.length === 0) return { ok: false, message: 'nothing to calibrate: name at least one parameter or path' };
  for (const t of targets) if (!(t.hi > t.lo)) return { ok: false, message: `${t.path}: the range ${t.lo}:${t.hi} is empty` };
  const toValues = (x: readonly number[]) => Object.fromEntries(targets.map((t, i) => [t.path, t.lo + (t.hi - t.lo) * x[i]!]));
  // Check every path once, with the first restart's values, before any optimisation.
  const probe = historyLogLikelihood(base, toValues(targets.map(() => 0.5)), opts);
  if (!probe.ok) return probe;
  const baseline = historyLogLikelihood(base, {}, opts);
  if (!baseline.ok) return baseline;
  let evaluations = 0;
  const objective = (x: number[]): number => {
    evaluations++;
    const r = historyLogLikelihood(base, toValues(x), opts);
    return r.ok ? -r.logLikelihood : Infinity;
  };
  const random = seedrandom.alea(`${opts.seed ?? 'history'}/calibrate`);
  const restarts: CalibrationResult['restarts'] = [];
  let best: { x: number[]; fx: number } | null = null;
  const n = Math.max(1, opts.restarts ?? 3);
  for (let r = 0; r < n; r++) {
    // The first restart starts from the scenario's own values (where they are inside the bounds); the others from seeded draws.
    const start = targets.map((t) => {
      if (r === 0) {
        const current = Object.hasOwn(base.doc.parameters, t.path) ? base.doc.parameters[t.path]!.default : (t.lo + t.hi) / 2;
        return Math.min(1, Math.max(0, (current - t.lo) / (t.hi - t.lo)));
      }
      return random();
    });
    const before = evaluations;
    const m = nelderMead(objective, start, { maxEvaluations: opts.maxEvaluations ?? 40 * targets.length + 20, step: 0.15, tolerance: 1e-4 });
    restarts.push({ start: toValues(start), logLikelihood: -m.fx, evaluations: evaluations - before });
    if (!best || m.fx < best.fx) best = { x: m.x, fx: m.fx };
  }
  let estimate = best!;
  // 95% likelihood-ratio intervals: the grid values where 2 × (ℓ̂ − ℓ) ≤ 3.84 (χ²₁). Every grid value's objective
  // is computed first, since a profile may find a better fit than the restarts did, and that moves ℓ̂.
  const grid = 20;
  const profile = opts.profile === true && targets.length > 1;
  // The curves are traced around the best point; a grid point that fits better becomes the estimate, and the
  // curves are traced again around it (at most three times), so every interval is read against the best fit seen.
  const trace = (around: readonly number[]) => {
    let seen = { x: [...around], fx: estimate.fx };
    const curves = targets.map((_, i) =>
      Array.from({ length: grid + 1 }, (_, g) => {
        const at = (others: readonly number[]) => {
          const x = [...others];
          x.splice(i, 0, g / grid);
          return x;
        };
        const rest = around.filter((_, j) => j !== i);
        let point = { x: at(rest), fx: objective(at(rest)) };
        if (profile) {
          // Re-fit the others with this number fixed, from the estimate (a short search: the optimum is near).
          const m = nelderMead((o) => objective(at(o)), rest, { maxEvaluations: 15 * rest.length + 10, step: 0.1, tolerance: 1e-3 });
          if (m.fx < point.fx) point = { x: at(m.x), fx: m.fx };
        }
        if (point.fx < seen.fx - 1e-9) seen = point;
        return point.fx;
      }),
    );
    return { curves, seen };
  };
  let traced = trace(estimate.x);
  let improvedOnGrid = false;
  for (let pass = 0; pass < 3 && traced.seen.fx < estimate.fx - 1e-9; pass++) {
    improvedOnGrid = true;
    estimate = traced.seen;
    traced = trace(estimate.x);
  }
  // Still improving after three passes: keep the best point seen (its curves were traced one step before it).
  if (traced.seen.fx < estimate.fx - 1e-9) estimate = traced.seen;
  const curves = traced.curves;
  const intervals: CalibrationResult['intervals'] = {};
  const curveValues: CalibrationResult['curves'] = {};
  targets.forEach((t, i) => {
    curveValues[t.path] = curves[i]!.map((fx, g) => ({ value: t.lo + ((t.hi - t.lo) * g) / grid, logLikelihood: -fx }));
    const inside = curves[i]!.flatMap((fx, g) => (2 * (fx - estimate.fx) <= 3.84 ? [g / grid] : []));
    inside.push(estimate.x[i]!);
    const lo = Math.min(...inside);
    const hi = Math.max(...inside);
    intervals[t.path] = { lo: t.lo + (t.hi - t.lo) * lo, hi: t.lo + (t.hi - t.lo) * hi, reachesLo: lo <= 0, reachesHi: hi >= 1 };
  });
  return {
    ok: true,
    result: {
      estimates: toValues(estimate.x),
      logLikelihood: -estimate.fx,
      baseline: baseline.logLikelihood,
      intervals,
      intervalKind: profile ? 'profile' : 'conditional',
      curves: curveValues,
      ...(improvedOnGrid ? { improvedOnGrid: true as const } : {}),
      restarts,
      evaluations,
    },
  };
}
