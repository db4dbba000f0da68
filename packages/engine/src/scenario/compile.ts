/**
 * Resolves a validated scenario document into a `CompiledScenario`: checks every
 * cross-reference (parties, indicators, postures, moves, events, outcomes,
 * sources, guards), compiles every expression, and reports each problem as an
 * issue with its path (and, for expressions, the offset of the problem in the text).
 */
import { compileCondition, compileNumber, compileUtility, pairIndex, type BoolFn, type NumFn, type Symbols } from '../expr/compile.js';
import { emptyReads, type WorldReads } from '../expr/reads.js';
import { monthIndex, monthText } from '../expr/parse.js';
import { hashValue } from '../util/hash.js';
import { didYouMean } from '../util/suggest.js';
import { applyOverrides, overridePaths } from './overrides.js';
import type {
  CompiledEffect,
  CompiledEvent,
  CompiledHistoryStep,
  CompiledInterest,
  CompiledMove,
  CompiledOutcome,
  CompiledParty,
  CompiledScenario,
  CompiledTransition,
} from './compiled.js';
import type { IssueCode, ScenarioIssue } from './issues.js';
import { linkActors } from './compile-actors.js';
import { declareMachine, GuardConditions } from '../actors/machines.js';
import { deriveTable } from '../actors/table.js';
import type { Citation, Effects, ScenarioDoc, Wants } from './schema.js';

export interface PlacedIssue extends ScenarioIssue {
  code: IssueCode;
  /** Offset of the problem inside an expression string. */
  exprOffset?: number;
  /** Point at the key naming the entry rather than its value. */
  preferKey?: boolean;
}

type Path = (string | number)[];

const RESERVED = new Set(['turn', 'date', 'true', 'false', 'and', 'or', 'not']);

export class ScenarioCompiler {
  readonly issues: PlacedIssue[] = [];
  readonly symbols: Symbols;
  private readonly partyIds: string[];
  private readonly sourceFiles: Set<string>;

  constructor(private readonly doc: ScenarioDoc) {
    this.partyIds = Object.keys(doc.parties);
    const moves = this.partyIds.map((p) => doc.parties[p]!.moves.map((m) => m.id));
    const moveOffset: number[] = [];
    let offset = 0;
    for (const m of moves) {
      moveOffset.push(offset);
      offset += m.length;
    }
    this.symbols = {
      indicators: Object.keys(doc.indicators),
      parameters: Object.keys(doc.parameters),
      parties: this.partyIds,
      postures: this.partyIds.map((p) => Object.keys(doc.parties[p]!.machine.states)),
      moves,
      moveOffset,
      events: doc.events.map((e) => e.id),
      messages: (doc.messages ?? []).map((m) => m.id),
    };
    this.sourceFiles = new Set(doc.sources.map((s) => s.file));
  }

  issue(code: IssueCode, path: Path, message: string, extra: Partial<PlacedIssue> = {}): void {
    this.issues.push({ code, path, message, ...extra });
  }

  condition(src: string, path: Path, symbols: Symbols = this.symbols): BoolFn | null {
    const r = compileCondition(src, symbols);
    if (r.ok) return r.fn;
    this.issue(r.error.code, path, `${r.error.message} in "${src}"`, { exprOffset: r.error.at });
    return null;
  }

  number(src: number | string, path: Path): NumFn | null {
    if (typeof src === 'number') return () => src;
    const r = compileNumber(src, this.symbols);
    if (r.ok) return r.fn;
    this.issue(r.error.code, path, `${r.error.message} in "${src}"`, { exprOffset: r.error.at });
    return null;
  }

  /** A chance: a number must be a probability (an expression is clamped to [0, 1] when it is used). */
  chance(src: number | string, path: Path): NumFn | null {
    if (typeof src === 'number' && (src < 0 || src > 1)) {
      this.issue('chance-out-of-range', path, `a chance is a probability between 0 and 1, got ${src}`);
      return null;
    }
    return this.number(src, path);
  }

  cites(list: readonly Citation[] | undefined, path: Path): Citation[] {
    (list ?? []).forEach((c, i) => {
      if (!this.sourceFiles.has(c.source))
        this.issue('unknown-source', [...path, i, 'source'], `unknown source "${c.source}": list it under sources${didYouMean(c.source, this.sourceFiles)}`);
    });
    return list ? [...list] : [];
  }

