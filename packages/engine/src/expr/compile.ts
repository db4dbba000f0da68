/**
 * The expression checker: the one place names are resolved. It type-checks an
 * expression AST (parse.ts) against a scenario's names, once, at load time,
 * into a resolved tree (tree.ts: every name an index, every literal a finite
 * number). Everything an expression is used for comes from that tree:
 * - the generated function (codegen.ts: straight-line array reads instead of
 *   a tree of calls);
 * - the fallback evaluator (evaluate.ts: closures over the same indices), used
 *   where the platform forbids `Function` and as the reference in tests;
 * - the reads (reads.ts): the slots of the world it reads, by which the batch
 *   path skips the interests a move cannot change;
 * - interest utilities, composed from the trees of what they measure.
 */
import { didYouMean } from '../util/suggest.js';
import { emitCondition, emitNumber, generateFunction } from './codegen.js';
import { conditionClosure, numberClosure } from './evaluate.js';
import { emptyReads, readsOf, type WorldReads } from './reads.js';
import { ExpressionError, monthText, parseExpression, type ExpressionErrorCode, type Node, type ParseError } from './parse.js';
import { constant, type BoolExpr, type CompareOp, type NumExpr } from './tree.js';

/** The read-only view of the game state that compiled expressions evaluate against. */
export interface World {
  /** Indicator values, by indicator index. */
  ind: number[];
  /** Relations, one per unordered party pair (see `pairIndex`). */
  rel: number[];
  /** Posture (machine state index) by party index. */
  posture: number[];
  /** Absolute month index of the turn being played. */
  month: number;
  /** Turns played so far. */
  turn: number;
  /** Parameter values, by parameter index. */
  params: number[];
  /** How often each move was made, by global move index. */
  moveCount: number[];
  /** Each party's move in the last turn (local move index, -1 for none). */
  lastMove: number[];
  /** How often each event fired, by event index. */
  eventCount: number[];
  /** Per message × party: the turn the party first became a side of an accepted message, or -1 (empty without messages). */
  agreed?: number[];
  /** Per message × party: how often the party broke the message's commitment. */
  broken?: number[];
}

export type NumFn = (w: World) => number;
export type BoolFn = (w: World) => boolean;

/** The names an expression may use, resolved to indices. */
export interface Symbols {
  indicators: readonly string[];
  parameters: readonly string[];
  parties: readonly string[];
  /** Posture names per party. */
  postures: readonly (readonly string[])[];
  /** Move ids per party. */
  moves: readonly (readonly string[])[];
  /** Global index of each party's first move. */
  moveOffset: readonly number[];
  events: readonly string[];
  /** Message ids (`messages:`), for agreed(…) and broken(…). */
  messages?: readonly string[];
  /** Values of `$name` placeholders (named guards' params). */
  placeholders?: Readonly<Record<string, number>>;
}

/** Index of the unordered pair {a, b} (a ≠ b) among n parties. */
export function pairIndex(a: number, b: number, n: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return lo * n - (lo * (lo + 1)) / 2 + (hi - lo - 1);
}

/** What a node is while it is checked: its type, and its resolved tree. */
type Typed =
  | { type: 'number'; e: NumExpr }
  | { type: 'bool'; e: BoolExpr }
  | { type: 'month'; e: NumExpr }
  | { type: 'posture'; party: number; e: NumExpr }
  | { type: 'move'; party: number; e: NumExpr }
  /** A bare name that only means something next to a posture or move (resolved there). */
  | { type: 'symbol'; name: string; at: number };

function fail(message: string, at: number, code: ExpressionErrorCode): never {
  throw new ExpressionError(message, at, code);
}

const FUNCTIONS = ['rel', 'posture', 'last', 'made', 'times', 'happened', 'agreed', 'broken', 'min', 'max', 'abs', 'clamp'];

function typeName(t: Typed): string {
  switch (t.type) {
    case 'posture':
      return 'a posture';
    case 'move':
      return 'a move';
    case 'symbol':
      return `the name "${t.name}"`;
    case 'bool':
      return 'a condition';
    case 'month':
      return 'a month';
    default:
      return 'a number';
  }
}

class Checker {
  constructor(private readonly s: Symbols) {}

