/**
 * Morris's elementary-effects design (Morris 1991; the trajectories of SALib's
 * `morris.sample`), in the unit cube: r trajectories of k + 1 points on a grid
 * of p levels, each step moving one factor by Δ = p / (2(p − 1)).
 */

/** The step between a trajectory's points, in unit scale. */
export function morrisDelta(levels: number): number {
  return levels / (2 * (levels - 1));
}

/**
 * r trajectories, each k + 1 rows: a random start on the grid, then each
 * factor once, in a random order, up or down by Δ. p must be even, so that Δ
 * is a whole number of grid steps and every point stays on the grid.
 */
export function morrisUnitSample(k: number, r: number, levels: number, rng: () => number): number[][] {
  if (levels < 2 || levels % 2 !== 0) throw new RangeError(`Morris levels must be even and at least 2, got ${levels}`);
  const delta = morrisDelta(levels);
  const starts = levels / 2; // grid points m/(p−1) with m < p/2 leave room for +Δ
  const rows: number[][] = [];
  for (let t = 0; t < r; t++) {
    const base = Array.from({ length: k }, () => Math.floor(rng() * starts) / (levels - 1));
    const up = Array.from({ length: k }, () => rng() < 0.5);
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // A factor that goes down starts Δ above its base.
    let x = base.map((v, i) => (up[i] ? v : v + delta));
    rows.push(x);
    for (const i of order) {
      x = x.map((v, m) => (m === i ? (up[i] ? v + delta : v - delta) : v));
      rows.push(x);
    }
  }
  return rows;
}
