/**
 * Nelder–Mead downhill simplex on the unit box [0, 1]^d, for calibration.
 * Written here because no maintained optimiser package works on Node 20 as an
 * ES module here (fmin's build is UMD only); the method is the textbook one
 * (reflection 1, expansion 2, contraction ½, shrink ½; Lagarias et al. 1998),
 * with points clamped to the box. Deterministic: no randomness inside.
 */

export interface MinimizeResult {
  x: number[];
  fx: number;
  evaluations: number;
  iterations: number;
}

/**
 * Minimises f over [0, 1]^d from x0.
 *
 * @example
 * const r = nelderMead((x) => (x[0]! - 0.3) ** 2, [0.5]);
 * r.x; // ≈ [0.3]
 */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: { maxEvaluations?: number; step?: number; tolerance?: number } = {}): MinimizeResult {
  const d = x0.length;
  const clamp = (x: number[]) => x.map((v) => Math.min(1, Math.max(0, v)));
  const maxEvaluations = opts.maxEvaluations ?? 200 * Math.max(1, d);
  const tolerance = opts.tolerance ?? 1e-6;
  let evaluations = 0;
  const value = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const step = opts.step ?? 0.1;
  const simplex: { x: number[]; fx: number }[] = [];
  const start = clamp([...x0]);
  simplex.push({ x: start, fx: value(start) });
  for (let i = 0; i < d; i++) {
    const x = [...start];
    // Step inwards from a bound, so every vertex is a distinct point of the box.
    x[i] = x[i]! + step <= 1 ? x[i]! + step : x[i]! - step;
    simplex.push({ x, fx: value(x) });
  }
  let iterations = 0;
  while (evaluations < maxEvaluations) {
    iterations++;
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0]!;
    const worst = simplex[d]!;
    if (Math.abs(worst.fx - best.fx) <= tolerance * (Math.abs(best.fx) + 1e-12) && iterations > 1) break;
    const centroid = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) centroid[k]! += simplex[i]!.x[k]! / d;
    const along = (t: number) => clamp(centroid.map((c, k) => c + t * (worst.x[k]! - c)));
    const reflected = along(-1);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = along(-2);
      const fe = value(expanded);
      simplex[d] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
      continue;
    }
    if (fr < simplex[d - 1]!.fx) {
      simplex[d] = { x: reflected, fx: fr };
      continue;
    }
    const outside = fr < worst.fx;
    const contracted = along(outside ? -0.5 : 0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : worst.fx)) {
      simplex[d] = { x: contracted, fx: fc };
      continue;
    }
    // Shrink toward the best vertex.
    for (let i = 1; i <= d; i++) {
      const x = clamp(simplex[i]!.x.map((v, k) => best.x[k]! + 0.5 * (v - best.x[k]!)));
      simplex[i] = { x, fx: value(x) };
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, evaluations, iterations };
}