  private unknownName(name: string, at: number): never {
    const known = [...this.s.indicators, ...this.s.parameters, 'turn', 'date'];
    fail(`unknown name "${name}": expected an indicator, a parameter, "turn" or "date"${didYouMean(name, known)}`, at, 'unknown-name');
  }

  private party(node: Node, fn: string): number {
    if (node.kind !== 'name') fail(`${fn}(…) expects party ids as its arguments`, node.at, 'type-mismatch');
    const i = this.s.parties.indexOf(node.name);
    if (i < 0) fail(`unknown party "${node.name}"${didYouMean(node.name, this.s.parties)}`, node.at, 'unknown-party');
    return i;
  }

  private move(node: Node, party: number): number {
    const moves = this.s.moves[party]!;
    if (node.kind !== 'name') fail(`expected a move id of ${this.s.parties[party]}`, node.at, 'type-mismatch');
    const i = moves.indexOf(node.name);
    if (i < 0) fail(`unknown move "${node.name}" of ${this.s.parties[party]}${didYouMean(node.name, moves)}`, node.at, 'unknown-move');
    return i;
  }

  private message(node: Node): number {
    const messages = this.s.messages ?? [];
    if (node.kind !== 'name') fail('expected a message id', node.at, 'type-mismatch');
    const i = messages.indexOf(node.name);
    if (i < 0)
      fail(
        `unknown message "${node.name}"${didYouMean(node.name, messages)}${messages.length === 0 ? '; the scenario declares no messages' : ''}`,
        node.at,
        'unknown-message',
      );
    return i;
  }

  private arity(node: Extract<Node, { kind: 'call' }>, n: number): void {
    if (node.args.length !== n) fail(`${node.name}(…) takes ${n} argument${n === 1 ? '' : 's'}, got ${node.args.length}`, node.at, 'wrong-arity');
  }

  num(node: Node): NumExpr {
    const t = this.typed(node);
    if (t.type === 'number') return t.e;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    return fail(`expected a number here, got ${typeName(t)}`, node.at, 'type-mismatch');
  }

  bool(node: Node): BoolExpr {
    const t = this.typed(node);
    if (t.type === 'bool') return t.e;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    return fail(`expected a condition here (a comparison, true/false, made(…), happened(…)), got ${typeName(t)}`, node.at, 'type-mismatch');
  }

