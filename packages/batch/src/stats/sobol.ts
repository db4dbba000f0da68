/**
 * Saltelli's sampling scheme for Sobol indices (Saltelli 2002, 2010; the
 * layout of SALib's `saltelli.sample`), in the unit cube. Base matrices A and
 * B are drawn from the batch's seeded stream (pseudo-random rather than a
 * Sobol sequence: the estimators are unbiased either way, and a seeded stream
 * keeps the design a function of the batch seed alone).
 */

/**
 * n blocks of rows, each A_j, AB_j^1 … AB_j^k, [BA_j^1 … BA_j^k,] B_j, where
 * AB^i is A with column i from B and BA^i is B with column i from A: k + 2
 * rows a block, or 2k + 2 with second order.
 */
export function saltelliUnitSample(k: number, n: number, secondOrder: boolean, rng: () => number): number[][] {
  const rows: number[][] = [];
  for (let j = 0; j < n; j++) {
    const a = Array.from({ length: k }, () => rng());
    const b = Array.from({ length: k }, () => rng());
    rows.push(a);
    for (let i = 0; i < k; i++) rows.push(a.map((v, m) => (m === i ? b[i]! : v)));
    if (secondOrder) for (let i = 0; i < k; i++) rows.push(b.map((v, m) => (m === i ? a[i]! : v)));
    rows.push(b);
  }
  return rows;
}
