/**
 * Turns a type-checked expression into one JavaScript function, so evaluating
 * it is straight-line array reads and arithmetic instead of a tree of closure
 * calls (a third of a batch run's time went into those calls).
 *
 * Safe by construction: it runs only after the compiler accepted the tree, and
 * it emits nothing from the scenario's text — every name becomes an array index
 * resolved here, every literal a finite number printed by `String`. The result
 * has the same semantics as the closures in compile.ts (a test compares them).
 */
import { pairIndex, type Symbols } from './compile.js';
import type { Node } from './parse.js';

class Unsupported extends Error {}

function literal(v: number): string {
  if (!Number.isFinite(v)) throw new Unsupported('non-finite literal');
  // Parenthesised so a negative or exponent form never fuses with a neighbouring operator.
  return `(${String(v)})`;
}

function index(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new Unsupported('bad index');
  return String(i);
}

class Generator {
  constructor(private readonly s: Symbols) {}

  private party(node: Node | undefined): number {
    if (node?.kind !== 'name') throw new Unsupported('party');
    const i = this.s.parties.indexOf(node.name);
    if (i < 0) throw new Unsupported('party');
    return i;
  }

  /** A posture(p) or last(p) call, which compares with a bare name of that party's postures or moves. */
  private named(node: Node): { kind: 'posture' | 'move'; party: number; code: string } | null {
    if (node.kind !== 'call' || (node.name !== 'posture' && node.name !== 'last')) return null;
    const p = this.party(node.args[0]);
    return node.name === 'posture' ? { kind: 'posture', party: p, code: `w.posture[${index(p)}]` } : { kind: 'move', party: p, code: `w.lastMove[${index(p)}]` };
  }

  gen(node: Node): string {
    switch (node.kind) {
      case 'num':
        return literal(node.value);
      case 'month':
        return literal(node.value);
      case 'bool':
        return node.value ? 'true' : 'false';
      case 'param': {
        const values = this.s.placeholders ?? {};
        if (!Object.hasOwn(values, node.name)) throw new Unsupported('placeholder');
        return literal(values[node.name]!);
      }
      case 'name': {
        if (node.name === 'turn') return 'w.turn';
        if (node.name === 'date') return 'w.month';
        const ind = this.s.indicators.indexOf(node.name);
        if (ind >= 0) return `w.ind[${index(ind)}]`;
        const par = this.s.parameters.indexOf(node.name);
        if (par >= 0) return `w.params[${index(par)}]`;
        throw new Unsupported('bare name');
      }
      case 'unary':
        return node.op === 'not' ? `(!${this.gen(node.arg)})` : `(-${this.gen(node.arg)})`;
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node);
    }
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): string {
    const { op } = node;
    if (op === 'and') return `(${this.gen(node.left)} && ${this.gen(node.right)})`;
    if (op === 'or') return `(${this.gen(node.left)} || ${this.gen(node.right)})`;
    if (op === '/') return `div(${this.gen(node.left)}, ${this.gen(node.right)})`;
    if (op === '+' || op === '-' || op === '*') return `(${this.gen(node.left)} ${op} ${this.gen(node.right)})`;
    const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
    const l = this.named(node.left);
    const r = this.named(node.right);
    const side = (a: NonNullable<typeof l>, other: Node): string => {
      if (other.kind === 'name') {
        const names = a.kind === 'posture' ? this.s.postures[a.party]! : this.s.moves[a.party]!;
        const i = names.indexOf(other.name);
        if (i < 0) throw new Unsupported('posture or move name');
        return index(i);
      }
      const b = this.named(other);
      if (!b || b.kind !== a.kind || b.party !== a.party) throw new Unsupported('posture comparison');
      return b.code;
    };
    if (l) return `(${l.code} ${js} ${side(l, node.right)})`;
    if (r) return `(${side(r, node.left)} ${js} ${r.code})`;
    return `(${this.gen(node.left)} ${js} ${this.gen(node.right)})`;
  }

  private call(node: Extract<Node, { kind: 'call' }>): string {
    const n = this.s.parties.length;
    switch (node.name) {
      case 'rel':
        return `w.rel[${index(pairIndex(this.party(node.args[0]), this.party(node.args[1]), n))}]`;
      case 'made':
      case 'times': {
        const p = this.party(node.args[0]);
        const m = node.args[1]?.kind === 'name' ? this.s.moves[p]!.indexOf(node.args[1].name) : -1;
        if (m < 0) throw new Unsupported('move');
        const read = `w.moveCount[${index(this.s.moveOffset[p]! + m)}]`;
        return node.name === 'made' ? `(${read} > 0)` : read;
      }
      case 'happened': {
        const arg = node.args[0];
        const e = arg?.kind === 'name' ? this.s.events.indexOf(arg.name) : -1;
        if (e < 0) throw new Unsupported('event');
        return `(w.eventCount[${index(e)}] > 0)`;
      }
      case 'agreed':
      case 'broken': {
        const p = this.party(node.args[0]);
        const arg = node.args[1];
        const m = arg?.kind === 'name' ? (this.s.messages ?? []).indexOf(arg.name) : -1;
        if (m < 0) throw new Unsupported('message');
        const k = index(m * this.s.parties.length + p);
        return node.name === 'agreed' ? `((w.agreed?.[${k}] ?? -1) >= 0)` : `((w.broken?.[${k}] ?? 0) > 0)`;
      }
      case 'abs':
        return `Math.abs(${this.gen(node.args[0]!)})`;
      case 'min':
      case 'max': {
        // Pairwise, left to right, exactly as the closure folds.
        let code = this.gen(node.args[0]!);
        for (let i = 1; i < node.args.length; i++) code = `Math.${node.name}(${code}, ${this.gen(node.args[i]!)})`;
        return code;
      }
      case 'clamp':
        return `Math.min(${this.gen(node.args[2]!)}, Math.max(${this.gen(node.args[1]!)}, ${this.gen(node.args[0]!)}))`;
      default:
        throw new Unsupported(`function ${node.name}`);
    }
  }
}

/** Division by zero yields 0, as in the closures. */
function div(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * The expression as one function, or null when something is not supported
 * (the caller then keeps the closures) or the platform forbids `Function`.
 */
export function generateFunction<F>(node: Node, symbols: Symbols): F | null {
  try {
    const body = new Generator(symbols).gen(node);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from indices and numbers only (see above)
    return new Function('div', `"use strict"; return (w) => ${body};`)(div) as F;
  } catch {
    return null;
  }
}
