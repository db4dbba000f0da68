/**
 * The briefing a player reads before each turn, as plain data: the date, key
 * indicators with their history, the player's relations, last turn's news
 * (events and every party's move, each with the source passage behind it) and
 * the moves the player can make with their expected effects.
 */
import { beginTurn, logFor, monthText, viewOf, type Citation, type CompiledEffect, type CompiledScenario, type DecisionContext, type GameState, type PendingReply, type Session, type TurnLog, type Wants, type WorldReads } from '@wargame/engine';
import { formatSigned, formatValue } from './format.js';

export interface IndicatorRow {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  /** Change over the last turn. */
  change: number;
  /** Values from the first state to now. */
  series: number[];
  unit?: string;
  /** The value is the party's belief about an indicator it cannot see. */
  belief?: boolean;
}

export interface RelationRow {
  /** The other party's id and name. */
  id: string;
  name: string;
  value: number;
  change: number;
  series: number[];
}

export interface Quote {
  text: string;
  source: string;
  /** What the passage is: a fact the text reports, the author's analysis, a recommendation or an allegation. */
  kind?: Citation['kind'];
}

export interface NewsItem {
  kind: 'event' | 'move';
  headline: string;
  /** A second line: a posture change, a failure, the record a move follows. */
  detail?: string;
  quotes: Quote[];
  /** The player's own move. */
  mine: boolean;
}

export interface MoveOption {
  id: string;
  label: string;
  description?: string;
  /** Expected effects as a person reads them: "Border tension −3". */
  effects: string[];
  /** Chance of success, when the move can fail. */
  chance?: number;
  failure: string[];
  /** This is the move the history track records for the player at this date. */
  onRecord: boolean;
  quotes: Quote[];
}

export interface Briefing {
  scenarioTitle: string;
  party: { id: string; name: string; posture: string };
  date: string;
  /** 1-based number of the turn about to be played (or the last one once ended). */
  turn: number;
  turns: number;
  ended: boolean;
  indicators: IndicatorRow[];
  relations: RelationRow[];
  lastTurn: { date: string; items: NewsItem[]; drifts: string[] } | null;
  /** Every turn's news as the party was told it, oldest first (the last is `lastTurn`): ← → browse them. */
  newsHistory: { date: string; items: NewsItem[]; drifts: string[] }[];
  /** What moved the player's indicators last turn, and why: each change with the moves and events behind it. */
  causes: CauseRow[];
  moves: MoveOption[];
}

/** One indicator's change over the last turn, broken down by what caused it. */
export interface CauseRow {
  label: string;
  change: number;
  /** The moves and events that wrote it, in the order they applied; `set` when one set it outright. */
  parts: { who: string; amount: number; set: boolean; mine: boolean }[];
  /** What the parts do not explain: agreements, commitments broken, the indicator's bounds. */
  rest: number;
}

/**
 * The causes of last turn's changes, on the player's told log (no hidden
 * effect): the indicators the player's own move wrote come first, then the
 * key indicators and those its interests read, largest change first.
 */
export function causesOf(scenario: CompiledScenario, log: TurnLog, partyIndex: number, change: (i: number) => number): CauseRow[] {
  const party = scenario.parties[partyIndex]!;
  const mine = log.parties.find((p) => p.party === party.id);
  const touched = new Set((mine?.effects ?? []).map((e) => e.key));
  const rows: { row: CauseRow; own: boolean }[] = [];
  scenario.indicators.forEach((ind, i) => {
    const d = change(i);
    const read = party.interests.some((it) => it.reads.ind.has(i));
    if (Math.abs(d) < 0.05 || !(touched.has(ind.id) || ind.key || read)) return;
    const parts: CauseRow['parts'] = [];
    for (const e of log.events)
      for (const x of e.effects) if (x.key === ind.id) parts.push({ who: `⚡ ${e.label}`, amount: x.amount, set: x.op === 'set', mine: false });
    for (const p of log.parties) {
      const who = scenario.parties.find((q) => q.id === p.party)!;
      const own = p.party === party.id;
      for (const x of p.effects)
        if (x.key === ind.id) parts.push({ who: own ? `your “${p.moveLabel ?? p.move}”` : `${who.name}'s “${p.moveLabel ?? p.move}”`, amount: x.amount, set: x.op === 'set', mine: own });
    }
    const explained = parts.some((p) => p.set) ? d : parts.reduce((a, p) => a + p.amount, 0);
    rows.push({ row: { label: ind.label, change: d, parts, rest: d - explained }, own: touched.has(ind.id) });
  });
  rows.sort((a, b) => Number(b.own) - Number(a.own) || Math.abs(b.row.change) - Math.abs(a.row.change));
  return rows.map((r) => r.row);
}

