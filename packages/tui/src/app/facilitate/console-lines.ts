/**
 * The facilitator's screens as styled lines (see ../lines.ts): pure functions
 * of the console's view and a width, so every screen is testable without a terminal.
 * Nothing here reads the hot-seat round's choices.
 */
import { monthText, type CompiledScenario, type Session } from '@wargame/engine';
import { describeEffect, newsOf, quotesOf, type IndicatorRow } from '../briefing-model.js';
import { cells, fit, formatValue, truncate, wrapText } from '../format.js';
import { quoteLines, worldLines, type Line, type Segment } from '../lines.js';
import { describeEffects, matchingTargets, parseAmount, type EffectTarget } from './effects-draft.js';
import { turnMonth, turnName } from '../turn-name.js';
import { failedRulings, headBranch, revealedMove, stagedCount, type ConsoleSetup, type ConsoleState, type EffectsEditor } from './console-state.js';
import { describeRuling } from '../rulings.js';

/** What the console's screens are drawn from: the session (read), the setup and the console's state. */
export interface ConsoleView extends ConsoleSetup {
  session: Session;
  state: ConsoleState;
}

const plain = (text: string, style: Omit<Segment, 'text'> = {}): Line => [{ text, ...style }];

function wrapped(text: string, width: number, indent: string, style: Omit<Segment, 'text'> = {}, first = indent): Line[] {
  return wrapText(text, Math.max(10, width - indent.length)).map((t, i) => [{ text: `${i === 0 ? first : indent}${t}`, ...style }]);
}

/** A window of `rows` items that keeps `cursor` visible. */
export function windowAround(count: number, cursor: number, rows: number): { first: number; last: number } {
  const first = Math.max(0, Math.min(cursor - Math.floor(rows / 2), count - rows));
  return { first, last: Math.min(count, first + rows) };
}

export function teamNames(f: ConsoleView): string {
  return f.teams.map((p) => f.scenario.parties[p]!.name).join(', ');
}

export function computerNames(f: ConsoleView): string {
  return f.scenario.parties.filter((p) => !f.teams.includes(p.index)).map((p) => p.name).join(', ');
}

/** Which branch the head is on, as "branch 2 of 3". */
export function branchLabel(session: Session): string {
  const branches = session.branches();
  const i = headBranch(session);
  const name = branches[i]?.name;
  return `branch ${i + 1} of ${branches.length}${name ? ` “${name}”` : ''}`;
}

/** The world as the facilitator sees it at the head: the truth (no party's beliefs), key indicators with change and history. */
export function facilitatorWorld(scenario: CompiledScenario, session: Session): { date: string; turn: number; turns: number; indicators: IndicatorRow[] } {
  const path = session.path();
  const states = path.map((n) => session.stateOf(n.id));
  const now = states.at(-1)!;
  const before = states.length > 1 ? states.at(-2)! : now;
  const last = path.at(-1)!.log;
  const indicators: IndicatorRow[] = [];
  scenario.indicators.forEach((ind, i) => {
    if (!ind.key) return;
    indicators.push({
      id: ind.id,
      label: ind.label,
      value: now.ind[i]!,
      min: ind.min,
      max: ind.max,
      change: now.ind[i]! - before.ind[i]!,
      series: states.map((s) => s.ind[i]!),
      ...(ind.unit === undefined ? {} : { unit: ind.unit }),
    });
  });
  return {
    date: now.ended ? (last?.date ?? monthText(now.month)) : monthText(now.month),
    turn: now.ended ? now.turn : now.turn + 1,
    turns: scenario.calendar.turns,
    indicators,
  };
}

/** The world's key indicators (as in the student's briefing, with bars, change and sparkline). */
export function consoleWorldLines(f: ConsoleView, width: number): Line[] {
  const b = facilitatorWorld(f.scenario, f.session);
  const bar = Math.max(6, Math.min(16, Math.floor(width / 8)));
  const spark = Math.max(6, Math.min(24, Math.floor(width / 5)));
  return worldLines(b, width, bar, spark);
}