  partyIndex(id: string, path: Path, extra: Partial<PlacedIssue> = {}): number {
    const i = this.partyIds.indexOf(id);
    if (i < 0) this.issue('unknown-party', path, `unknown party "${id}"${didYouMean(id, this.partyIds)}`, extra);
    return i;
  }

  effects(effects: Effects, path: Path): CompiledEffect[] {
    const out: CompiledEffect[] = [];
    const n = this.partyIds.length;
    // Relations are symmetric: rel(a,b) and rel(b,a) are one target, and one block may change it once.
    const relations = new Map<number, string>();
    for (const [key, value] of Object.entries(effects)) {
      const p = [...path, key];
      let target: CompiledEffect['target'] | undefined;
      const rel = /^rel\(\s*([a-z][a-z0-9_]*)\s*,\s*([a-z][a-z0-9_]*)\s*\)$/.exec(key);
      if (rel) {
        const a = this.partyIndex(rel[1]!, p, { preferKey: true });
        const b = this.partyIndex(rel[2]!, p, { preferKey: true });
        if (a >= 0 && b >= 0) {
          if (a === b) this.issue('self-relation', p, `a party has no relation with itself: "${key}"`, { preferKey: true });
          else {
            const k = pairIndex(a, b, n);
            const earlier = relations.get(k);
            if (earlier !== undefined) this.issue('duplicate-relation', p, `"${key}" and "${earlier}" name the same relation (relations are symmetric): change it once in this block`, { preferKey: true });
            else {
              relations.set(k, key);
              target = { kind: 'relation', index: k };
            }
          }
        }
      } else {
        const i = this.symbols.indicators.indexOf(key);
        if (i >= 0) target = { kind: 'indicator', index: i };
        else
          this.issue('unknown-indicator', p, `unknown indicator "${key}"${didYouMean(key, this.symbols.indicators)}; an effect targets an indicator or rel(a,b)`, {
            preferKey: true,
          });
      }
      let op: 'add' | 'set' = 'add';
      let amount: CompiledEffect['amount'] | undefined;
      const fromValue = (v: number | [number, number] | string, vp: Path): CompiledEffect['amount'] | undefined => {
        if (typeof v === 'number') return { kind: 'fixed', value: v };
        if (Array.isArray(v)) {
          if (v[0] > v[1]) {
            this.issue('reversed-range', vp, `range [${v[0]}, ${v[1]}] is reversed: write [low, high]`);
            return undefined;
          }
          return { kind: 'range', lo: v[0], hi: v[1] };
        }
        const fn = this.number(v, vp);
        return fn ? { kind: 'expr', fn } : undefined;
      };
      if (typeof value === 'number' || Array.isArray(value)) amount = fromValue(value, p);
      else if ('add' in value) amount = fromValue(value.add, [...p, 'add']);
      else {
        op = 'set';
        amount = fromValue(value.set, [...p, 'set']);
      }
      if (target && amount) out.push({ key, target, op, amount });
    }
    return out;
  }

