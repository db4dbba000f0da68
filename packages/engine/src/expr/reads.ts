/**
 * Which parts of the world an expression reads, found by walking its syntax
 * tree. The batch path uses it to skip interests a move cannot change: an
 * interest that reads none of the slots a move writes has the same utility
 * before and after it, so its contribution is exactly zero.
 *
 * The answer may over-approximate (that only costs time) but must never miss a
 * read: anything not understood sets `any`.
 */
import { pairIndex, type Symbols } from './compile.js';
import { parseExpression, type Node } from './parse.js';

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

/** The reads of an expression (a number reads nothing); unparseable text reads "anything". */
export function expressionReads(src: string | number, symbols: Symbols, into: WorldReads = emptyReads()): WorldReads {
  if (typeof src === 'number') return into;
  const parsed = parseExpression(src);
  if (!parsed.ok) {
    into.any = true;
    return into;
  }
  walk(parsed.node, symbols, into);
  return into;
}

function partyOf(node: Node | undefined, symbols: Symbols): number {
  return node?.kind === 'name' ? symbols.parties.indexOf(node.name) : -1;
}

function walk(node: Node, s: Symbols, r: WorldReads): void {
  switch (node.kind) {
    case 'num':
    case 'bool':
    case 'month':
    case 'param':
      return;
    case 'name': {
      const i = s.indicators.indexOf(node.name);
      if (i >= 0) r.ind.add(i);
      // Parameters, turn, date and bare posture/move names are not written by a move.
      return;
    }
    case 'unary':
      walk(node.arg, s, r);
      return;
    case 'binary':
      walk(node.left, s, r);
      walk(node.right, s, r);
      return;
    case 'call': {
      switch (node.name) {
        case 'rel': {
          const a = partyOf(node.args[0], s);
          const b = partyOf(node.args[1], s);
          if (a < 0 || b < 0 || a === b) r.any = true;
          else r.rel.add(pairIndex(a, b, s.parties.length));
          return;
        }
        case 'last': {
          const p = partyOf(node.args[0], s);
          if (p < 0) r.any = true;
          else r.lastMove.add(p);
          return;
        }
        case 'made':
        case 'times': {
          const p = partyOf(node.args[0], s);
          const m = node.args[1]?.kind === 'name' && p >= 0 ? s.moves[p]!.indexOf(node.args[1].name) : -1;
          if (m < 0) r.any = true;
          else r.moveCount.add(s.moveOffset[p]! + m);
          return;
        }
        case 'posture':
        case 'happened':
        case 'agreed':
        case 'broken':
          // Postures and event counts do not change within a turn's look-ahead.
          return;
        default:
          for (const a of node.args) walk(a, s, r);
      }
    }
  }
}
