/**
 * Which parts of the world an expression reads, read off its resolved tree
 * (tree.ts; the checker records them with the tree). The batch path uses it to skip interests a
 * move cannot change: an interest that reads none of the slots a move writes
 * has the same utility before and after it, so its contribution is exactly 0.
 *
 * The answer may over-approximate (that only costs time) but never misses a
 * read that a move can change: postures, parameters, the date, events and
 * agreements stay fixed while a turn's moves are valued, so they are not
 * recorded; an expression that does not check reads `any`thing.
 */
import type { Expr } from './tree.js';

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

/** Adds what a resolved tree reads to `into` (a new record by default). */
export function readsOf(e: Expr, into: WorldReads = emptyReads()): WorldReads {
  switch (e.k) {
    case 'ind':
      into.ind.add(e.i);
      break;
    case 'rel':
      into.rel.add(e.i);
      break;
    case 'times':
    case 'made':
      into.moveCount.add(e.move);
      break;
    case 'last':
      into.lastMove.add(e.party);
      break;
    case 'neg':
    case 'abs':
    case 'not':
      readsOf(e.a, into);
      break;
    case 'arith':
    case 'min':
    case 'max':
    case 'and':
    case 'or':
    case 'cmp':
    case 'same':
      readsOf(e.a, into);
      readsOf(e.b, into);
      break;
    case 'clamp':
      readsOf(e.x, into);
      readsOf(e.lo, into);
      readsOf(e.hi, into);
      break;
    case 'select':
      readsOf(e.c, into);
      readsOf(e.a, into);
      readsOf(e.b, into);
      break;
    default:
      // const, turn, month, param, posture, happened, agreed, broken: fixed while moves are valued.
      break;
  }
  return into;
}
