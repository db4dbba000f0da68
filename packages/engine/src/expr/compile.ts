/**
 * Type-checks an expression AST against a scenario's names and compiles it to a
 * closure over array indices, once, at load time. The closures read a `World`
 * view of the game state and never allocate, so the turn loop stays cheap.
 */
import { didYouMean } from '../util/suggest.js';
import { generateFunction } from './codegen.js';
import { monthText, parseExpression, type Node, type ParseError } from './parse.js';

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
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  return lo * n - (lo * (lo + 1)) / 2 + (hi - lo - 1);
}

type Typed =
  | { type: 'number'; fn: NumFn }
  | { type: 'bool'; fn: BoolFn }
  | { type: 'month'; fn: NumFn }
  | { type: 'posture'; party: number; fn: NumFn }
  | { type: 'move'; party: number; fn: NumFn }
  /** A bare name that only means something next to a posture or move (resolved there). */
  | { type: 'symbol'; name: string; at: number };

class CompileError {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
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

class Compiler {
  constructor(private readonly s: Symbols) {}

  private unknownName(name: string, at: number): never {
    const known = [...this.s.indicators, ...this.s.parameters, 'turn', 'date'];
    throw new CompileError(`unknown name "${name}": expected an indicator, a parameter, "turn" or "date"${didYouMean(name, known)}`, at);
  }

  private party(node: Node, fn: string): number {
    if (node.kind !== 'name') throw new CompileError(`${fn}(…) expects party ids as its arguments`, node.at);
    const i = this.s.parties.indexOf(node.name);
    if (i < 0) throw new CompileError(`unknown party "${node.name}"${didYouMean(node.name, this.s.parties)}`, node.at);
    return i;
  }

  private move(node: Node, party: number): number {
    const moves = this.s.moves[party]!;
    if (node.kind !== 'name') throw new CompileError(`expected a move id of ${this.s.parties[party]}`, node.at);
    const i = moves.indexOf(node.name);
    if (i < 0)
      throw new CompileError(`unknown move "${node.name}" of ${this.s.parties[party]}${didYouMean(node.name, moves)}`, node.at);
    return i;
  }

  private message(node: Node): number {
    const messages = this.s.messages ?? [];
    if (node.kind !== 'name') throw new CompileError('expected a message id', node.at);
    const i = messages.indexOf(node.name);
    if (i < 0) throw new CompileError(`unknown message "${node.name}"${didYouMean(node.name, messages)}${messages.length === 0 ? '; the scenario declares no messages' : ''}`, node.at);
    return i;
  }

  private arity(node: Extract<Node, { kind: 'call' }>, n: number): void {
    if (node.args.length !== n)
      throw new CompileError(`${node.name}(…) takes ${n} argument${n === 1 ? '' : 's'}, got ${node.args.length}`, node.at);
  }

  num(node: Node): NumFn {
    const t = this.typed(node);
    if (t.type === 'number') return t.fn;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    throw new CompileError(`expected a number here, got ${typeName(t)}`, node.at);
  }

  bool(node: Node): BoolFn {
    const t = this.typed(node);
    if (t.type === 'bool') return t.fn;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    throw new CompileError(`expected a condition here (a comparison, true/false, made(…), happened(…)), got ${typeName(t)}`, node.at);
  }