/** "Author (written)" or the title or the file name of a cited source. */
export function sourceLabel(scenario: CompiledScenario, file: string): string {
  const s = scenario.doc.sources.find((x) => x.file === file);
  if (!s) return file;
  const who = s.author ?? s.title ?? s.file;
  return s.written ? `${who}, ${s.written}` : who;
}

/** A quote as people read it: the words, who wrote them, and what kind of passage it is. */
export function quoteText(q: Quote): string {
  return `“${q.text}” — ${q.source}${q.kind ? ` (${q.kind})` : ''}`;
}

export function quotesOf(scenario: CompiledScenario, cite: readonly Citation[] | undefined, max = 2): Quote[] {
  const seen = new Set<string>();
  const out: Quote[] = [];
  for (const c of cite ?? []) {
    if (seen.has(c.quote)) continue;
    seen.add(c.quote);
    out.push({ text: c.quote, source: sourceLabel(scenario, c.source), ...(c.kind ? { kind: c.kind } : {}) });
    if (out.length >= max) break;
  }
  return out;
}

/** Display name of an effect's target: the indicator's label, or "relations A–B". */
export function targetLabel(scenario: CompiledScenario, e: Pick<CompiledEffect, 'target'>): string {
  if (e.target.kind === 'indicator') return scenario.indicators[e.target.index]!.label;
  const [a, b] = scenario.relations.pairs[e.target.index]!;
  return `relations ${scenario.parties[a]!.name}–${scenario.parties[b]!.name}`;
}

/** What an effect is expected to do in a world: "+5", "−2…−6", "→ 1". */
export function describeEffect(scenario: CompiledScenario, e: CompiledEffect, world: GameState): string {
  const amount =
    e.amount.kind === 'fixed'
      ? formatSigned(e.amount.value)
      : e.amount.kind === 'range'
        ? `${formatSigned(e.amount.lo)}…${formatSigned(e.amount.hi)}`
        : formatSigned(e.amount.fn(world));
  const shown = e.op === 'set' ? `→ ${e.amount.kind === 'fixed' ? formatValue(e.amount.value) : amount.replace(/^\+/, '')}` : amount;
  return `${targetLabel(scenario, e)} ${shown}`;
}

function seriesOf(states: readonly GameState[], pick: (s: GameState) => number): number[] {
  return states.map(pick);
}