/** Last turn's headlines: events and every party's move (now public), and the turn's note. */
export function headlineLines(f: ConsoleView, width: number, withDetail = true): Line[] {
  const head = f.session.head;
  const out: Line[] = [];
  if (head.note) out.push(...wrapped(`✎ ${head.note}`, width, '  ', { color: 'cyan' }, ''));
  if (!head.log) {
    out.push(plain('No turn played yet: Enter starts the first one.', { dim: true }));
    return out;
  }
  const news = newsOf(f.scenario, head.log, null);
  for (const item of news.items) {
    const team = item.kind === 'move' && f.teams.some((p) => item.headline.includes(`${f.scenario.parties[p]!.name}:`));
    out.push(...wrapped(item.headline, width, '  ', item.kind === 'event' ? { color: 'magenta' } : team ? { bold: true } : {}, ''));
    if (withDetail && item.detail) out.push(...wrapped(`↳ ${item.detail}`, width, '    ', { dim: true }, '  '));
  }
  if (withDetail && news.drifts.length > 0) out.push(...wrapped(`Every month while it lasts: ${news.drifts.join('; ')}`, width, '  ', { dim: true }, ''));
  return out;
}

/** What the next turn will be played with: teams, staged injects and rulings, a what-if, a pause. */
export function nextTurnLines(f: ConsoleView, width: number): Line[] {
  const out: Line[] = [];
  if (f.state.paused) out.push(plain('⏸ PAUSED — the game waits; p resumes', { bold: true, color: 'yellow' }));
  if (f.state.whatIf) out.push(...wrapped(`⑂ What-if from ${turnName(f.scenario, f.state.whatIf.from)}: the next turn starts a new branch if its inputs differ`, width, '  ', { color: 'yellow' }, ''));
  if (f.session.state.ended) out.push(plain('The game is over: r rewinds, f forks a what-if, b switches branch.', { bold: true }));
  const teams = f.teams.length > 0 ? `Teams at the keyboard: ${teamNames(f)}` : 'No teams: the computer plays every party';
  out.push(plain(truncate(`${teams}${f.teams.length > 0 && computerNames(f) ? ` · computer: ${computerNames(f)}` : ''}`, width), { dim: true }));
  for (const inj of f.state.staged.inject) {
    const text = 'event' in inj ? `⚡ inject ${f.scenario.events.find((e) => e.id === inj.event)?.label ?? inj.event}` : `⚡ inject “${inj.custom.label}”: ${describeEffects(f.scenario, inj.custom.effects)}`;
    out.push(plain(truncate(text, width), { color: 'magenta' }));
  }
  for (const [party, effects] of Object.entries(f.state.staged.adjudicate)) {
    const name = f.scenario.parties.find((p) => p.id === party)?.name ?? party;
    out.push(plain(truncate(`⚖ ruling on ${name}'s move: ${describeEffects(f.scenario, effects)}`, width), { color: 'cyan' }));
  }
  if (stagedCount(f.state) === 0 && !f.session.state.ended) out.push(plain('Nothing staged (i inject · a adjudicate); Enter plays the turn.', { dim: true }));
  return out;
}

export const FACILITATE_KEYS: readonly [string, string][] = [
  ['Enter  n', 'play the next turn: each team chooses in private and confirms; then the reveal shows every move'],
  ['reveal: s · f · e', 'rule a move a success · a failure · other amounts (d: no ruling, the dice decide)'],
  ['reveal: c · ⏎ · x', 'a team changes its choice (the others’ kept) · resolve the turn · cancel it'],
  ['m', 'fast months: the record (while there is one), then the computer, plays N turns'],
  ['i  ·  a  ·  x', 'inject an event · rule on a party’s move · clear what is staged'],
  ['r  ·  f  ·  b', 'rewind (later turns kept) · fork a what-if · branches (n names one)'],
  ['t', 'timer: a countdown for this phase ("5", "10 negotiations") on every screen and the projector; empty clears it'],
  ['w', 'write a note on the current turn (kept in the save)'],
  ['h', 'show or hide, on teams’ screens, which move is on the record'],
  ['v', 'projector view: the world, large, for the room'],
  ['p  ·  s', 'pause / resume · save now (every change is saved anyway)'],
  ['PgUp PgDn  [ ]', 'scroll the headlines'],
  ['?  ·  Esc  ·  q', 'this help (any key closes it) · back / cancel · quit (asks first)'],
];

