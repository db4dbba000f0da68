/**
 * A small, slow, obviously correct interpreter of the rules of a turn, written
 * from the documented rules (docs/architecture.md "The turn") and independent
 * of the engine's kernel: no sparse look-ahead, no jumping draws, no run
 * context, no scratch. It shares only the expression functions the scenario
 * compiled to (checked elsewhere against their closures) and createInitialState.
 *
 * It covers the core rules: events (scheduled with `when`, recurring, random
 * with clamped chances, injected), postures (first enabled transition, as
 * declared), the one-step policy (every interest, expected amounts, expected
 * value over success and failure, noise for every declared move in order,
 * softmax, inverse-CDF pick), simultaneous resolution, bookkeeping, the
 * finite-number rule, human choices and the history track. The actor features
 * (messages, beliefs, planning, exclusions) are checked by test/actors.test.ts.
 */
import seedrandom from 'seedrandom';
import { compileCondition, type CompiledEffect, type CompiledScenario, type GameState, type World } from '@wargame/engine';

type BoolFn = (w: World) => boolean;

type Alea = { c: number; s0: number; s1: number; s2: number };

/** One draw of a stream, through seedrandom's own Alea (not the engine's inlined copy). */
function aleaDraw(state: Alea): number {
  const prng = seedrandom.alea('', { state: { ...state } });
  const u = prng();
  Object.assign(state, prng.state());
  return u;
}