/** The news of one turn: events (not the recurring drifts) and every party's move. */
export function newsOf(scenario: CompiledScenario, log: TurnLog, playerId: string | null): { items: NewsItem[]; drifts: string[] } {
  const items: NewsItem[] = [];
  const drifts: string[] = [];
  for (const e of log.events) {
    if (e.kind === 'recurring') {
      drifts.push(e.label);
      continue;
    }
    items.push({ kind: 'event', headline: `⚡ ${e.label}${e.kind === 'injected' ? ' (injected)' : ''}`, quotes: quotesOf(scenario, e.cite, 1), mine: false });
  }
  for (const p of log.parties) {
    const party = scenario.parties.find((x) => x.id === p.party)!;
    const mine = p.party === playerId;
    const who = mine ? `${party.name} (you)` : party.name;
    const posture = (id: string) => party.postureLabels[party.postures.indexOf(id)] ?? id;
    const what = p.move === null ? 'made no move' : `${p.moveLabel}${p.success ? '' : ' — it failed'}${p.adjudicated ? ' (adjudicated)' : ''}`;
    const details: string[] = [];
    if (p.transition) details.push(`turned from ${posture(p.transition.from)} to ${posture(p.transition.to)}${p.transition.reason ? `: ${p.transition.reason}` : ''}`);
    if (p.controller === 'history') details.push(p.historical?.recorded ? `as on the record${p.historical.note ? `: ${p.historical.note}` : ''}` : 'following history: no recorded move');
    const cite = p.controller === 'history' && p.historical?.recorded ? p.historical.cite : p.move === null ? [] : (party.moves.find((m) => m.id === p.move)?.cite ?? []);
    items.push({
      kind: 'move',
      headline: `${mine ? '★' : '•'} ${who}: ${what}`,
      ...(details.length > 0 ? { detail: details.join('; ') } : {}),
      quotes: quotesOf(scenario, cite, 1),
      mine,
    });
  }
  for (const m of log.messages ?? []) {
    const from = scenario.parties.find((x) => x.id === m.from)!;
    const to = scenario.parties.find((x) => x.id === m.to)!;
    const mine = m.from === playerId || m.to === playerId;
    const answer = m.reply === null ? 'no answer this turn' : (m.replyLabel ?? m.reply);
    items.push({
      kind: 'move',
      headline: `${mine ? '★' : '✉'} ${from.name} → ${to.name}: ${m.label} (${m.kind})`,
      detail: `${to.name}: ${answer}${m.transition ? `; posture ${m.transition.from} → ${m.transition.to}` : ''}`,
      quotes: quotesOf(scenario, scenario.messages.find((x) => x.id === m.message)?.cite, 1),
      mine,
    });
  }
  for (const b of log.breaches ?? []) {
    const who = scenario.parties.find((x) => x.id === b.party)!;
    items.push({ kind: 'move', headline: `⚠ ${who.name} breaks its commitment under “${scenario.messages.find((x) => x.id === b.message)?.label ?? b.message}”`, quotes: [], mine: b.party === playerId });
  }
  return { items, drifts };
}

/**
 * The decision point of the turn about to be played from the session's head:
 * the menu a player sees comes from here, so every option shown is one the
 * engine accepts, with the effects it will apply (in the world after this
 * turn's events and posture changes). Null once the game is over.
 */
export function decisionAt(scenario: CompiledScenario, session: Session, inputs: Parameters<typeof beginTurn>[2] = {}): DecisionContext | null {
  if (session.state.ended) return null;
  const r = beginTurn(scenario, session.state, inputs);
  return r.ok ? r.context : null;
}

/** The moves a party is offered at the session's head, in menu order (an empty list once the game is over). */
export function offeredMoves(scenario: CompiledScenario, session: Session, partyIndex: number, begin: Parameters<typeof beginTurn>[2] = {}): string[] {
  const decision = decisionAt(scenario, session, begin);
  return decision ? decision.parties[partyIndex]!.offers.map((o) => o.move) : [];
}

/** A message the player must answer, as menu options: accept, reject or a reaction move, with what each does. */
export function replyOptions(scenario: CompiledScenario, pending: PendingReply): MoveOption[] {
  const from = scenario.parties.find((p) => p.id === pending.from)!;
  const message = scenario.messages.find((m) => m.id === pending.message)!;
  return pending.options.map((o) => ({
    id: o.reply,
    label: o.reply === 'accept' ? `Accept ${from.name}'s ${pending.kind}: “${pending.label}”` : o.reply === 'reject' ? `Reject ${from.name}'s ${pending.kind}` : o.label,
    ...(message.description === undefined || o.reply !== 'accept' ? {} : { description: message.description }),
    effects: o.effects.map((e) => `${targetLabelOf(scenario, e.key)} ${Number.isNaN(e.amount) ? '(depends on the world)' : formatSigned(e.amount)}`),
    failure: [],
    onRecord: false,
    quotes: quotesOf(scenario, message.cite, 1),
  }));
}