export function facilitateHelpLines(f: ConsoleView, width: number): Line[] {
  const out: Line[] = [plain('Facilitator keys', { bold: true })];
  for (const [k, what] of FACILITATE_KEYS) {
    const lines = wrapText(what, Math.max(10, width - 19));
    for (const [i, line] of lines.entries()) out.push([{ text: `  ${fit(i === 0 ? k : '', 17)}`, bold: true, color: 'yellow' }, { text: line }]);
  }
  out.push(...wrapped(`Autosave: ${f.savePath} — resume: wargame facilitate --resume ${f.savePath}`, width, '', { dim: true }));
  out.push(
    ...wrapped(
      'Hot seat: a turn hands the keyboard to each team behind a "pass the keyboard" screen; a team sees the world and its own moves, never another team\'s choice. Amounts: +5 or -3 change an indicator, =40 sets it.',
      width,
      '',
    ),
  );
  return out;
}

/** The scenario's events, to inject one; the highlighted one's effects and source below. */
export function eventListLines(f: ConsoleView, cursor: number, width: number, rows: number): Line[] {
  const events = f.scenario.events;
  const detailRows = 4;
  const { first, last } = windowAround(events.length, cursor, Math.max(3, rows - detailRows - 1));
  const out: Line[] = [];
  for (let i = first; i < last; i++) {
    const e = events[i]!;
    const kind = e.at !== null ? `scheduled ${monthText(e.at)}` : e.recurring ? 'recurring' : e.chance ? 'random' : 'on demand';
    out.push([
      { text: i === cursor ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: truncate(`${e.label}`, Math.max(10, width - 2 - kind.length - 3)), bold: i === cursor, ...(i === cursor ? { color: 'yellow' } : {}) },
      { text: ` (${kind})`, dim: true },
    ]);
  }
  if (last < events.length) out.push(plain(`  ↓ ${events.length - last} more`, { dim: true }));
  const e = events[cursor];
  if (e) {
    out.push(plain(''));
    const effects = e.effects.map((x) => describeEffect(f.scenario, x, f.session.state)).join(' · ') || 'no direct effect';
    out.push(...wrapped(`effects: ${effects}`, width, '  ', { color: 'cyan' }, ''));
    out.push(...quoteLines(quotesOf(f.scenario, e.cite, 1), width, ''));
  }
  return out;
}

/** The effects editor: every indicator and relation with its value now and the amount typed. */
export function effectsEditorLines(f: ConsoleView, editor: EffectsEditor, width: number, rows: number): Line[] {
  const targets: readonly EffectTarget[] = matchingTargets(f.targets, editor.filter ?? '');
  const state = f.session.state;
  const valueNow = (t: EffectTarget) => {
    const i = f.scenario.indicators.findIndex((x) => x.id === t.key);
    if (i >= 0) return state.ind[i]!;
    const k = f.scenario.relations.pairs.findIndex(([a, b]) => `rel(${f.scenario.parties[a]!.id},${f.scenario.parties[b]!.id})` === t.key);
    return k >= 0 ? state.rel[k]! : 0;
  };
  const { first, last } = windowAround(targets.length, editor.cursor, Math.max(3, rows - 2));
  const out: Line[] = [];
  out.push([
    { text: 'find: ', bold: true },
    { text: editor.filter ? `${editor.filter} (${targets.length} of ${f.targets.length})` : 'type letters to find an indicator or relation by name', ...(editor.filter ? { color: 'yellow' } : { dim: true }) },
  ]);
  if (targets.length === 0) out.push(plain('  nothing matches: Backspace takes a letter back', { dim: true }));
  const amountWidth = 10;
  const rangeWidth = 11;
  const labelWidth = Math.max(12, width - 2 - 11 - rangeWidth - amountWidth);
  for (let i = first; i < last; i++) {
    const t = targets[i]!;
    const text = Object.hasOwn(editor.amounts, t.key) ? editor.amounts[t.key] : undefined;
    const ok = text === undefined || parseAmount(text) !== null;
    const focused = i === editor.cursor;
    out.push([
      { text: focused ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: fit(t.label, labelWidth), bold: focused || text !== undefined },
      { text: ` now ${fit(formatValue(valueNow(t)), 5)} `, dim: true },
      { text: fit(`[${formatValue(t.min)}..${formatValue(t.max)}]`, rangeWidth), dim: true },
      { text: `  ${text ?? (focused ? '' : '·')}${focused ? '▌' : ''}${ok ? '' : ' ?'}`, bold: true, ...(ok ? { color: 'green' } : { color: 'red' }) },
    ]);
  }
  out.push(plain(`${first > 0 ? `↑ ${first} above ` : ''}${last < targets.length ? `↓ ${targets.length - last} more` : ''}`, { dim: true }));
  return out;
}