  typed(node: Node): Typed {
    switch (node.kind) {
      case 'num': {
        const v = node.value;
        return { type: 'number', fn: () => v };
      }
      case 'bool': {
        const v = node.value;
        return { type: 'bool', fn: () => v };
      }
      case 'month': {
        const v = node.value;
        return { type: 'month', fn: () => v };
      }
      case 'param': {
        const values = this.s.placeholders ?? {};
        if (!Object.hasOwn(values, node.name)) {
          const names = Object.keys(values);
          throw new CompileError(
            names.length === 0
              ? `"$${node.name}": $-placeholders are only allowed in named guards that declare them in params`
              : `unknown placeholder "$${node.name}"${didYouMean(`$${node.name}`, names.map((n) => `$${n}`))}; this guard's params are ${names.join(', ')}`,
            node.at,
          );
        }
        const v = values[node.name]!;
        return { type: 'number', fn: () => v };
      }
      case 'name': {
        if (node.name === 'turn') return { type: 'number', fn: (w) => w.turn };
        if (node.name === 'date') return { type: 'month', fn: (w) => w.month };
        const ind = this.s.indicators.indexOf(node.name);
        if (ind >= 0) return { type: 'number', fn: (w) => w.ind[ind]! };
        const par = this.s.parameters.indexOf(node.name);
        if (par >= 0) return { type: 'number', fn: (w) => w.params[par]! };
        return { type: 'symbol', name: node.name, at: node.at };
      }
      case 'unary': {
        if (node.op === 'not') {
          const f = this.bool(node.arg);
          return { type: 'bool', fn: (w) => !f(w) };
        }
        const f = this.num(node.arg);
        return { type: 'number', fn: (w) => -f(w) };
      }
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node);
    }
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): Typed {
    const { op } = node;
    if (op === 'and' || op === 'or') {
      const l = this.bool(node.left);
      const r = this.bool(node.right);
      return { type: 'bool', fn: op === 'and' ? (w) => l(w) && r(w) : (w) => l(w) || r(w) };
    }
    if (op === '+' || op === '-' || op === '*' || op === '/') {
      const l = this.num(node.left);
      const r = this.num(node.right);
      switch (op) {
        case '+':
          return { type: 'number', fn: (w) => l(w) + r(w) };
        case '-':
          return { type: 'number', fn: (w) => l(w) - r(w) };
        case '*':
          return { type: 'number', fn: (w) => l(w) * r(w) };
        case '/':
          // Division by zero yields 0 rather than Infinity/NaN, so a state can never hold a non-number.
          return {
            type: 'number',
            fn: (w) => {
              const d = r(w);
              return d === 0 ? 0 : l(w) / d;
            },
          };
      }
    }
    // Comparisons.
    const left = this.typed(node.left);
    const right = this.typed(node.right);
    const named = this.comparePostureOrMove(node, left, right) ?? this.comparePostureOrMove(node, right, left);
    if (named) return named;
    if (left.type === 'month' || right.type === 'month') {
      if (left.type !== 'month' || right.type !== 'month')
        throw new CompileError(`a month can only be compared with a month (write dates as YYYY-MM), got ${typeName(left.type === 'month' ? right : left)}`, node.at);
      return this.compare(op, left.fn, right.fn, node.at);
    }
    if (left.type === 'bool' && right.type === 'bool' && (op === '==' || op === '!=')) {
      const l = left.fn;
      const r = right.fn;
      return { type: 'bool', fn: op === '==' ? (w) => l(w) === r(w) : (w) => l(w) !== r(w) };
    }
    const l = this.num(node.left);
    const r = this.num(node.right);
    return this.compare(op, l, r, node.at);
  }

  private compare(op: string, l: NumFn, r: NumFn, at: number): Typed {
    switch (op) {
      case '<':
        return { type: 'bool', fn: (w) => l(w) < r(w) };
      case '<=':
        return { type: 'bool', fn: (w) => l(w) <= r(w) };
      case '>':
        return { type: 'bool', fn: (w) => l(w) > r(w) };
      case '>=':
        return { type: 'bool', fn: (w) => l(w) >= r(w) };
      case '==':
        return { type: 'bool', fn: (w) => l(w) === r(w) };
      case '!=':
        return { type: 'bool', fn: (w) => l(w) !== r(w) };
    }
    throw new CompileError(`unknown comparison "${op}"`, at);
  }

  /** `posture(p) == name` and `last(p) == move`: the bare name is resolved in that party's postures or moves. */
  private comparePostureOrMove(node: Extract<Node, { kind: 'binary' }>, a: Typed, b: Typed): Typed | undefined {
    if (a.type !== 'posture' && a.type !== 'move') return undefined;
    if (node.op !== '==' && node.op !== '!=')
      throw new CompileError(`${typeName(a)} can only be compared with == or !=`, node.at);
    const names = a.type === 'posture' ? this.s.postures[a.party]! : this.s.moves[a.party]!;
    const what = a.type === 'posture' ? 'posture' : 'move';
    let idx: number;
    if (b.type === 'symbol') {
      idx = names.indexOf(b.name);
      if (idx < 0)
        throw new CompileError(`unknown ${what} "${b.name}" of ${this.s.parties[a.party]}${didYouMean(b.name, names)}`, b.at);
    } else if (b.type === a.type && b.party === a.party) {
      const l = a.fn;
      const r = b.fn;
      return { type: 'bool', fn: node.op === '==' ? (w) => l(w) === r(w) : (w) => l(w) !== r(w) };
    } else {
      // An indicator named like a posture would resolve as a number: say what went wrong.
      const right = node.right.kind === 'name' ? node.right.name : undefined;
      throw new CompileError(
        `a ${what} of ${this.s.parties[a.party]} must be compared with one of its ${what} names${right ? `, and "${right}" is not one` : ''}`,
        node.at,
      );
    }
    const f = a.fn;
    const i = idx;
    return { type: 'bool', fn: node.op === '==' ? (w) => f(w) === i : (w) => f(w) !== i };
  }

