/**
 * The expression checker: the one place names are resolved. It type-checks an
 * expression AST against a scenario's names, once, at load time, and from the
 * same walk produces everything an expression is used for:
 * - `code`: JavaScript over the world's arrays, with every name already an
 *   index and every literal a finite number (codegen.ts turns it into one
 *   function: straight-line array reads instead of a tree of calls);
 * - `fn` as closures over the same indices: the fallback evaluator, used where
 *   the platform forbids `Function`, and the reference in comparison tests;
 * - `reads`: the slots of the world it reads (the batch path skips the
 *   interests a move cannot change from these).
 */
import { didYouMean } from '../util/suggest.js';
import { div, generateFunction, literal } from './codegen.js';
import { emptyReads, type WorldReads } from './reads.js';
import { ExpressionError, monthText, parseExpression, type Node, type ParseError } from './parse.js';

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

type Typed =
  | { type: 'number'; fn: NumFn; code: string }
  | { type: 'bool'; fn: BoolFn; code: string }
  | { type: 'month'; fn: NumFn; code: string }
  | { type: 'posture'; party: number; fn: NumFn; code: string }
  | { type: 'move'; party: number; fn: NumFn; code: string }
  /** A bare name that only means something next to a posture or move (resolved there). */
  | { type: 'symbol'; name: string; at: number };

/** An index, checked, as code. */
function ix(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new Error(`internal: bad index ${i}`);
  return String(i);
}

