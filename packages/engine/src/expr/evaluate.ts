/**
 * The fallback evaluator: a resolved tree (tree.ts) as closures over the
 * world's arrays. Used where the platform forbids `Function`, and as the
 * reference the generated functions are tested against; it follows the same
 * arithmetic, operation for operation, so both agree bit for bit.
 */
import { div } from './codegen.js';
import type { BoolFn, NumFn } from './compile.js';
import type { BoolExpr, CompareOp, NumExpr } from './tree.js';

export function numberClosure(e: NumExpr): NumFn {
  switch (e.k) {
    case 'const': {
      const v = e.v;
      return () => v;
    }
    case 'turn':
      return (w) => w.turn;
    case 'month':
      return (w) => w.month;
    case 'ind': {
      const i = e.i;
      return (w) => w.ind[i]!;
    }
    case 'param': {
      const i = e.i;
      return (w) => w.params[i]!;
    }
    case 'rel': {
      const i = e.i;
      return (w) => w.rel[i]!;
    }
    case 'posture': {
      const p = e.party;
      return (w) => w.posture[p]!;
    }
    case 'last': {
      const p = e.party;
      return (w) => w.lastMove[p]!;
    }
    case 'times': {
      const m = e.move;
      return (w) => w.moveCount[m]!;
    }
    case 'neg': {
      const a = numberClosure(e.a);
      return (w) => -a(w);
    }
    case 'arith':
      return arith(e.op, numberClosure(e.a), numberClosure(e.b));
    case 'abs': {
      const a = numberClosure(e.a);
      return (w) => Math.abs(a(w));
    }
    case 'min': {
      const a = numberClosure(e.a);
      const b = numberClosure(e.b);
      return (w) => Math.min(a(w), b(w));
    }
    case 'max': {
      const a = numberClosure(e.a);
      const b = numberClosure(e.b);
      return (w) => Math.max(a(w), b(w));
    }
    case 'clamp': {
      const x = numberClosure(e.x);
      const lo = numberClosure(e.lo);
      const hi = numberClosure(e.hi);
      return (w) => Math.min(hi(w), Math.max(lo(w), x(w)));
    }
    case 'select': {
      const c = conditionClosure(e.c);
      const a = numberClosure(e.a);
      const b = numberClosure(e.b);
      return (w) => (c(w) ? a(w) : b(w));
    }
  }
}

export function conditionClosure(e: BoolExpr): BoolFn {
  switch (e.k) {
    case 'bool': {
      const v = e.v;
      return () => v;
    }
    case 'not': {
      const a = conditionClosure(e.a);
      return (w) => !a(w);
    }
    case 'and': {
      const a = conditionClosure(e.a);
      const b = conditionClosure(e.b);
      return (w) => a(w) && b(w);
    }
    case 'or': {
      const a = conditionClosure(e.a);
      const b = conditionClosure(e.b);
      return (w) => a(w) || b(w);
    }
    case 'cmp':
      return compare(e.op, numberClosure(e.a), numberClosure(e.b));
    case 'same': {
      const a = conditionClosure(e.a);
      const b = conditionClosure(e.b);
      return e.op === '==' ? (w) => a(w) === b(w) : (w) => a(w) !== b(w);
    }
    case 'made': {
      const m = e.move;
      return (w) => w.moveCount[m]! > 0;
    }
    case 'happened': {
      const i = e.event;
      return (w) => w.eventCount[i]! > 0;
    }
    case 'agreed': {
      const i = e.i;
      return (w) => (w.agreed?.[i] ?? -1) >= 0;
    }
    case 'broken': {
      const i = e.i;
      return (w) => (w.broken?.[i] ?? 0) > 0;
    }
  }
}

function arith(op: Extract<NumExpr, { k: 'arith' }>['op'], a: NumFn, b: NumFn): NumFn {
  switch (op) {
    case '+':
      return (w) => a(w) + b(w);
    case '-':
      return (w) => a(w) - b(w);
    case '*':
      return (w) => a(w) * b(w);
    case '/':
      return (w) => a(w) / b(w);
    case 'div':
      return (w) => div(a(w), b(w));
  }
}

function compare(op: CompareOp, a: NumFn, b: NumFn): BoolFn {
  switch (op) {
    case '<':
      return (w) => a(w) < b(w);
    case '<=':
      return (w) => a(w) <= b(w);
    case '>':
      return (w) => a(w) > b(w);
    case '>=':
      return (w) => a(w) >= b(w);
    case '==':
      return (w) => a(w) === b(w);
    case '!=':
      return (w) => a(w) !== b(w);
  }
}