  typed(node: Node): Typed {
    switch (node.kind) {
      case 'num':
        return { type: 'number', e: constant(node.value) };
      case 'bool':
        return { type: 'bool', e: { k: 'bool', v: node.value } };
      case 'month':
        return { type: 'month', e: constant(node.value) };
      case 'param': {
        const values = this.s.placeholders ?? {};
        if (!Object.hasOwn(values, node.name)) {
          const names = Object.keys(values);
          fail(
            names.length === 0
              ? `"$${node.name}": $-placeholders are only allowed in named guards that declare them in params`
              : `unknown placeholder "$${node.name}"${didYouMean(`$${node.name}`, names.map((n) => `$${n}`))}; this guard's params are ${names.join(', ')}`,
            node.at,
            'unknown-placeholder',
          );
        }
        return { type: 'number', e: constant(values[node.name]!) };
      }
      case 'name': {
        if (node.name === 'turn') return { type: 'number', e: { k: 'turn' } };
        if (node.name === 'date') return { type: 'month', e: { k: 'month' } };
        const ind = this.s.indicators.indexOf(node.name);
        if (ind >= 0) return { type: 'number', e: { k: 'ind', i: ind } };
        const par = this.s.parameters.indexOf(node.name);
        if (par >= 0) return { type: 'number', e: { k: 'param', i: par } };
        return { type: 'symbol', name: node.name, at: node.at };
      }
      case 'unary':
        return node.op === 'not' ? { type: 'bool', e: { k: 'not', a: this.bool(node.arg) } } : { type: 'number', e: { k: 'neg', a: this.num(node.arg) } };
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node);
    }
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): Typed {
    const { op } = node;
    if (op === 'and' || op === 'or') return { type: 'bool', e: { k: op, a: this.bool(node.left), b: this.bool(node.right) } };
    if (op === '+' || op === '-' || op === '*' || op === '/')
      // The language's division: by zero it gives 0 rather than Infinity/NaN.
      return { type: 'number', e: { k: 'arith', op: op === '/' ? 'div' : op, a: this.num(node.left), b: this.num(node.right) } };
    // Comparisons.
    const left = this.typed(node.left);
    const right = this.typed(node.right);
    const named = this.comparePostureOrMove(node, left, right) ?? this.comparePostureOrMove(node, right, left, true);
    if (named) return named;
    if (left.type === 'month' || right.type === 'month') {
      if (left.type !== 'month' || right.type !== 'month')
        fail(`a month can only be compared with a month (write dates as YYYY-MM), got ${typeName(left.type === 'month' ? right : left)}`, node.at, 'type-mismatch');
      return { type: 'bool', e: { k: 'cmp', op, a: left.e, b: right.e } };
    }
    if (left.type === 'bool' && right.type === 'bool' && (op === '==' || op === '!=')) return { type: 'bool', e: { k: 'same', op, a: left.e, b: right.e } };
    return { type: 'bool', e: { k: 'cmp', op: op as CompareOp, a: this.num(node.left), b: this.num(node.right) } };
  }

  /**
   * `posture(p) == name` and `last(p) == move`: the bare name is resolved in that party's postures or moves.
   * `swapped`: the posture or move is on the right (`name == posture(p)`); the tree keeps source order.
   */
  private comparePostureOrMove(node: Extract<Node, { kind: 'binary' }>, a: Typed, b: Typed, swapped = false): Typed | undefined {
    if (a.type !== 'posture' && a.type !== 'move') return undefined;
    const op = node.op;
    if (op !== '==' && op !== '!=') fail(`${typeName(a)} can only be compared with == or !=`, node.at, 'type-mismatch');
    const names = a.type === 'posture' ? this.s.postures[a.party]! : this.s.moves[a.party]!;
    const what = a.type === 'posture' ? 'posture' : 'move';
    let other: NumExpr;
    if (b.type === 'symbol') {
      const idx = names.indexOf(b.name);
      if (idx < 0) fail(`unknown ${what} "${b.name}" of ${this.s.parties[a.party]}${didYouMean(b.name, names)}`, b.at, what === 'posture' ? 'unknown-posture' : 'unknown-move');
      other = constant(idx);
    } else if (b.type === a.type && b.party === a.party) {
      other = b.e;
    } else {
      // An indicator named like a posture would resolve as a number: say what went wrong.
      const right = node.right.kind === 'name' ? node.right.name : undefined;
      return fail(`a ${what} of ${this.s.parties[a.party]} must be compared with one of its ${what} names${right ? `, and "${right}" is not one` : ''}`, node.at, 'type-mismatch');
    }
    return { type: 'bool', e: swapped ? { k: 'cmp', op, a: other, b: a.e } : { k: 'cmp', op, a: a.e, b: other } };
  }

  private call(node: Extract<Node, { kind: 'call' }>): Typed {
    const n = this.s.parties.length;
    switch (node.name) {
      case 'rel': {
        this.arity(node, 2);
        const a = this.party(node.args[0]!, 'rel');
        const b = this.party(node.args[1]!, 'rel');
        if (a === b) fail('rel(…) needs two different parties', node.at, 'self-relation');
        return { type: 'number', e: { k: 'rel', i: pairIndex(a, b, n) } };
      }
      case 'posture': {
        this.arity(node, 1);
        const p = this.party(node.args[0]!, 'posture');
        return { type: 'posture', party: p, e: { k: 'posture', party: p } };
      }
      case 'last': {
        this.arity(node, 1);
        const p = this.party(node.args[0]!, 'last');
        return { type: 'move', party: p, e: { k: 'last', party: p } };
      }
      case 'made':
      case 'times': {
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        const move = this.s.moveOffset[p]! + this.move(node.args[1]!, p);
        return node.name === 'made' ? { type: 'bool', e: { k: 'made', move } } : { type: 'number', e: { k: 'times', move } };
      }
      case 'happened': {
        this.arity(node, 1);
        const arg = node.args[0]!;
        if (arg.kind !== 'name') fail('happened(…) expects an event id', arg.at, 'type-mismatch');
        const event = this.s.events.indexOf(arg.name);
        if (event < 0) fail(`unknown event "${arg.name}"${didYouMean(arg.name, this.s.events)}`, arg.at, 'unknown-event');
        return { type: 'bool', e: { k: 'happened', event } };
      }
      case 'agreed':
      case 'broken': {
        // agreed(p, m): p is a side of an accepted message m; broken(p, m): p broke m's commitment.
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        return { type: 'bool', e: { k: node.name, i: this.message(node.args[1]!) * n + p } };
      }
      case 'abs':
        this.arity(node, 1);
        return { type: 'number', e: { k: 'abs', a: this.num(node.args[0]!) } };
      case 'min':
      case 'max': {
        if (node.args.length < 2) fail(`${node.name}(…) takes at least 2 arguments`, node.at, 'wrong-arity');
        // Pairwise, left to right.
        const k = node.name;
        const [first, ...rest] = node.args.map((x) => this.num(x));
        return { type: 'number', e: rest.reduce<NumExpr>((a, b) => ({ k, a, b }), first!) };
      }
      case 'clamp': {
        this.arity(node, 3);
        const [x, lo, hi] = node.args.map((a) => this.num(a)) as [NumExpr, NumExpr, NumExpr];
        return { type: 'number', e: { k: 'clamp', x, lo, hi } };
      }
      default:
        return fail(`unknown function "${node.name}"${didYouMean(node.name, FUNCTIONS)}; known: ${FUNCTIONS.join(', ')}`, node.at, 'unknown-function');
    }
  }
}