/** Parties, to pick one whose move to rule on. */
export function partyListLines(f: ConsoleView, cursor: number, width: number): Line[] {
  const state = f.session.state;
  return f.scenario.parties.map((p) => {
    const who = f.teams.includes(p.index) ? 'team' : 'computer';
    const ruling = f.state.staged.adjudicate[p.id];
    const posture = p.postureLabels[state.posture[p.index]!] ?? p.postures[state.posture[p.index]!]!;
    return [
      { text: p.index === cursor ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: fit(`${p.name} (${who}, ${posture})`, Math.max(10, Math.floor(width * 0.5))), bold: p.index === cursor },
      { text: truncate(ruling ? ` ⚖ ${describeEffects(f.scenario, ruling)}` : '', Math.max(0, width - 2 - Math.floor(width * 0.5))), color: 'cyan' },
    ];
  });
}

/** The turns of the current branch, to rewind or fork at one. */
export function turnListLines(f: ConsoleView, cursor: number, width: number, rows: number): Line[] {
  const path = f.session.path();
  const { first, last } = windowAround(path.length, cursor, Math.max(3, rows));
  const out: Line[] = [];
  for (let i = first; i < last; i++) {
    const n = path[i]!;
    const bits: string[] = [];
    if (n.log) {
      const injected = n.log.events.filter((e) => e.kind === 'injected').length;
      const chosen = Object.keys(n.inputs?.choices ?? {}).length;
      const ruled = Object.keys(n.inputs?.adjudicate ?? {}).length;
      if (chosen) bits.push(`${chosen} team move${chosen === 1 ? '' : 's'}`);
      if (injected) bits.push(`⚡ ${injected} injected`);
      if (ruled) bits.push(`⚖ ${ruled} ruling${ruled === 1 ? '' : 's'}`);
    }
    if (n.note) bits.push(`✎ ${n.note.replace(/\n/g, ' / ')}`);
    const head = n.id === f.session.head.id ? ' ◀ now' : '';
    out.push([
      { text: i === cursor ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: fit(turnName(f.scenario, n.turn), 26), bold: i === cursor },
      { text: truncate(`${bits.join(' · ')}${head}`, Math.max(0, width - 28)), dim: i !== cursor },
    ]);
  }
  return out;
}

export interface BranchRow {
  index: number;
  leaf: number;
  depth: number;
  turns: number;
  forkedAt: number;
  isHead: boolean;
  date: string;
  notes: number;
  hash: string;
  name?: string;
}

/** The branches as a tree: each is drawn under the branch it forked from (the one holding the node it parts from). */
export function branchRows(session: Session): BranchRow[] {
  const branches = session.branches();
  const owner = new Map<number, number>();
  const depth: number[] = [];
  const current = headBranch(session);
  return branches.map((b, i) => {
    const path = session.path(b.leaf);
    for (const n of path.slice(path.findIndex((n) => n.id === b.start))) owner.set(n.id, i);
    const from = session.nodes[b.start]!.parent;
    // A branch begins after the branches it forks from, so its parent's depth is known.
    const d = from === null ? 0 : (depth[owner.get(from) ?? 0] ?? 0) + 1;
    depth.push(d);
    const leaf = session.nodes[b.leaf]!;
    const month = leaf.turn === 0 ? monthText(session.scenario.calendar.start) : turnMonth(session.scenario, leaf.turn);
    const notes = path.filter((n) => n.note).length;
    return { index: i, leaf: b.leaf, depth: d, turns: b.turns, forkedAt: b.forkedAt, isHead: i === current, date: month, notes, hash: leaf.hash, ...(b.name === undefined ? {} : { name: b.name }) };
  });
}