/** An effect's key for people: the indicator's label, or the two parties of a relation. */
export function targetLabelOf(scenario: CompiledScenario, key: string): string {
  const ind = scenario.indicators.find((i) => i.id === key);
  if (ind) return ind.label;
  const rel = /^rel\(\s*([a-z0-9_]+)\s*,\s*([a-z0-9_]+)\s*\)$/.exec(key);
  if (!rel) return key;
  const name = (id: string) => scenario.parties.find((p) => p.id === id)?.name ?? id;
  return `${name(rel[1]!)}–${name(rel[2]!)}`;
}

/**
 * The briefing at the session's head for the player's party.
 *
 * @example
 * const b = buildBriefing(scenario, session, 0);
 * b.moves.map((m) => m.label);
 */
export function buildBriefing(
  scenario: CompiledScenario,
  session: Session,
  partyIndex: number,
  pending: PendingReply | null = null,
  /** What the turn will be played with before decisions (a facilitator's staged injects): the menu is that world's. */
  begin: Parameters<typeof beginTurn>[2] = {},
): Briefing {
  const path = session.path();
  const states = path.map((n) => session.stateOf(n.id));
  const now = states.at(-1)!;
  const before = states.length > 1 ? states.at(-2)! : now;
  const party = scenario.parties[partyIndex]!;
  // The player sees the world as its party does: beliefs where it cannot see, marked as such.
  const nInd = scenario.indicators.length;
  const seen = (s: GameState, i: number) => (viewOf(scenario, s, partyIndex).indicators[i]!.kind === 'belief' ? (s.belief[partyIndex * nInd + i] ?? s.ind[i]!) : s.ind[i]!);
  const view = viewOf(scenario, now, partyIndex);
  const indicators: IndicatorRow[] = scenario.indicators
    .map((ind, i) => ({ ind, i }))
    .filter(({ ind, i }) => ind.key || view.indicators[i]!.kind === 'belief' || ind.of === partyIndex)
    .map(({ ind, i }) => ({
      id: ind.id,
      label: view.indicators[i]!.kind === 'belief' ? `${ind.label} (your belief)` : ind.label,
      value: seen(now, i),
      min: ind.min,
      max: ind.max,
      change: seen(now, i) - seen(before, i),
      series: seriesOf(states, (s) => seen(s, i)),
      ...(ind.unit === undefined ? {} : { unit: ind.unit }),
      ...(view.indicators[i]!.kind === 'belief' ? { belief: true } : {}),
    }));
  const relations: RelationRow[] = [];
  scenario.relations.pairs.forEach(([a, b], k) => {
    if (a !== partyIndex && b !== partyIndex) return;
    const other = scenario.parties[a === partyIndex ? b : a]!;
    relations.push({ id: other.id, name: other.name, value: now.rel[k]!, change: now.rel[k]! - before.rel[k]!, series: seriesOf(states, (s) => s.rel[k]!) });
  });
  const told = path.at(-1)!.log;
  // The news as the party was told it: others' secret moves and messages between others left out.
  const last = told ? logFor(scenario, told, partyIndex, now) : null;
  const lastTurn = last ? { date: last.date, ...newsOf(scenario, last, party.id) } : null;
  const newsHistory = path.flatMap((n, k) => {
    if (!n.log) return [];
    if (k === path.length - 1 && lastTurn) return [lastTurn];
    const heard = logFor(scenario, n.log, partyIndex, states[k]!);
    return [{ date: heard.date, ...newsOf(scenario, heard, party.id) }];
  });
  const recorded = scenario.history.find((h) => h.month === now.month && h.party === partyIndex);
  // The menu is the decision context's: the moves and effects of the world the move will be made in.
  const decision = decisionAt(scenario, session, begin);
  const world = decision?.world ?? now;
  const moves: MoveOption[] = pending
    ? replyOptions(scenario, pending)
    : (decision ? decision.parties[partyIndex]!.offers : []).map((o) => {
        const m = party.moves[o.index]!;
        return {
          id: m.id,
          label: m.label,
          ...(m.description === undefined ? {} : { description: m.description }),
          effects: m.effects.map((e) => describeEffect(scenario, e, world)),
          ...(o.chance === null ? {} : { chance: o.chance }),
          failure: m.failure.map((e) => describeEffect(scenario, e, world)),
          onRecord: recorded !== undefined && party.moves[recorded.move]!.id === m.id,
          quotes: quotesOf(scenario, m.cite, 1),
        };
      });
  const posture = world.posture[partyIndex]!;
  return {
    scenarioTitle: scenario.title,
    party: { id: party.id, name: party.name, posture: party.postureLabels[posture] ?? party.postures[posture]! },
    date: now.ended ? (last?.date ?? monthText(now.month)) : monthText(now.month),
    turn: now.ended ? now.turn : now.turn + 1,
    turns: scenario.calendar.turns,
    ended: now.ended,
    indicators,
    relations,
    lastTurn,
    newsHistory,
    causes: last ? causesOf(scenario, last, partyIndex, (i) => (view.indicators[i]!.kind === 'belief' ? 0 : now.ind[i]! - before.ind[i]!)) : [],
    moves,
  };
}

