/**
 * The upper tail of the binomial distribution, P(X ≥ k) for X ~ Bin(n, p):
 * the one-sided exact binomial test (scipy's `binomtest(k, n, p,
 * alternative='greater')`), which PRIM's quasi-p-values use.
 *
 * Summed term by term in log space, so tails far below 1e-16 keep their
 * digits (1 − CDF would round them to 0). O(n) for n up to the discovery's
 * row bound. Written here because the library for it (stdlib's incomplete
 * beta) brings over a hundred small packages for one function.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (!(p > 0)) return 0;
  if (!(p < 1)) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, k) as a sum, exact enough and free of a log-gamma approximation.
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log(n - k + i) - Math.log(i);
  let term = logC + k * logP + (n - k) * logQ;
  let max = term;
  let sum = 1; // Σ exp(term_j − max)
  const mode = Math.floor((n + 1) * p);
  for (let j = k; j < n; j++) {
    term += Math.log(n - j) - Math.log(j + 1) + logP - logQ;
    if (term > max) {
      sum = sum * Math.exp(max - term) + 1;
      max = term;
    } else sum += Math.exp(term - max);
    // Past the mode the terms only shrink: stop once they no longer change the sum.
    if (j >= mode && term - max < -40) break;
  }
  return Math.min(1, Math.exp(max + Math.log(sum)));
}