export function branchTreeLines(f: ConsoleView, cursor: number, width: number, rows: number): Line[] {
  const all = branchRows(f.session);
  const { first, last } = windowAround(all.length, cursor, Math.max(3, rows));
  const out: Line[] = [];
  for (let i = first; i < last; i++) {
    const r = all[i]!;
    const prefix = r.depth === 0 ? '● ' : `${'  '.repeat(r.depth - 1)}└─● `;
    const span = r.depth === 0 ? `turns 1–${r.turns}` : `forked after turn ${r.forkedAt}, turns ${r.forkedAt + 1}–${r.turns}`;
    const where = r.isHead ? (f.session.head.id === r.leaf ? ' ◀ now' : ` ◀ now at turn ${f.session.head.turn}`) : '';
    const label = truncate(`branch ${r.index + 1}${r.name ? ` “${r.name}”` : ''}${where}`, Math.max(10, width - 2 - prefix.length));
    out.push([
      { text: i === cursor ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: prefix, color: r.isHead ? 'green' : 'blue' },
      { text: label, bold: true },
      { text: truncate(` · ${span} · to ${r.date}${r.notes ? ` · ✎ ${r.notes}` : ''} · hash ${r.hash}`, Math.max(0, width - 2 - prefix.length - cells(label))), ...(r.isHead ? { color: 'green' } : {}) },
    ]);
  }
  return out;
}

/** The keys a team has at the keyboard (play's, less those that act on the whole session). */
export function teamHelpLines(): Line[] {
  const keys: [string, string][] = [
    ['↑ ↓  (k j)', 'highlight a move'],
    ['1 … 9', 'pick the move of that number'],
    ['Enter', 'choose, then Enter again to confirm (Esc: back to your moves); your choice stays secret until the reveal'],
    ['Tab, Shift-Tab', 'views: world, news, relations'],
    ['← →', 'the news of earlier turns (← older, → newer)'],
    ['g', 'your goals: what your party wants, weighed in its posture now'],
    ['PgUp PgDn  [ ]', 'scroll the view'],
    ['Esc', 'back to the hand-off screen'],
    ['?', 'this help (any key closes it)'],
  ];
  return keys.map(([k, what]) => [{ text: `  ${k.padEnd(16)}`, bold: true }, { text: what }]);
}

/**
 * The reveal: every party's move this turn (the teams' choices, the
 * computer's draws), its chance and expected effects, and the ruling on it if
 * there is one; the facilitator rules before the turn resolves.
 */
export function revealLines(f: ConsoleView, cursor: number, width: number, rows: number): Line[] {
  const round = f.state.round;
  if (!round) return [];
  const world = round.context.world;
  const out: Line[] = [];
  const parties = f.scenario.parties;
  const perParty = 3;
  const { first, last } = windowAround(parties.length, cursor, Math.max(1, Math.floor((rows - 1) / perParty)));
  if (first > 0) out.push(plain(`  ↑ ${first} more`, { dim: true }));
  for (let p = first; p < last; p++) {
    const party = parties[p]!;
    const move = revealedMove(round, f, p);
    const m = move === null ? undefined : party.moves.find((x) => x.id === move);
    const offer = move === null ? undefined : round.context.parties[p]!.offers.find((o) => o.move === move);
    const who = round.teams.includes(p) ? 'team' : f.teams.includes(p) ? 'team, no move on offer' : 'computer';
    const focused = p === cursor;
    out.push([
      { text: focused ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: `${party.name} (${who}): `, bold: true },
      { text: truncate(m ? m.label : 'no move', Math.max(10, width - 4 - cells(`${party.name} (${who}): `))), ...(focused ? { color: 'yellow', bold: true } : {}) },
    ]);
    const ruling = f.state.staged.adjudicate[party.id];
    if (ruling) out.push(plain(truncate(`    ⚖ ${describeRuling(f.scenario, party.id, move, ruling, failedRulings(f.state.staged).includes(party.id))}`, width), { color: 'cyan', bold: true }));
    else if (m) {
      const chance = offer?.chance === null || offer?.chance === undefined ? 'cannot fail' : `${Math.round(offer.chance * 100)}% chance`;
      const effects = m.effects.map((e) => describeEffect(f.scenario, e, world)).join(', ') || 'no direct effect';
      out.push(plain(truncate(`    ${chance} · ${effects}`, width), { dim: true }));
    } else out.push(plain('', {}));
    out.push([]);
  }
  if (last < parties.length) out.push(plain(`  ↓ ${parties.length - last} more`, { dim: true }));
  return out;
}