/** mulberry32 from a uniform, drawn one after another. */
function generator(u: number): () => number {
  let a = Math.floor(u * 4294967296) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(next: () => number): number {
  const u1 = next() || 1e-12;
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const finite = (x: number) => (Number.isNaN(x) ? 0 : Math.max(-1e15, Math.min(1e15, x)));
const clamp01 = (c: number) => (Number.isNaN(c) ? 0 : Math.max(0, Math.min(1, c)));

function bounds(s: CompiledScenario, e: CompiledEffect): [number, number] {
  return e.target.kind === 'indicator' ? [s.indicators[e.target.index]!.min, s.indicators[e.target.index]!.max] : [s.relations.min, s.relations.max];
}
function get(w: GameState, e: CompiledEffect): number {
  return e.target.kind === 'indicator' ? w.ind[e.target.index]! : w.rel[e.target.index]!;
}
function put(s: CompiledScenario, w: GameState, e: CompiledEffect, v: number): void {
  const [lo, hi] = bounds(s, e);
  const x = round6(Math.min(hi, Math.max(lo, finite(v))));
  if (e.target.kind === 'indicator') w.ind[e.target.index] = x;
  else w.rel[e.target.index] = x;
}
function copy(w: GameState): GameState {
  return JSON.parse(JSON.stringify(w)) as GameState;
}

/** Each party's declared TURN transitions, with guards compiled from the document (not the engine's table). */
function declaredTransitions(s: CompiledScenario): { to: number; guard: BoolFn | null }[][][] {
  return s.parties.map((party) => {
    const doc = s.doc.parties[party.id]!.machine;
    return party.postures.map((posture) =>
      doc.states[posture]!.on.TURN.map((t) => {
        let guard: BoolFn | null = null;
        if (t.guard && 'when' in t.guard) {
          const r = compileCondition(t.guard.when, s.symbols);
          if (!r.ok) throw new Error(r.error.message);
          guard = r.fn;
        } else if (t.guard) {
          const named = s.doc.guards[t.guard.type]!;
          const r = compileCondition(named.when, { ...s.symbols, placeholders: t.guard.params });
          if (!r.ok) throw new Error(r.error.message);
          guard = r.fn;
        }
        return { to: party.postures.indexOf(t.target), guard };
      }),
    );
  });
}

export interface ReferenceInputs {
  choices?: Record<string, string>;
  history?: boolean;
  injectEvents?: string[];
}

/** The state after one turn. */
export function referenceTurn(s: CompiledScenario, state: GameState, inputs: ReferenceInputs = {}): GameState {
  const w = copy(state);
  const stream = (name: string) => w.rng[s.streams.indexOf(name)]! as Alea;
  const before = { ind: w.ind.slice() };
  void before;

  // 1. Events, one after another, each settling its amounts before applying them.
  const ev = generator(aleaDraw(stream('events')));
  const fire = (effects: readonly CompiledEffect[], index: number) => {
    const amounts = effects.map((e) => round6(finite(e.amount.kind === 'fixed' ? e.amount.value : e.amount.kind === 'range' ? e.amount.lo + (e.amount.hi - e.amount.lo) * ev() : e.amount.fn(w))));
    effects.forEach((e, i) => {
      put(s, w, e, e.op === 'set' ? amounts[i]! : get(w, e) + amounts[i]!);
    });
    if (index >= 0) w.eventCount[index]! += 1;
  };
  for (const e of s.events) {
    if (e.at !== null) {
      // Once injected before its date, a scheduled event has happened: it does not fire again.
      if (e.at === w.month && w.eventCount[e.index] === 0 && (e.when === null || e.when(w))) fire(e.effects, e.index);
    } else if (e.recurring) {
      if (e.when === null || e.when(w)) fire(e.effects, e.index);
    } else if (e.chance !== null) {
      const u = ev();
      if (!inputs.history && (e.repeat || w.eventCount[e.index] === 0) && (e.when === null || e.when(w)) && u < clamp01(e.chance(w))) fire(e.effects, e.index);
    }
  }
  for (const id of inputs.injectEvents ?? []) {
    const e = s.events.find((x) => x.id === id)!;
    fire(e.effects, e.index);
  }

  // 2. Postures: every party from the same world.
  const table = declaredTransitions(s);
  const next = s.parties.map((_, p) => {
    const t = table[p]![w.posture[p]!]!.find((x) => x.guard === null || x.guard(w));
    return t ? t.to : w.posture[p]!;
  });
  next.forEach((v, p) => {
    w.posture[p] = v;
  });

  // 3. Choices, all from the same world.
  const chosen = s.parties.map((party, p) => {
    const draw = generator(aleaDraw(stream(`policy:${party.id}`)));
    const u = draw();
    const noise = party.moves.map(() => normal(draw));
    const posture = w.posture[p]!;
    const available = party.moves.filter((m) => m.postures[posture] && (m.when === null || m.when(w)) && m.reactsTo.length === 0);
    const temperature = Math.max(0, finite(party.temperature(w)));
    const sd = Math.max(0, finite(party.noise(w)));
    const utilities = available.map((m) => {
      const value = (effects: readonly CompiledEffect[]) => {
        const after = copy(w);
        for (const e of effects) {
          const a = e.amount.kind === 'fixed' ? e.amount.value : e.amount.kind === 'range' ? (e.amount.lo + e.amount.hi) / 2 : finite(e.amount.fn(w));
          put(s, after, e, e.op === 'set' ? a : get(after, e) + a);
        }
        after.moveCount[m.global]! += 1;
        after.lastMove[p] = m.index;
        return party.interests.map((it) => it.weights[posture]! * (finite(it.utility(after)) - finite(it.utility(w))));
      };
      const c = m.chance === null ? 1 : clamp01(m.chance(w));
      const ok = value(m.effects);
      const byInterest = c < 1 ? value(m.failure).map((f, k) => c * ok[k]! + (1 - c) * f) : ok;
      return byInterest.reduce((a, b) => a + b, 0) + sd * noise[m.index]!;
    });
    let pick = -1;
    if (available.length > 0) {
      let best = 0;
      utilities.forEach((v, i) => {
        if (v > utilities[best]!) best = i;
      });
      let probs: number[];
      if (!(temperature > 1e-9)) probs = utilities.map((_, i) => (i === best ? 1 : 0));
      else {
        const ex = utilities.map((v) => Math.exp((v - utilities[best]!) / temperature));
        const sum = ex.reduce((a, b) => a + b, 0);
        probs = ex.map((x) => x / sum);
      }
      let acc = 0;
      pick = probs.findIndex((q) => {
        acc += q;
        return acc > u;
      });
      if (pick < 0) pick = probs.reduce((last, q, i) => (q > 0 ? i : last), probs.length - 1);
      pick = available[pick]!.index;
    }
    const human = inputs.choices?.[party.id];
    if (human !== undefined) return { move: party.moves.findIndex((m) => m.id === human), recorded: false };
    if (inputs.history) {
      const step = s.history.find((h) => h.month === w.month && h.party === p);
      if (step) return { move: step.move, recorded: true };
      if (party.idle >= 0) {
        const idle = party.moves[party.idle]!;
        return { move: idle.postures[posture] && (idle.when === null || idle.when(w)) ? party.idle : -1, recorded: false };
      }
    }
    return { move: pick, recorded: false };
  });

  // 4. Simultaneous resolution: amounts settled against the same world, then per target the last set plus every add.
  const sets = new Map<string, { e: CompiledEffect; v: number }>();
  const adds = new Map<string, { e: CompiledEffect; v: number }>();
  s.parties.forEach((party, p) => {
    const draw = generator(aleaDraw(stream(`effects:${party.id}`)));
    const u = draw();
    const c = chosen[p]!;
    if (c.move < 0) return;
    const m = party.moves[c.move]!;
    const success = c.recorded || m.chance === null || u < clamp01(m.chance(w));
    for (const e of success ? m.effects : m.failure) {
      const a = round6(finite(e.amount.kind === 'fixed' ? e.amount.value : e.amount.kind === 'range' ? e.amount.lo + (e.amount.hi - e.amount.lo) * draw() : e.amount.fn(w)));
      const key = `${e.target.kind}${e.target.index}`;
      if (e.op === 'set') sets.set(key, { e, v: a });
      else adds.set(key, { e, v: (adds.get(key)?.v ?? 0) + a });
    }
    w.moveCount[m.global]! += 1;
  });
  for (const key of new Set([...sets.keys(), ...adds.keys()])) {
    const e = (sets.get(key) ?? adds.get(key))!.e;
    put(s, w, e, (sets.has(key) ? sets.get(key)!.v : get(w, e)) + (adds.get(key)?.v ?? 0));
  }
  chosen.forEach((c, p) => {
    w.lastMove[p] = c.move;
  });

  // 4b. Reactions: nothing is sent here (the reference has no messages), but where a scenario declares
  // messages every party's react stream still draws once a turn.
  for (const party of s.parties) if (s.streams.includes(`react:${party.id}`)) aleaDraw(stream(`react:${party.id}`));

  // 5. Bookkeeping.
  for (const o of s.outcomes) if (o.type === 'boolean' && o.over === 'ever' && w.ever[o.everIndex]! < 0 && o.when(w)) w.ever[o.everIndex] = w.turn + 1;
  w.turn += 1;
  w.month += s.calendar.step;
  w.ended = w.turn >= s.calendar.turns || s.end?.(w) === true;
  return w;
}