  private call(node: Extract<Node, { kind: 'call' }>): Typed {
    const n = this.s.parties.length;
    switch (node.name) {
      case 'rel': {
        this.arity(node, 2);
        const a = this.party(node.args[0]!, 'rel');
        const b = this.party(node.args[1]!, 'rel');
        if (a === b) throw new CompileError('rel(…) needs two different parties', node.at);
        const k = pairIndex(a, b, n);
        return { type: 'number', fn: (w) => w.rel[k]! };
      }
      case 'posture': {
        this.arity(node, 1);
        const p = this.party(node.args[0]!, 'posture');
        return { type: 'posture', party: p, fn: (w) => w.posture[p]! };
      }
      case 'last': {
        this.arity(node, 1);
        const p = this.party(node.args[0]!, 'last');
        return { type: 'move', party: p, fn: (w) => w.lastMove[p]! };
      }
      case 'made':
      case 'times': {
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        const k = this.s.moveOffset[p]! + this.move(node.args[1]!, p);
        return node.name === 'made' ? { type: 'bool', fn: (w) => w.moveCount[k]! > 0 } : { type: 'number', fn: (w) => w.moveCount[k]! };
      }
      case 'happened': {
        this.arity(node, 1);
        const arg = node.args[0]!;
        if (arg.kind !== 'name') throw new CompileError('happened(…) expects an event id', arg.at);
        const e = this.s.events.indexOf(arg.name);
        if (e < 0) throw new CompileError(`unknown event "${arg.name}"${didYouMean(arg.name, this.s.events)}`, arg.at);
        return { type: 'bool', fn: (w) => w.eventCount[e]! > 0 };
      }
      case 'agreed':
      case 'broken': {
        // agreed(p, m): p is a side of an accepted message m; broken(p, m): p broke m's commitment.
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        const k = this.message(node.args[1]!) * n + p;
        return node.name === 'agreed' ? { type: 'bool', fn: (w) => (w.agreed?.[k] ?? -1) >= 0 } : { type: 'bool', fn: (w) => (w.broken?.[k] ?? 0) > 0 };
      }
      case 'abs': {
        this.arity(node, 1);
        const f = this.num(node.args[0]!);
        return { type: 'number', fn: (w) => Math.abs(f(w)) };
      }
      case 'min':
      case 'max': {
        if (node.args.length < 2) throw new CompileError(`${node.name}(…) takes at least 2 arguments`, node.at);
        const fs = node.args.map((a) => this.num(a));
        const pick = node.name === 'min' ? Math.min : Math.max;
        return {
          type: 'number',
          fn: (w) => {
            let v = fs[0]!(w);
            for (let i = 1; i < fs.length; i++) v = pick(v, fs[i]!(w));
            return v;
          },
        };
      }
      case 'clamp': {
        this.arity(node, 3);
        const [x, lo, hi] = node.args.map((a) => this.num(a)) as [NumFn, NumFn, NumFn];
        return { type: 'number', fn: (w) => Math.min(hi(w), Math.max(lo(w), x(w))) };
      }
      default:
        throw new CompileError(`unknown function "${node.name}"${didYouMean(node.name, FUNCTIONS)}; known: ${FUNCTIONS.join(', ')}`, node.at);
    }
  }
}

export type CompileResult<F> = { ok: true; fn: F } | { ok: false; error: ParseError };

export interface ExpressionOptions {
  /** Generate one JavaScript function from the checked tree (default true); false keeps the closure tree (for comparison tests). */
  generate?: boolean;
}

function run<F>(src: string, symbols: Symbols, kind: 'num' | 'bool', opts: ExpressionOptions = {}): CompileResult<F> {
  const parsed = parseExpression(src);
  if (!parsed.ok) return parsed;
  try {
    const c = new Compiler(symbols);
    // The closure compiler type-checks and names every error; only a tree it accepted is generated.
    const fn = kind === 'num' ? c.num(parsed.node) : c.bool(parsed.node);
    const fast = opts.generate === false ? null : generateFunction<F>(parsed.node, symbols);
    return { ok: true, fn: fast ?? (fn as F) };
  } catch (e) {
    if (e instanceof CompileError) return { ok: false, error: { message: e.message, at: e.at } };
    throw e;
  }
}

/** Compiles a condition (`western_pressure > 60 and posture(armenia) == diversifying`). */
export function compileCondition(src: string, symbols: Symbols, opts?: ExpressionOptions): CompileResult<BoolFn> {
  return run<BoolFn>(src, symbols, 'bool', opts);
}

/** Compiles a numeric expression (`0.5 * decision_noise`, `rel(armenia, russia)`). */
export function compileNumber(src: string, symbols: Symbols, opts?: ExpressionOptions): CompileResult<NumFn> {
  return run<NumFn>(src, symbols, 'num', opts);
}

export { monthText };
