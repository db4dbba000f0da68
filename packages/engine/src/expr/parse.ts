/**
 * The scenario expression language: a tiny, total grammar parsed by recursive
 * descent into an AST. Scenario text is never evaluated as JavaScript; the AST
 * is type-checked once, at load time, into a resolved tree (compile.ts →
 * tree.ts) that every use of the expression comes from.
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := sum (("<"|"<="|">"|">="|"=="|"!=") sum)?
 *   sum     := prod (("+"|"-") prod)*
 *   prod    := unary (("*"|"/") unary)*
 *   unary   := "-" unary | atom
 *   atom    := number | month (YYYY-MM) | "true" | "false" | $param | name | name "(" args ")" | "(" expr ")"
 */

export type Node =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'bool'; value: boolean; at: number }
  | { kind: 'month'; value: number; text: string; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'param'; name: string; at: number }
  | { kind: 'call'; name: string; args: Node[]; at: number }
  | { kind: 'unary'; op: '-' | 'not'; arg: Node; at: number }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node; at: number };

export type BinaryOp = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

/** The kinds of expression error, a subset of the scenario issue codes (scenario/issues.ts). */
export type ExpressionErrorCode =
  | 'expression-syntax'
  | 'number-out-of-range'
  | 'too-deep'
  | 'type-mismatch'
  | 'unknown-name'
  | 'unknown-function'
  | 'wrong-arity'
  | 'unknown-placeholder'
  | 'unknown-party'
  | 'unknown-move'
  | 'unknown-posture'
  | 'unknown-event'
  | 'unknown-message'
  | 'self-relation';

/** An error in an expression, at an offset of its text: thrown inside the parser and checker, returned as a value (`ParseError`) by their entry points. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly code: ExpressionErrorCode = 'expression-syntax',
  ) {
    super(message);
    this.name = 'ExpressionError';
  }

  /** The error as the value the entry points return. */
  toValue(): ParseError {
    return { message: this.message, at: this.at, code: this.code };
  }
}

export interface ParseError {
  message: string;
  /** 0-based offset in the expression text. */
  at: number;
  /** What kind of error (a scenario issue code). */
  code: ExpressionErrorCode;
}

type Token =
  | { t: 'num'; v: number; at: number }
  | { t: 'month'; v: number; text: string; at: number }
  | { t: 'name'; v: string; at: number }
  | { t: 'param'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

/** Absolute month index (year * 12 + month - 1) of "YYYY-MM". */
export function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
}

