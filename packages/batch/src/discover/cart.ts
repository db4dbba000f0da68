/**
 * A CART classification tree (Breiman et al. 1984) for a yes/no outcome over
 * numeric inputs: binary splits `x ≤ t` chosen by the largest fall in Gini
 * impurity, thresholds at midpoints between distinct values (as scikit-learn,
 * which the EMA Workbench's CART wraps), a depth limit and a minimum leaf size
 * (EMA: 5% of the points, its `mass_min`). No pruning: the depth limit keeps
 * the tree readable.
 *
 * Not ml-cart: it has not been released since 2022, has no types, and tries
 * every threshold by splitting the node anew (O(n²) per feature and node: hours
 * on 200,000 runs) without a minimum leaf size. Here each node scans each
 * feature once in presorted order, with running counts: O(n · features) per
 * tree level.
 */
import { sortedOrder } from './prim.js';

export interface CartOptions {
  /** Largest number of splits from the root to a leaf. */
  maxDepth: number;
  /** Fewest points a leaf may hold. */
  minLeaf: number;
}

export interface CartNode {
  /** Points in the node. */
  n: number;
  /** Cases of interest among them. */
  k: number;
  /** Absent on a leaf. Points with `x[dim] ≤ threshold` go left. */
  split?: { dim: number; threshold: number; left: CartNode; right: CartNode };
}

/** A leaf with the conditions that lead to it, merged per dimension: `lower < x ≤ upper`. */
export interface CartLeaf {
  n: number;
  k: number;
  conditions: { dim: number; lower?: number; upper?: number }[];
}

/**
 * Grows a tree on the columns `x` (one array per dimension) and 0/1 outcomes `y`.
 *
 * @example
 * const tree = growTree([x1, x2], y, { maxDepth: 3, minLeaf: 50 });
 * for (const leaf of treeLeaves(tree)) console.log(leaf.k / leaf.n);
 */
export function growTree(x: readonly Float64Array[], y: Uint8Array, options: CartOptions): CartNode {
  const n = y.length;
  const order = x.map(sortedOrder);
  // Which node each point is in; the root is node 0.
  const nodeOf = new Int32Array(n);
  let nextId = 1;
  const minLeaf = Math.max(1, Math.floor(options.minLeaf));

  const grow = (id: number, depth: number, count: number, cases: number): CartNode => {
    const node: CartNode = { n: count, k: cases };
    if (depth >= options.maxDepth || cases === 0 || cases === count || count < 2 * minLeaf) return node;
    const parent = gini(count, cases);
    let best: { gain: number; dim: number; threshold: number } | null = null;
    for (let j = 0; j < x.length; j++) {
      const col = x[j]!;
      let left = 0;
      let leftCases = 0;
      let previous = Number.NaN;
      for (const i of order[j]!) {
        if (nodeOf[i] !== id) continue;
        const v = col[i]!;
        // A threshold between the previous value and this one, if both sides are big enough.
        if (left >= minLeaf && count - left >= minLeaf && v !== previous) {
          const children = gini(left, leftCases) + gini(count - left, cases - leftCases);
          const gain = parent - children;
          if (gain > 1e-12 && (best === null || gain > best.gain)) best = { gain, dim: j, threshold: (previous + v) / 2 };
        }
        left++;
        leftCases += y[i]!;
        previous = v;
      }
    }
    if (best === null) return node;
    const leftId = nextId++;
    const rightId = nextId++;
    const col = x[best.dim]!;
    let nLeft = 0;
    let kLeft = 0;
    let kRight = 0;
    for (let i = 0; i < n; i++) {
      if (nodeOf[i] !== id) continue;
      if (col[i]! <= best.threshold) {
        nodeOf[i] = leftId;
        nLeft++;
        kLeft += y[i]!;
      } else {
        nodeOf[i] = rightId;
        kRight += y[i]!;
      }
    }
    node.split = {
      dim: best.dim,
      threshold: best.threshold,
      left: grow(leftId, depth + 1, nLeft, kLeft),
      right: grow(rightId, depth + 1, count - nLeft, kRight),
    };
    return node;
  };
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i]!;
  return grow(0, 0, n, total);
}

/** Gini impurity times the node size: n · 2p(1 − p), so children add up. */
function gini(n: number, k: number): number {
  return n > 0 ? (2 * k * (n - k)) / n : 0;
}

/** The leaves of a tree, left to right, each with its path's conditions merged per dimension (in dimension order). */
export function treeLeaves(root: CartNode): CartLeaf[] {
  const out: CartLeaf[] = [];
  const walk = (node: CartNode, bounds: Map<number, { lower?: number; upper?: number }>) => {
    if (!node.split) {
      const conditions = [...bounds.entries()].sort((a, b) => a[0] - b[0]).map(([dim, b]) => ({ dim, ...b }));
      out.push({ n: node.n, k: node.k, conditions });
      return;
    }
    const { dim, threshold, left, right } = node.split;
    const here = bounds.get(dim) ?? {};
    walk(left, new Map(bounds).set(dim, { ...here, upper: here.upper === undefined ? threshold : Math.min(here.upper, threshold) }));
    walk(right, new Map(bounds).set(dim, { ...here, lower: here.lower === undefined ? threshold : Math.max(here.lower, threshold) }));
  };
  walk(root, new Map());
  return out;
}