  /** An interest's utility and what it reads, from the checked expression it measures (compileUtility). */
  utility(wants: Wants, path: Path): { fn: NumFn; reads: WorldReads } | null {
    if (wants.band !== undefined && wants.band.within[0] > wants.band.within[1])
      this.issue('reversed-range', [...path, 'band', 'within'], `band [${wants.band.within[0]}, ${wants.band.within[1]}] is reversed: write [low, high]`);
    const r = compileUtility(wants, this.symbols);
    if (r.ok) return { fn: r.fn, reads: r.reads };
    const part = r.path ?? [];
    const src = part.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], wants);
    this.issue(r.error.code, [...path, ...part], `${r.error.message} in "${String(src)}"`, { exprOffset: r.error.at });
    return null;
  }

  party(id: string, index: number): CompiledParty {
    const doc = this.doc.parties[id]!;
    const path: Path = ['parties', id];
    const postures = this.symbols.postures[index]!;
    const initial = postures.indexOf(doc.machine.initial);
    if (initial < 0)
      this.issue('unknown-state', [...path, 'machine', 'initial'], `unknown state "${doc.machine.initial}"${didYouMean(doc.machine.initial, postures)}; states are ${postures.join(', ')}`);

    // The scenario's `machine:` section is declared as the party's XState machine; here its references are checked and
    // each guard reference compiled (the machine names it, `guards` holds what it stands for). The table the kernel
    // steps is then read off the machine.
    const guards = new GuardConditions();
    postures.forEach((from) => {
      const state = doc.machine.states[from]!;
      state.on.TURN.forEach((t, k) => {
        const tp: Path = [...path, 'machine', 'states', from, 'on', 'TURN', k];
        const to = postures.indexOf(t.target);
        if (to < 0) this.issue('unknown-state', [...tp, 'target'], `unknown state "${t.target}"${didYouMean(t.target, postures)}; states are ${postures.join(', ')}`);
        if (t.guard && 'when' in t.guard) {
          const test = this.condition(t.guard.when, [...tp, 'guard', 'when']);
          if (test) guards.add({ type: 'when', params: { when: t.guard.when } }, test);
        } else if (t.guard) {
          // Own keys only: a guard called "constructor" must not find Object.prototype's.
          const named = Object.hasOwn(this.doc.guards, t.guard.type) ? this.doc.guards[t.guard.type] : undefined;
          if (!named) {
            this.issue('unknown-guard', [...tp, 'guard', 'type'], `unknown guard "${t.guard.type}"${didYouMean(t.guard.type, Object.keys(this.doc.guards))}; define it under guards`);
          } else {
            const given = Object.keys(t.guard.params);
            const missing = named.params.filter((p) => !given.includes(p));
            const extra = given.filter((p) => !named.params.includes(p));
            const plural = (n: number) => (n === 1 ? 'param' : 'params');
            if (missing.length > 0) this.issue('missing-param', [...tp, 'guard', 'params'], `guard "${t.guard.type}" is missing ${plural(missing.length)} ${missing.join(', ')}`);
            for (const p of extra)
              this.issue('unknown-param', [...tp, 'guard', 'params', p], `guard "${t.guard.type}" has no param ${p}${didYouMean(p, missing)}; it takes ${named.params.join(', ') || 'none'}`, {
                preferKey: true,
              });
            if (missing.length === 0 && extra.length === 0) {
              // Each use is compiled with its own parameter values, once: the turn loop never substitutes.
              const r = compileCondition(named.when, { ...this.symbols, placeholders: t.guard.params });
              if (r.ok) guards.add({ type: t.guard.type, params: t.guard.params }, r.fn);
              else this.issue(r.error.code, ['guards', t.guard.type, 'when'], `${r.error.message} in "${named.when}"`, { exprOffset: r.error.at });
            }
          }
        }
        if (t.guard === undefined && k < state.on.TURN.length - 1)
          this.issue(
            'shadowed-transition',
            tp,
            `this transition has no guard, so it always fires and ${k === state.on.TURN.length - 2 ? 'the transition' : `the ${state.on.TURN.length - 1 - k} transitions`} after it never can`,
          );
        this.cites(t.cite, [...tp, 'cite']);
      });
      // Transitions on receiving a message: the other keys of `on` (each a message id, checked in compile-actors.ts).
      for (const [event, list] of Object.entries(state.on)) {
        if (event === 'TURN') continue;
        (list ?? []).forEach((t, k) => {
          const tp: Path = [...path, 'machine', 'states', from, 'on', event, k];
          const to = postures.indexOf(t.target);
          if (to < 0) this.issue('unknown-state', [...tp, 'target'], `unknown state "${t.target}"${didYouMean(t.target, postures)}; states are ${postures.join(', ')}`);
          if (t.guard && !('when' in t.guard)) this.issue('guard-not-inline', [...tp, 'guard'], 'a transition on a message takes an inline guard ({ when: "…" })');
          if (t.guard && 'when' in t.guard) {
            const test = this.condition(t.guard.when, [...tp, 'guard', 'when']);
            if (test) guards.add({ type: 'when', params: { when: t.guard.when } }, test);
          }
          this.cites(t.cite, [...tp, 'cite']);
        });
      }
      this.cites(state.cite, [...path, 'machine', 'states', from, 'cite']);
    });
    const machine = declareMachine(id, doc.machine, guards, doc.description);
    const transitions = deriveTable(machine, guards, 'TURN');
    const onMessage = postures.map(() => new Map<number, CompiledTransition[]>());
    (this.doc.messages ?? []).forEach((m, k) => {
      deriveTable(machine, guards, m.id).forEach((list, from) => {
        if (list.length > 0) onMessage[from]!.set(k, list);
      });
    });
    const all: CompiledTransition[] = transitions.flat().sort((a, b) => a.index - b.index);
    // Unreachable postures are almost always a typo in a target or a missing transition.
    if (initial >= 0) {
      const seen = new Set([initial]);
      const queue = [initial];
      while (queue.length > 0) {
        const s = queue.pop()!;
        for (const t of transitions[s]!)
          if (t.to >= 0 && !seen.has(t.to)) {
            seen.add(t.to);
            queue.push(t.to);
          }
      }
      postures.forEach((p, i) => {
        if (!seen.has(i)) this.issue('unreachable-state', [...path, 'machine', 'states', p], `state "${p}" is unreachable from the initial state "${doc.machine.initial}"`, { preferKey: true });
      });
    }

    const interestIds = new Map<string, number>();
    const interests: CompiledInterest[] = [];
    doc.interests.forEach((it, k) => {
      const ip: Path = [...path, 'interests', k];
      if (interestIds.has(it.id)) this.issue('duplicate-id', [...ip, 'id'], `duplicate interest id "${it.id}" in ${id}: interests[${interestIds.get(it.id)}] has it too`);
      else interestIds.set(it.id, k);
      let weights: number[];
      if (typeof it.weight === 'number') weights = postures.map(() => it.weight as number);
      else {
        const map = it.weight;
        for (const key of Object.keys(map))
          if (key !== 'default' && !postures.includes(key))
            this.issue('unknown-posture', [...ip, 'weight', key], `unknown posture "${key}"${didYouMean(key, postures)}; use "default" or a posture of ${id}`, { preferKey: true });
        // Own keys only: a posture called "constructor" must not read Object.prototype's.
        const own = (k: string): number | undefined => (Object.hasOwn(map, k) ? map[k] : undefined);
        const missing = postures.filter((p) => own(p) === undefined);
        if (own('default') === undefined && missing.length > 0)
          this.issue('missing-weight', [...ip, 'weight'], `no weight for posture${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'} or a "default"`);
        weights = postures.map((p) => own(p) ?? own('default') ?? 0);
      }
      const utility = this.utility(it.wants, [...ip, 'wants']);
      interests.push({ id: it.id, text: it.text, weights, utility: utility?.fn ?? (() => 0), reads: utility?.reads ?? emptyReads(), cite: this.cites(it.cite, [...ip, 'cite']) });
    });

    const moveIds = new Map<string, number>();
    const moves: CompiledMove[] = doc.moves.map((m, k) => {
      const mp: Path = [...path, 'moves', k];
      if (moveIds.has(m.id)) this.issue('duplicate-id', [...mp, 'id'], `duplicate move id "${m.id}" in ${id}: moves[${moveIds.get(m.id)}] has it too`);
      else moveIds.set(m.id, k);
      const allowed = postures.map(() => m.postures === undefined);
      (m.postures ?? []).forEach((p, j) => {
        const pi = postures.indexOf(p);
        if (pi < 0) this.issue('unknown-posture', [...mp, 'postures', j], `unknown posture "${p}" of ${id}${didYouMean(p, postures)}`);
        else allowed[pi] = true;
      });
      if (m.failure !== undefined && m.chance === undefined)
        this.issue('failure-without-chance', [...mp, 'failure'], 'failure effects need a chance of success (chance: …)');
      return {
        id: m.id,
        label: m.label,
        ...(m.description === undefined ? {} : { description: m.description }),
        index: k,
        global: this.symbols.moveOffset[index]! + k,
        postures: allowed,
        when: m.when === undefined ? null : this.condition(m.when, [...mp, 'when']),
        ...(m.when === undefined ? {} : { whenText: m.when }),
        chance: m.chance === undefined ? null : this.chance(m.chance, [...mp, 'chance']),
        effects: this.effects(m.effects, [...mp, 'effects']),
        failure: m.failure ? this.effects(m.failure, [...mp, 'failure']) : [],
        // Messages, reactions, exclusions and visibility are linked once every party is known (compile-actors.ts).
        sends: [],
        reactsTo: [],
        excludes: null,
        excludedBy: [],
        visibleTo: null,
        cite: this.cites(m.cite, [...mp, 'cite']),
      };
    });

    let idle = -1;
    if (doc.idle !== undefined) {
      idle = doc.moves.findIndex((m) => m.id === doc.idle);
      if (idle < 0) this.issue('unknown-move', [...path, 'idle'], `unknown move "${doc.idle}" of ${id}${didYouMean(doc.idle, doc.moves.map((m) => m.id))}`);
    }
    return {
      id,
      index,
      idle,
      name: doc.name,
      seat: doc.seat,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      horizon: doc.horizon ?? 1,
      discount: doc.discount ?? 0.9,
      hidden: [],
      postureVisibleTo: null,
      onMessage,
      temperature: this.number(doc.temperature, [...path, 'temperature']) ?? (() => 0),
      noise: this.number(doc.noise, [...path, 'noise']) ?? (() => 0),
      postures: [...postures],
      postureLabels: postures.map((p) => doc.machine.states[p]!.label ?? p),
      initial: Math.max(0, initial),
      machine,
      transitions,
      allTransitions: all,
      interests,
      moves,
      cite: this.cites(doc.cite, [...path, 'cite']),
    };
  }

  compile(): CompiledScenario {
    const doc = this.doc;
    const s = this.symbols;
    // Names share one namespace in expressions, so a clash would make one of them unreachable.
    for (const id of s.indicators) {
      if (RESERVED.has(id)) this.issue('reserved-name', ['indicators', id], `"${id}" is a reserved word in expressions; rename the indicator`, { preferKey: true });
      if (s.parameters.includes(id)) this.issue('name-clash', ['parameters', id], `"${id}" is both an indicator and a parameter; expressions could not tell them apart`, { preferKey: true });
    }
    for (const id of s.parameters) if (RESERVED.has(id)) this.issue('reserved-name', ['parameters', id], `"${id}" is a reserved word in expressions; rename the parameter`, { preferKey: true });
    if (this.partyIds.length === 0) this.issue('no-parties', ['parties'], 'a scenario needs at least one party');

    const seenSources = new Set<string>();
    doc.sources.forEach((src, i) => {
      if (seenSources.has(src.file)) this.issue('duplicate-value', ['sources', i, 'file'], `source "${src.file}" is listed twice`);
      seenSources.add(src.file);
    });
    for (const [id, ind] of Object.entries(doc.indicators)) this.cites(ind.cite, ['indicators', id, 'cite']);

    const n = this.partyIds.length;
    const relInitial = new Array<number>(Math.max(0, (n * (n - 1)) / 2)).fill(doc.relations.default);
    const pairs: [number, number][] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
    if (doc.relations.min >= doc.relations.max) this.issue('reversed-range', ['relations', 'min'], `min (${doc.relations.min}) must be below max (${doc.relations.max})`);
    const seenPairs = new Set<number>();
    doc.relations.initial.forEach((r, i) => {
      const p: Path = ['relations', 'initial', i];
      const a = this.partyIndex(r.between[0], [...p, 'between', 0]);
      const b = this.partyIndex(r.between[1], [...p, 'between', 1]);
      if (a < 0 || b < 0) return;
      if (a === b) {
        this.issue('self-relation', [...p, 'between'], 'a relation needs two different parties');
        return;
      }
      const k = pairIndex(a, b, n);
      if (seenPairs.has(k)) this.issue('duplicate-relation', [...p, 'between'], `the relation ${r.between[0]}–${r.between[1]} is set twice`);
      seenPairs.add(k);
      if (r.value < doc.relations.min || r.value > doc.relations.max)
        this.issue('value-out-of-range', [...p, 'value'], `${r.value} is outside the relation range [${doc.relations.min}, ${doc.relations.max}]`);
      relInitial[k] = r.value;
      this.cites(r.cite, [...p, 'cite']);
    });

    for (const [gid, g] of Object.entries(doc.guards)) {
      // Check the named guard once with dummy values, so an error is reported even when no transition uses it.
      const placeholders = Object.fromEntries(g.params.map((p) => [p, 0]));
      const r = compileCondition(g.when, { ...s, placeholders });
      if (!r.ok && !this.issues.some((i) => i.path[0] === 'guards' && i.path[1] === gid))
        this.issue(r.error.code, ['guards', gid, 'when'], `${r.error.message} in "${g.when}"`, { exprOffset: r.error.at });
    }

    const parties = this.partyIds.map((id, i) => this.party(id, i));

    const start = monthIndex(doc.calendar.start);
    const last = start + (doc.calendar.turns - 1) * doc.calendar.step;
    const eventIds = new Map<string, number>();
    const events: CompiledEvent[] = doc.events.map((e, i) => {
      const p: Path = ['events', i];
      if (eventIds.has(e.id)) this.issue('duplicate-id', [...p, 'id'], `duplicate event id "${e.id}": events[${eventIds.get(e.id)}] has it too`);
      else eventIds.set(e.id, i);
      let at: number | null = null;
      if (e.at !== undefined) {
        at = monthIndex(e.at);
        if (at < start || at > last) this.issue('date-outside-calendar', [...p, 'at'], `${e.at} is outside the scenario's calendar (turns run from ${doc.calendar.start} to ${monthText(last)})`);
        else if ((at - start) % doc.calendar.step !== 0) this.issue('date-between-turns', [...p, 'at'], `${e.at} is not the date of any turn (turns are ${doc.calendar.step} months apart)`);
      }
      return {
        id: e.id,
        label: e.label,
        ...(e.description === undefined ? {} : { description: e.description }),
        index: i,
        at,
        chance: e.chance === undefined ? null : this.chance(e.chance, [...p, 'chance']),
        when: e.when === undefined ? null : this.condition(e.when, [...p, 'when']),
        repeat: e.repeat,
        recurring: e.recurring,
        effects: this.effects(e.effects, [...p, 'effects']),
        cite: this.cites(e.cite, [...p, 'cite']),
      };
    });

    const outcomeIds = new Map<string, number>();
    const everOutcomes: string[] = [];
    const outcomes: CompiledOutcome[] = doc.outcomes.map((o, i): CompiledOutcome => {
      const p: Path = ['outcomes', i];
      if (outcomeIds.has(o.id)) this.issue('duplicate-id', [...p, 'id'], `duplicate outcome id "${o.id}": outcomes[${outcomeIds.get(o.id)}] has it too`);
      else outcomeIds.set(o.id, i);
      switch (o.type) {
        case 'boolean': {
          const when = this.condition(o.when, [...p, 'when']) ?? (() => false);
          const everIndex = o.over === 'ever' ? everOutcomes.push(o.id) - 1 : -1;
          return { id: o.id, label: o.label, type: 'boolean', over: o.over, index: i, when, everIndex };
        }
        case 'category': {
          const seen = new Set<string>();
          o.values.forEach((v, j) => {
            if (seen.has(v)) this.issue('duplicate-value', [...p, 'values', j], `value "${v}" is listed twice`);
            seen.add(v);
          });
          o.cases.forEach((c, j) => {
            if (!seen.has(c.value)) this.issue('unknown-value', [...p, 'cases', j, 'value'], `"${c.value}" is not one of the values ${o.values.join(', ')}${didYouMean(c.value, o.values)}`);
          });
          if (!seen.has(o.default)) this.issue('unknown-value', [...p, 'default'], `"${o.default}" is not one of the values ${o.values.join(', ')}${didYouMean(o.default, o.values)}`);
          return {
            id: o.id,
            label: o.label,
            type: 'category',
            values: o.values,
            cases: o.cases.map((c, j) => ({ when: this.condition(c.when, [...p, 'cases', j, 'when']) ?? (() => false), value: c.value })),
            default: o.default,
            index: i,
          };
        }
        case 'number':
          return { id: o.id, label: o.label, type: 'number', value: this.number(o.value, [...p, 'value']) ?? (() => 0), index: i };
        default:
          throw new Error(`internal: an outcome of unknown type ${(o as { type: string }).type}`);
      }
    });

    const end = doc.end ? this.condition(doc.end.when, ['end', 'when']) : null;

    const seenSteps = new Set<string>();
    const history: CompiledHistoryStep[] = [];
    doc.history.forEach((h, i) => {
      const p: Path = ['history', i];
      const month = monthIndex(h.date);
      if (month < start || month > last) this.issue('date-outside-calendar', [...p, 'date'], `${h.date} is outside the scenario's calendar (turns run from ${doc.calendar.start} to ${monthText(last)})`);
      else if ((month - start) % doc.calendar.step !== 0) this.issue('date-between-turns', [...p, 'date'], `${h.date} is not the date of any turn (turns are ${doc.calendar.step} months apart)`);
      const party = this.partyIndex(h.party, [...p, 'party']);
      if (party < 0) return;
      const move = this.symbols.moves[party]!.indexOf(h.move);
      if (move < 0) {
        this.issue('unknown-move', [...p, 'move'], `unknown move "${h.move}" of ${h.party}${didYouMean(h.move, this.symbols.moves[party]!)}`);
        return;
      }
      const key = `${h.date}/${h.party}`;
      if (seenSteps.has(key)) this.issue('duplicate-history-move', [...p, 'party'], `${h.party} already has a historical move in ${h.date}: a party makes one move a turn`);
      seenSteps.add(key);
      history.push({ month, date: h.date, party, move, ...(h.note === undefined ? {} : { note: h.note }), cite: this.cites(h.cite, [...p, 'cite']) });
    });
    history.sort((a, b) => a.month - b.month || a.party - b.party);
    // Calibration targets name real numbers, over ranges they may take (checked at both ends).
    const paths = new Set(overridePaths(doc));
    (doc.calibration ?? []).forEach((c, i) => {
      const p: Path = ['calibration', i];
      if (!paths.has(c.path)) {
        this.issue('unknown-path', [...p, 'path'], `unknown path "${c.path}"${didYouMean(c.path, paths)}; \`wargame inspect <scenario> --paths\` lists them`);
        return;
      }
      if (c.range[0] >= c.range[1]) {
        this.issue('reversed-range', [...p, 'range'], `range [${c.range[0]}, ${c.range[1]}] is empty or reversed: write [low, high]`);
        return;
      }
      for (const end of c.range) {
        const r = applyOverrides(doc, { [c.path]: end });
        if (!r.ok) this.issue('value-out-of-range', [...p, 'range'], r.message);
      }
    });
    const streams = ['events', ...this.partyIds.flatMap((p) => [`policy:${p}`, `effects:${p}`])];

    const compiled: CompiledScenario = {
      id: doc.id,
      title: doc.title,
      hash: hashValue(doc),
      doc,
      symbols: s,
      calendar: { start, turns: doc.calendar.turns, step: doc.calendar.step },
      indicators: Object.entries(doc.indicators).map(([id, ind]) => ({
        id,
        label: ind.label,
        ...(ind.description === undefined ? {} : { description: ind.description }),
        ...(ind.unit === undefined ? {} : { unit: ind.unit }),
        min: ind.min,
        max: ind.max,
        initial: ind.initial,
        key: ind.key,
        visibleTo: null,
        of: -1,
      })),
      parameters: Object.entries(doc.parameters).map(([id, p]) => ({
        id,
        label: p.label,
        description: p.description,
        min: p.min,
        max: p.max,
        default: p.default,
        integer: p.integer,
      })),
      relations: { min: doc.relations.min, max: doc.relations.max, initial: relInitial, pairs },
      parties,
      events,
      outcomes,
      everOutcomes,
      end,
      moveCount: parties.reduce((sum, p) => sum + p.moves.length, 0),
      streams,
      outcomeDocs: doc.outcomes,
      history,
      messages: [],
      features: { messages: false, exclusions: false, beliefs: false },
    };
    linkActors(this, doc, compiled);
    return compiled;
  }
}

/** Compiles a schema-valid document; returns the compiled scenario and any reference or expression issues. */
export function compileScenarioDoc(doc: ScenarioDoc): { scenario: CompiledScenario; issues: PlacedIssue[] } {
  const c = new ScenarioCompiler(doc);
  const scenario = c.compile();
  return { scenario, issues: c.issues };
}

/**
 * Compiles effects that arrive at play time (a facilitator's custom inject or
 * adjudication) against a loaded scenario, with the same checks as the file's.
 */
export function compileEffects(
  scenario: CompiledScenario,
  effects: Effects,
): { ok: true; effects: CompiledEffect[] } | { ok: false; message: string } {
  const c = new ScenarioCompiler(scenario.doc);
  const compiled = c.effects(effects, []);
  if (c.issues.length > 0) return { ok: false, message: c.issues.map((i) => (i.path.length > 0 ? `${String(i.path.at(-1))}: ${i.message}` : i.message)).join('; ') };
  return { ok: true, effects: compiled };
}