/** "YYYY-MM" of an absolute month index. */
export function monthText(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

const MAX_DEPTH = 64;

function tokenize(src: string): Token[] | ParseError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const month = /^(\d{4})-(0[1-9]|1[0-2])(?![\d.])/.exec(rest);
    if (month) {
      tokens.push({ t: 'month', v: monthIndex(month[0]), text: month[0], at: i });
      i += month[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      const v = Number(num[0]);
      if (!Number.isFinite(v) || Math.abs(v) > 1e9) return { message: `number ${num[0]} is out of range (at most 1e9)`, at: i, code: 'number-out-of-range' };
      tokens.push({ t: 'num', v, at: i });
      i += num[0].length;
      continue;
    }
    const name = /^\$?[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      const text = name[0];
      if (text.startsWith('$')) tokens.push({ t: 'param', v: text.slice(1), at: i });
      else tokens.push({ t: 'name', v: text, at: i });
      i += text.length;
      continue;
    }
    const op = /^(<=|>=|==|!=|&&|\|\||[-+*/<>(),!=])/.exec(rest);
    if (op) {
      let v = op[0];
      // Accept the spellings authors coming from code will type.
      if (v === '&&') v = 'and';
      else if (v === '||') v = 'or';
      else if (v === '!') v = 'not';
      else if (v === '=') return { message: 'unexpected "=": compare with "=="', at: i, code: 'expression-syntax' };
      tokens.push({ t: 'op', v, at: i });
      i += op[0].length;
      continue;
    }
    return { message: `unexpected character ${JSON.stringify(c)}`, at: i, code: 'expression-syntax' };
  }
  tokens.push({ t: 'end', at: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return (t.t === 'op' && t.v === v) || (t.t === 'name' && t.v === v && (v === 'and' || v === 'or' || v === 'not'));
  }
  private fail(message: string, at = this.peek().at, code: ExpressionErrorCode = 'expression-syntax'): never {
    throw new ExpressionError(message, at, code);
  }
  private describe(t: Token): string {
    switch (t.t) {
      case 'end':
        return 'end of expression';
      case 'num':
        return `number ${t.v}`;
      case 'month':
        return `month ${t.text}`;
      case 'param':
        return `$${t.v}`;
      default:
        return `"${t.v}"`;
    }
  }

  parseAll(): Node {
    const node = this.or();
    const t = this.peek();
    if (t.t === 'op' && t.v === ')') this.fail('unexpected ")": there is no "(" for it to close');
    if (t.t !== 'end') this.fail(`unexpected ${this.describe(t)}: expected an operator or the end`);
    return node;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek().at, 'too-deep');
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('or')) {
      const at = this.peek().at;
      this.pos++;
      left = { kind: 'binary', op: 'or', left, right: this.and(), at };
    }
    return left;
  }
  private and(): Node {
    let left = this.not();
    while (this.isOp('and')) {
      const at = this.peek().at;
      this.pos++;
      left = { kind: 'binary', op: 'and', left, right: this.not(), at };
    }
    return left;
  }
  private not(): Node {
    if (this.isOp('not')) {
      const at = this.peek().at;
      this.pos++;
      this.enter();
      const arg = this.not();
      this.depth--;
      return { kind: 'unary', op: 'not', arg, at };
    }
    return this.cmp();
  }
  private cmp(): Node {
    const left = this.sum();
    const t = this.peek();
    if (t.t === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.v)) {
      this.pos++;
      const right = this.sum();
      const next = this.peek();
      if (next.t === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(next.v))
        this.fail('comparisons cannot be chained: write "a < b and b < c"');
      return { kind: 'binary', op: t.v as BinaryOp, left, right, at: t.at };
    }
    return left;
  }
  private sum(): Node {
    let left = this.prod();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '+' || t.v === '-')) {
        this.pos++;
        left = { kind: 'binary', op: t.v, left, right: this.prod(), at: t.at };
      } else return left;
    }
  }
  private prod(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '*' || t.v === '/')) {
        this.pos++;
        left = { kind: 'binary', op: t.v, left, right: this.unary(), at: t.at };
      } else return left;
    }
  }
  private unary(): Node {
    const t = this.peek();
    if (t.t === 'op' && t.v === '-') {
      this.pos++;
      this.enter();
      const arg = this.unary();
      this.depth--;
      return { kind: 'unary', op: '-', arg, at: t.at };
    }
    return this.atom();
  }
  private atom(): Node {
    const t = this.peek();
    switch (t.t) {
      case 'num':
        this.pos++;
        return { kind: 'num', value: t.v, at: t.at };
      case 'month':
        this.pos++;
        return { kind: 'month', value: t.v, text: t.text, at: t.at };
      case 'param':
        this.pos++;
        return { kind: 'param', name: t.v, at: t.at };
      case 'name': {
        if (t.v === 'and' || t.v === 'or' || t.v === 'not') this.fail(`unexpected "${t.v}": expected a value`);
        this.pos++;
        if (t.v === 'true' || t.v === 'false') return { kind: 'bool', value: t.v === 'true', at: t.at };
        if (this.isOp('(')) {
          const open = this.peek();
          this.pos++;
          this.enter();
          const args: Node[] = [];
          if (!this.isOp(')')) {
            args.push(this.or());
            while (this.isOp(',')) {
              this.pos++;
              args.push(this.or());
            }
          }
          if (this.peek().t === 'end') this.fail(`the "(" of ${t.v}(…) is never closed: expected ")"`, open.at);
          if (!this.isOp(')')) this.fail(`expected "," or ")" in the arguments of ${t.v}(…), got ${this.describe(this.peek())}`);
          this.pos++;
          this.depth--;
          return { kind: 'call', name: t.v, args, at: t.at };
        }
        return { kind: 'name', name: t.v, at: t.at };
      }
      case 'op':
        if (t.v === '(') {
          this.pos++;
          this.enter();
          const inner = this.or();
          if (this.peek().t === 'end') this.fail('this "(" is never closed: expected ")"', t.at);
          if (!this.isOp(')')) this.fail(`expected ")", got ${this.describe(this.peek())}`);
          this.pos++;
          this.depth--;
          return inner;
        }
        return this.fail(`unexpected ${this.describe(t)}: expected a value`);
      case 'end': {
        // Point at what came last (a dangling operator, say) rather than past the end.
        const prev = this.tokens[this.pos - 1];
        if (prev) return this.fail(`the expression ends after ${this.describe(prev)}: expected a value`, prev.at);
        return this.fail('the expression is empty: expected a value');
      }
    }
  }
}

/** Parses an expression; returns the AST or a positioned error (never throws). */
export function parseExpression(src: string): { ok: true; node: Node } | { ok: false; error: ParseError } {
  const tokens = tokenize(src);
  if (!Array.isArray(tokens)) return { ok: false, error: tokens };
  try {
    return { ok: true, node: new Parser(tokens).parseAll() };
  } catch (e) {
    if (e instanceof ExpressionError) return { ok: false, error: e.toValue() };
    throw e;
  }
}
