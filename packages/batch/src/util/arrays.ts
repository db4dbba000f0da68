/**
 * Array helpers for lists whose length comes from the data (cells, runs,
 * shards, lines of a table). Spreading such a list into a call
 * (`out.push(...lines)`, `Math.min(...values)`) passes every element as an
 * argument, and past about 10^5 elements the call overflows the stack
 * ("Maximum call stack size exceeded"): these loop instead.
 */

/** Appends every item to `target` (as `target.push(...items)`, for any length); returns target. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The smallest value (Infinity for none), as Math.min(...values) for any length. */
export function minOf(values: Iterable<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m || Number.isNaN(v)) m = v;
  return m;
}

/** The largest value (-Infinity for none), as Math.max(...values) for any length. */
export function maxOf(values: Iterable<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m || Number.isNaN(v)) m = v;
  return m;
}
