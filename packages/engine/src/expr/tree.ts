/**
 * The resolved expression tree: what the checker (compile.ts) makes of an
 * expression once every name is an index and every literal a finite number.
 * It is the one form every use of an expression comes from: the generated
 * function (codegen.ts), the fallback evaluator (evaluate.ts), the reads the
 * batch path skips interests by (reads.ts), and the interest utilities, which
 * are composed from the trees of the expressions they measure.
 *
 * A tree holds no name and no text from the scenario, so code generated from
 * it is safe by construction.
 */

/** A number-valued node. Postures and moves are their indices. */
export type NumExpr =
  /** A finite number: a literal, a month index, a guard's `$param`, a posture or move index. */
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'turn' }
  /** The month being played (absolute month index). */
  | { readonly k: 'month' }
  | { readonly k: 'ind'; readonly i: number }
  | { readonly k: 'param'; readonly i: number }
  /** A relation, by pair index. */
  | { readonly k: 'rel'; readonly i: number }
  | { readonly k: 'posture'; readonly party: number }
  /** The party's move in the last turn (local move index, -1 for none). */
  | { readonly k: 'last'; readonly party: number }
  /** How often a move was made, by global move index. */
  | { readonly k: 'times'; readonly move: number }
  | { readonly k: 'neg'; readonly a: NumExpr }
  /**
   * Arithmetic. `div` is the language's division (by zero gives 0); `/` is plain
   * JavaScript division, used only by interest utilities (their scale is positive).
   */
  | { readonly k: 'arith'; readonly op: '+' | '-' | '*' | 'div' | '/'; readonly a: NumExpr; readonly b: NumExpr }
  | { readonly k: 'abs'; readonly a: NumExpr }
  /** Math.min / Math.max of two: min(a, b, c) is min(min(a, b), c). */
  | { readonly k: 'min' | 'max'; readonly a: NumExpr; readonly b: NumExpr }
  /** min(hi, max(lo, x)). */
  | { readonly k: 'clamp'; readonly x: NumExpr; readonly lo: NumExpr; readonly hi: NumExpr }
  /** `c ? a : b` (a `hold` interest: 1 while its condition holds, else 0). */
  | { readonly k: 'select'; readonly c: BoolExpr; readonly a: NumExpr; readonly b: NumExpr };

/** A condition-valued node. */
export type BoolExpr =
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'not'; readonly a: BoolExpr }
  | { readonly k: 'and' | 'or'; readonly a: BoolExpr; readonly b: BoolExpr }
  /** Comparison of numbers (months, postures and moves are numbers here). */
  | { readonly k: 'cmp'; readonly op: CompareOp; readonly a: NumExpr; readonly b: NumExpr }
  /** Two conditions equal or not. */
  | { readonly k: 'same'; readonly op: '==' | '!='; readonly a: BoolExpr; readonly b: BoolExpr }
  /** made(p, m): the move (global index) was made at least once. */
  | { readonly k: 'made'; readonly move: number }
  | { readonly k: 'happened'; readonly event: number }
  /** agreed(p, m) / broken(p, m), by message × party index. */
  | { readonly k: 'agreed' | 'broken'; readonly i: number };

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expr = NumExpr | BoolExpr;

/** A number as a tree node. */
export function constant(v: number): NumExpr {
  return { k: 'const', v };
}