class CompileError extends ExpressionError {}

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
  readonly reads: WorldReads = emptyReads();
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

  num(node: Node): Extract<Typed, { type: 'number' }> {
    const t = this.typed(node);
    if (t.type === 'number') return t;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    throw new CompileError(`expected a number here, got ${typeName(t)}`, node.at);
  }

  bool(node: Node): Extract<Typed, { type: 'bool' }> {
    const t = this.typed(node);
    if (t.type === 'bool') return t;
    if (t.type === 'symbol') this.unknownName(t.name, t.at);
    throw new CompileError(`expected a condition here (a comparison, true/false, made(…), happened(…)), got ${typeName(t)}`, node.at);
  }

  typed(node: Node): Typed {
    switch (node.kind) {
      case 'num': {
        const v = node.value;
        return { type: 'number', fn: () => v, code: literal(v) };
      }
      case 'bool': {
        const v = node.value;
        return { type: 'bool', fn: () => v, code: v ? 'true' : 'false' };
      }
      case 'month': {
        const v = node.value;
        return { type: 'month', fn: () => v, code: literal(v) };
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
        return { type: 'number', fn: () => v, code: literal(v) };
      }
      case 'name': {
        if (node.name === 'turn') return { type: 'number', fn: (w) => w.turn, code: 'w.turn' };
        if (node.name === 'date') return { type: 'month', fn: (w) => w.month, code: 'w.month' };
        const ind = this.s.indicators.indexOf(node.name);
        if (ind >= 0) {
          this.reads.ind.add(ind);
          return { type: 'number', fn: (w) => w.ind[ind]!, code: `w.ind[${ix(ind)}]` };
        }
        const par = this.s.parameters.indexOf(node.name);
        if (par >= 0) return { type: 'number', fn: (w) => w.params[par]!, code: `w.params[${ix(par)}]` };
        return { type: 'symbol', name: node.name, at: node.at };
      }
      case 'unary': {
        if (node.op === 'not') {
          const a = this.bool(node.arg);
          const f = a.fn;
          return { type: 'bool', fn: (w) => !f(w), code: `(!${a.code})` };
        }
        const a = this.num(node.arg);
        const f = a.fn;
        return { type: 'number', fn: (w) => -f(w), code: `(-${a.code})` };
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
      const a = this.bool(node.left);
      const b = this.bool(node.right);
      const l = a.fn;
      const r = b.fn;
      return op === 'and'
        ? { type: 'bool', fn: (w) => l(w) && r(w), code: `(${a.code} && ${b.code})` }
        : { type: 'bool', fn: (w) => l(w) || r(w), code: `(${a.code} || ${b.code})` };
    }
    if (op === '+' || op === '-' || op === '*' || op === '/') {
      const a = this.num(node.left);
      const b = this.num(node.right);
      const l = a.fn;
      const r = b.fn;
      switch (op) {
        case '+':
          return { type: 'number', fn: (w) => l(w) + r(w), code: `(${a.code} + ${b.code})` };
        case '-':
          return { type: 'number', fn: (w) => l(w) - r(w), code: `(${a.code} - ${b.code})` };
        case '*':
          return { type: 'number', fn: (w) => l(w) * r(w), code: `(${a.code} * ${b.code})` };
        case '/':
          // Division by zero yields 0 rather than Infinity/NaN (the one division rule, `div`).
          return { type: 'number', fn: (w) => div(l(w), r(w)), code: `div(${a.code}, ${b.code})` };
      }
    }
    // Comparisons.
    const left = this.typed(node.left);
    const right = this.typed(node.right);
    const named = this.comparePostureOrMove(node, left, right) ?? this.comparePostureOrMove(node, right, left, true);
    if (named) return named;
    if (left.type === 'month' || right.type === 'month') {
      if (left.type !== 'month' || right.type !== 'month')
        throw new CompileError(`a month can only be compared with a month (write dates as YYYY-MM), got ${typeName(left.type === 'month' ? right : left)}`, node.at);
      return this.compare(op, left, right, node.at);
    }
    if (left.type === 'bool' && right.type === 'bool' && (op === '==' || op === '!=')) {
      const l = left.fn;
      const r = right.fn;
      return op === '=='
        ? { type: 'bool', fn: (w) => l(w) === r(w), code: `(${left.code} === ${right.code})` }
        : { type: 'bool', fn: (w) => l(w) !== r(w), code: `(${left.code} !== ${right.code})` };
    }
    return this.compare(op, this.num(node.left), this.num(node.right), node.at);
  }

  private compare(op: string, a: { fn: NumFn; code: string }, b: { fn: NumFn; code: string }, at: number): Typed {
    const l = a.fn;
    const r = b.fn;
    const code = (js: string) => `(${a.code} ${js} ${b.code})`;
    switch (op) {
      case '<':
        return { type: 'bool', fn: (w) => l(w) < r(w), code: code('<') };
      case '<=':
        return { type: 'bool', fn: (w) => l(w) <= r(w), code: code('<=') };
      case '>':
        return { type: 'bool', fn: (w) => l(w) > r(w), code: code('>') };
      case '>=':
        return { type: 'bool', fn: (w) => l(w) >= r(w), code: code('>=') };
      case '==':
        return { type: 'bool', fn: (w) => l(w) === r(w), code: code('===') };
      case '!=':
        return { type: 'bool', fn: (w) => l(w) !== r(w), code: code('!==') };
    }
    throw new CompileError(`unknown comparison "${op}"`, at);
  }

  /**
   * `posture(p) == name` and `last(p) == move`: the bare name is resolved in that party's postures or moves.
   * `swapped`: the posture or move is on the right (`name == posture(p)`), which the code keeps in source order.
   */
  private comparePostureOrMove(node: Extract<Node, { kind: 'binary' }>, a: Typed, b: Typed, swapped = false): Typed | undefined {
    if (a.type !== 'posture' && a.type !== 'move') return undefined;
    if (node.op !== '==' && node.op !== '!=')
      throw new CompileError(`${typeName(a)} can only be compared with == or !=`, node.at);
    const names = a.type === 'posture' ? this.s.postures[a.party]! : this.s.moves[a.party]!;
    const what = a.type === 'posture' ? 'posture' : 'move';
    const js = node.op === '==' ? '===' : '!==';
    let idx: number;
    if (b.type === 'symbol') {
      idx = names.indexOf(b.name);
      if (idx < 0)
        throw new CompileError(`unknown ${what} "${b.name}" of ${this.s.parties[a.party]}${didYouMean(b.name, names)}`, b.at);
    } else if (b.type === a.type && b.party === a.party) {
      const l = a.fn;
      const r = b.fn;
      const code = swapped ? `(${b.code} ${js} ${a.code})` : `(${a.code} ${js} ${b.code})`;
      return { type: 'bool', fn: node.op === '==' ? (w) => l(w) === r(w) : (w) => l(w) !== r(w), code };
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
    const code = swapped ? `(${ix(i)} ${js} ${a.code})` : `(${a.code} ${js} ${ix(i)})`;
    return { type: 'bool', fn: node.op === '==' ? (w) => f(w) === i : (w) => f(w) !== i, code };
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
        this.reads.rel.add(k);
        return { type: 'number', fn: (w) => w.rel[k]!, code: `w.rel[${ix(k)}]` };
      }
      case 'posture': {
        this.arity(node, 1);
        // Postures do not change within a turn's look-ahead, so they are not a read that matters there.
        const p = this.party(node.args[0]!, 'posture');
        return { type: 'posture', party: p, fn: (w) => w.posture[p]!, code: `w.posture[${ix(p)}]` };
      }
      case 'last': {
        this.arity(node, 1);
        const p = this.party(node.args[0]!, 'last');
        this.reads.lastMove.add(p);
        return { type: 'move', party: p, fn: (w) => w.lastMove[p]!, code: `w.lastMove[${ix(p)}]` };
      }
      case 'made':
      case 'times': {
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        const k = this.s.moveOffset[p]! + this.move(node.args[1]!, p);
        this.reads.moveCount.add(k);
        return node.name === 'made'
          ? { type: 'bool', fn: (w) => w.moveCount[k]! > 0, code: `(w.moveCount[${ix(k)}] > 0)` }
          : { type: 'number', fn: (w) => w.moveCount[k]!, code: `w.moveCount[${ix(k)}]` };
      }
      case 'happened': {
        this.arity(node, 1);
        const arg = node.args[0]!;
        if (arg.kind !== 'name') throw new CompileError('happened(…) expects an event id', arg.at);
        const e = this.s.events.indexOf(arg.name);
        if (e < 0) throw new CompileError(`unknown event "${arg.name}"${didYouMean(arg.name, this.s.events)}`, arg.at);
        return { type: 'bool', fn: (w) => w.eventCount[e]! > 0, code: `(w.eventCount[${ix(e)}] > 0)` };
      }
      case 'agreed':
      case 'broken': {
        // agreed(p, m): p is a side of an accepted message m; broken(p, m): p broke m's commitment.
        this.arity(node, 2);
        const p = this.party(node.args[0]!, node.name);
        const k = this.message(node.args[1]!) * n + p;
        return node.name === 'agreed'
          ? { type: 'bool', fn: (w) => (w.agreed?.[k] ?? -1) >= 0, code: `((w.agreed?.[${ix(k)}] ?? -1) >= 0)` }
          : { type: 'bool', fn: (w) => (w.broken?.[k] ?? 0) > 0, code: `((w.broken?.[${ix(k)}] ?? 0) > 0)` };
      }
      case 'abs': {
        this.arity(node, 1);
        const a = this.num(node.args[0]!);
        const f = a.fn;
        return { type: 'number', fn: (w) => Math.abs(f(w)), code: `Math.abs(${a.code})` };
      }
      case 'min':
      case 'max': {
        if (node.args.length < 2) throw new CompileError(`${node.name}(…) takes at least 2 arguments`, node.at);
        const args = node.args.map((x) => this.num(x));
        const fs = args.map((x) => x.fn);
        const pick = node.name === 'min' ? Math.min : Math.max;
        // Pairwise, left to right, in the closure and the code alike.
        let code = args[0]!.code;
        for (let i = 1; i < args.length; i++) code = `Math.${node.name}(${code}, ${args[i]!.code})`;
        return {
          type: 'number',
          fn: (w) => {
            let v = fs[0]!(w);
            for (let i = 1; i < fs.length; i++) v = pick(v, fs[i]!(w));
            return v;
          },
          code,
        };
      }
      case 'clamp': {
        this.arity(node, 3);
        const [x, lo, hi] = node.args.map((a) => this.num(a)) as [Extract<Typed, { type: 'number' }>, Extract<Typed, { type: 'number' }>, Extract<Typed, { type: 'number' }>];
        const [fx, flo, fhi] = [x.fn, lo.fn, hi.fn];
        return { type: 'number', fn: (w) => Math.min(fhi(w), Math.max(flo(w), fx(w))), code: `Math.min(${hi.code}, Math.max(${lo.code}, ${x.code}))` };
      }
      default:
        throw new CompileError(`unknown function "${node.name}"${didYouMean(node.name, FUNCTIONS)}; known: ${FUNCTIONS.join(', ')}`, node.at);
    }
  }
}