/** A checked expression: its resolved tree, what it reads, and the function that evaluates it. */
export type Checked<F, T> = { ok: true; fn: F; tree: T; reads: WorldReads };
export type CompileResult<F, T = NumExpr | BoolExpr> = Checked<F, T> | { ok: false; error: ParseError };

export interface ExpressionOptions {
  /** Generate one JavaScript function from the tree (default true); false uses the evaluator (for comparison tests). */
  generate?: boolean;
}

/** The function of a number-valued tree: generated, or the evaluator where that is off or forbidden. */
export function numberFunction(tree: NumExpr, opts: ExpressionOptions = {}): NumFn {
  return (opts.generate === false ? null : generateFunction<NumFn>(emitNumber(tree))) ?? numberClosure(tree);
}

/** The function of a condition-valued tree. */
export function conditionFunction(tree: BoolExpr, opts: ExpressionOptions = {}): BoolFn {
  return (opts.generate === false ? null : generateFunction<BoolFn>(emitCondition(tree))) ?? conditionClosure(tree);
}

/** Parses and checks an expression into its resolved tree, or the first error (as a value). */
function check<T>(src: string, symbols: Symbols, kind: (c: Checker, node: Node) => T): { ok: true; tree: T } | { ok: false; error: ParseError } {
  const parsed = parseExpression(src);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, tree: kind(new Checker(symbols), parsed.node) };
  } catch (e) {
    if (e instanceof ExpressionError) return { ok: false, error: e.toValue() };
    throw e;
  }
}

/** Checks a condition into its resolved tree (`western_pressure > 60 and posture(armenia) == diversifying`). */
export function checkCondition(src: string, symbols: Symbols): { ok: true; tree: BoolExpr } | { ok: false; error: ParseError } {
  return check(src, symbols, (c, node) => c.bool(node));
}

/** Checks a numeric expression into its resolved tree (`0.5 * decision_noise`, `rel(armenia, russia)`). */
export function checkNumber(src: string, symbols: Symbols): { ok: true; tree: NumExpr } | { ok: false; error: ParseError } {
  return check(src, symbols, (c, node) => c.num(node));
}

/** Compiles a condition (`western_pressure > 60 and posture(armenia) == diversifying`). */
export function compileCondition(src: string, symbols: Symbols, opts?: ExpressionOptions): CompileResult<BoolFn, BoolExpr> {
  const r = checkCondition(src, symbols);
  return r.ok ? { ok: true, fn: conditionFunction(r.tree, opts), tree: r.tree, reads: readsOf(r.tree) } : r;
}

