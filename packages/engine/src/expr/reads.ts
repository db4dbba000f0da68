/**
 * Which parts of the world an expression reads, recorded by the checker as it
 * resolves each name (compile.ts). The batch path uses it to skip interests a
 * move cannot change: an interest that reads none of the slots a move writes
 * has the same utility before and after it, so its contribution is exactly 0.
 *
 * The answer may over-approximate (that only costs time) but never misses a
 * read: what the checker cannot place sets `any`.
 */

export interface WorldReads {
  ind: Set<number>;
  rel: Set<number>;
  /** Global move indices read through made()/times(). */
  moveCount: Set<number>;
  /** Parties whose last move is read through last(). */
  lastMove: Set<number>;
  /** Reads something it could not place: treat as reading everything. */
  any: boolean;
}

export function emptyReads(): WorldReads {
  return { ind: new Set(), rel: new Set(), moveCount: new Set(), lastMove: new Set(), any: false };
}