export type CompileResult<F> = { ok: true; fn: F; reads: WorldReads } | { ok: false; error: ParseError };

export interface ExpressionOptions {
  /** Generate one JavaScript function from the checked code (default true); false keeps the closures (for comparison tests). */
  generate?: boolean;
}

function finish<F>(t: { fn: unknown; code: string }, reads: WorldReads, opts: ExpressionOptions): CompileResult<F> {
  const fast = opts.generate === false ? null : generateFunction<F>(t.code);
  return { ok: true, fn: fast ?? (t.fn as F), reads };
}

function run<F>(src: string, symbols: Symbols, kind: 'num' | 'bool', opts: ExpressionOptions = {}): CompileResult<F> {
  const parsed = parseExpression(src);
  if (!parsed.ok) return parsed;
  try {
    const c = new Compiler(symbols);
    return finish<F>(kind === 'num' ? c.num(parsed.node) : c.bool(parsed.node), c.reads, opts);
  } catch (e) {
    if (e instanceof ExpressionError) return { ok: false, error: { message: e.message, at: e.at } };
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
 * An interest's utility (higher is better), composed from the checked
 * expression it measures — never from new text: `raise` x/scale, `lower`
 * −x/scale, `target` −|x − v|/scale, `band` −(max(0, lo − x) + max(0, x − hi))/scale,
 * `hold` 1 while the condition holds, else 0. Errors are located in the part
 * of `wants` they come from (`path`).
 */
export function compileUtility(wants: WantsSpec, symbols: Symbols, opts: ExpressionOptions = {}): CompileResult<NumFn> & { path?: string[] } {
  const scale = wants.scale ?? 100;
  type Part = { error: ParseError; path: string[] } | { t: Extract<Typed, { type: 'number' }>; reads: WorldReads };
  const part = (src: number | string, path: string[]): Part => {
    const parsed = parseExpression(String(src));
    if (!parsed.ok) return { error: parsed.error, path };
    const c = new Compiler(symbols);
    try {
      return { t: c.num(parsed.node), reads: c.reads };
    } catch (e) {
      if (e instanceof ExpressionError) return { error: { message: e.message, at: e.at }, path };
      throw e;
    }
  };
  const s = literal(scale);
  let r: Part;
  let made: { fn: NumFn; code: string };
  if (wants.raise !== undefined) {
    r = part(wants.raise, ['raise']);
    if ('error' in r) return { ok: false, error: r.error, path: r.path };
    const f = r.t.fn;
    made = { fn: (w) => f(w) / scale, code: `(${r.t.code} / ${s})` };
  } else if (wants.lower !== undefined) {
    r = part(wants.lower, ['lower']);
    if ('error' in r) return { ok: false, error: r.error, path: r.path };
    const f = r.t.fn;
    made = { fn: (w) => -f(w) / scale, code: `((-${r.t.code}) / ${s})` };
  } else if (wants.target !== undefined) {
    r = part(wants.target.of, ['target', 'of']);
    if ('error' in r) return { ok: false, error: r.error, path: r.path };
    const f = r.t.fn;
    const v = wants.target.value;
    made = { fn: (w) => -Math.abs(f(w) - v) / scale, code: `((-Math.abs(${r.t.code} - ${literal(v)})) / ${s})` };
  } else if (wants.band !== undefined) {
    r = part(wants.band.of, ['band', 'of']);
    if ('error' in r) return { ok: false, error: r.error, path: r.path };
    const f = r.t.fn;
    const [lo, hi] = wants.band.within;
    const x = r.t.code;
    made = {
      fn: (w) => {
        const y = f(w);
        return -(Math.max(0, lo - y) + Math.max(0, y - hi)) / scale;
      },
      code: `((-(Math.max(0, ${literal(lo)} - ${x}) + Math.max(0, ${x} - ${literal(hi)}))) / ${s})`,
    };
  } else if (wants.hold !== undefined) {
    const parsed = parseExpression(wants.hold);
    if (!parsed.ok) return { ok: false, error: parsed.error, path: ['hold'] };
    const c = new Compiler(symbols);
    try {
      const t = c.bool(parsed.node);
      const f = t.fn;
      return finish<NumFn>({ fn: (w: World) => (f(w) ? 1 : 0), code: `(${t.code} ? 1 : 0)` }, c.reads, opts);
    } catch (e) {
      if (e instanceof ExpressionError) return { ok: false, error: { message: e.message, at: e.at }, path: ['hold'] };
      throw e;
    }
  } else return { ok: false, error: { message: 'expected one of raise, lower, target, band, hold', at: 0 } };
  return finish<NumFn>(made, r.reads, opts);
}

/** The reads of an expression (checked; an expression that does not check reads "anything"). */
export function expressionReads(src: string | number, symbols: Symbols): WorldReads {
  if (typeof src === 'number') return emptyReads();
  const parsed = parseExpression(src);
  const c = new Compiler(symbols);
  try {
    if (parsed.ok) {
      c.typed(parsed.node);
      return c.reads;
    }
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
  }
  const any = emptyReads();
  any.any = true;
  return any;
}

export { monthText };