/** Compiles a numeric expression (`0.5 * decision_noise`, `rel(armenia, russia)`). */
export function compileNumber(src: string, symbols: Symbols, opts?: ExpressionOptions): CompileResult<NumFn, NumExpr> {
  const r = checkNumber(src, symbols);
  return r.ok ? { ok: true, fn: numberFunction(r.tree, opts), tree: r.tree, reads: readsOf(r.tree) } : r;
}

/** What an interest wants, as the format writes it (see WantsSchema). */
export interface WantsSpec {
  raise?: number | string | undefined;
  lower?: number | string | undefined;
  target?: { of: number | string; value: number } | undefined;
  band?: { of: number | string; within: readonly [number, number] } | undefined;
  hold?: string | undefined;
  scale?: number | undefined;
}

/**
 * An interest's utility (higher is better) as a tree composed from the
 * checked tree of what it measures — never from new text: `raise` x/scale,
 * `lower` −x/scale, `target` −|x − v|/scale, `band`
 * −(max(0, lo − x) + max(0, x − hi))/scale, `hold` 1 while the condition holds,
 * else 0. An error is located in the part of `wants` it comes from (`path`).
 */
export function checkUtility(wants: WantsSpec, symbols: Symbols): { ok: true; tree: NumExpr } | { ok: false; error: ParseError; path: string[] } {
  const scale = constant(wants.scale ?? 100);
  const measure = (src: number | string, path: string[], form: (x: NumExpr) => NumExpr) => {
    const r = checkNumber(String(src), symbols);
    return r.ok ? { ok: true as const, tree: form(r.tree) } : { ok: false as const, error: r.error, path };
  };
  const over = (x: NumExpr): NumExpr => ({ k: 'arith', op: '/', a: x, b: scale });
  if (wants.raise !== undefined) return measure(wants.raise, ['raise'], over);
  if (wants.lower !== undefined) return measure(wants.lower, ['lower'], (x) => over({ k: 'neg', a: x }));
  if (wants.target !== undefined) {
    const v = constant(wants.target.value);
    return measure(wants.target.of, ['target', 'of'], (x) => over({ k: 'neg', a: { k: 'abs', a: { k: 'arith', op: '-', a: x, b: v } } }));
  }
  if (wants.band !== undefined) {
    const [lo, hi] = wants.band.within;
    const zero = constant(0);
    return measure(wants.band.of, ['band', 'of'], (x) =>
      over({
        k: 'neg',
        a: {
          k: 'arith',
          op: '+',
          a: { k: 'max', a: zero, b: { k: 'arith', op: '-', a: constant(lo), b: x } },
          b: { k: 'max', a: zero, b: { k: 'arith', op: '-', a: x, b: constant(hi) } },
        },
      }),
    );
  }
  if (wants.hold !== undefined) {
    const r = checkCondition(wants.hold, symbols);
    return r.ok ? { ok: true, tree: { k: 'select', c: r.tree, a: constant(1), b: constant(0) } } : { ok: false, error: r.error, path: ['hold'] };
  }
  return { ok: false, error: { message: 'expected one of raise, lower, target, band, hold', at: 0, code: 'expression-syntax' }, path: [] };
}

/** Compiles an interest's utility (see `checkUtility`) into one function, with its tree and reads. */
export function compileUtility(wants: WantsSpec, symbols: Symbols, opts: ExpressionOptions = {}): CompileResult<NumFn, NumExpr> & { path?: string[] } {
  const r = checkUtility(wants, symbols);
  return r.ok ? { ok: true, fn: numberFunction(r.tree, opts), tree: r.tree, reads: readsOf(r.tree) } : r;
}

/** The reads of an expression (checked; an expression that does not check reads "anything"). */
export function expressionReads(src: string | number, symbols: Symbols): WorldReads {
  if (typeof src === 'number') return emptyReads();
  const r = check(src, symbols, (c, node) => {
    const t = c.typed(node);
    return t.type === 'symbol' ? null : t.e;
  });
  if (r.ok && r.tree !== null) return readsOf(r.tree);
  const any = emptyReads();
  any.any = true;
  return any;
}


export { monthText };