/** One of a party's interests as a goal for the person playing it. */
export interface Goal {
  text: string;
  /** Its share of the party's weights in its current posture (0–1). */
  share: number;
  /** What it asks for, in plain words ("raise: Armenia's turn to the West (now 15)"). */
  want: string;
  quotes: Quote[];
}

/** What the party wants, heaviest first, as weighed in its current posture: what a player is trying to do. */
export function goalsOf(scenario: CompiledScenario, state: GameState, partyIndex: number): { posture: string; goals: Goal[] } {
  const party = scenario.parties[partyIndex]!;
  const posture = state.posture[partyIndex]!;
  const doc = scenario.doc.parties[party.id]!;
  const weights = party.interests.map((it) => Math.max(0, it.weights[posture] ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const goals = party.interests
    .map((it, k) => ({ it, w: weights[k]!, spec: doc.interests[k]!.wants }))
    .filter((x) => x.w > 0)
    .sort((a, b) => b.w - a.w)
    .map(({ it, w, spec }) => ({ text: it.text, share: total > 0 ? w / total : 0, want: describeWant(scenario, state, spec, readNames(scenario, it.reads)), quotes: quotesOf(scenario, it.cite, 1) }));
  return { posture: party.postureLabels[posture]!, goals };
}

/** What an interest reads, for people: indicators by label, relations as "relations A–B". */
function readNames(scenario: CompiledScenario, reads: WorldReads): string {
  const names = [
    ...[...reads.ind].map((i) => scenario.indicators[i]!.label),
    ...[...reads.rel].map((k) => {
      const [a, b] = scenario.relations.pairs[k]!;
      return `relations ${scenario.parties[a]!.name}–${scenario.parties[b]!.name}`;
    }),
    ...(reads.moveCount.size > 0 || reads.lastMove.size > 0 ? ['the moves made'] : []),
  ];
  return names.length === 0 ? 'the state of the world' : names.join(', ');
}

/** An interest's `wants` for people: the indicator's label and its value now where it names one, else the things it weighs (never an expression). */
function describeWant(scenario: CompiledScenario, state: GameState, wants: Wants, reads: string): string {
  const named = (expr: string) => {
    const i = scenario.indicators.findIndex((x) => x.id === expr.trim());
    return i < 0 ? `a measure of ${reads}` : `${scenario.indicators[i]!.label} (now ${formatValue(state.ind[i]!)})`;
  };
  if (wants.raise !== undefined) return `raise: ${named(wants.raise)}`;
  if (wants.lower !== undefined) return `lower: ${named(wants.lower)}`;
  if (wants.target) return `bring ${named(wants.target.of)} to ${wants.target.value}`;
  if (wants.band) return `keep ${named(wants.band.of)} between ${wants.band.within[0]} and ${wants.band.within[1]}`;
  if (wants.hold !== undefined) return `keep a condition true, on ${reads}`;
  return 'see the scenario file';
}
