/**
 * The screens' text as data: a line is a list of styled segments, built by
 * pure functions from the view models and a width, so scrolling is slicing
 * and every screen can be tested without a terminal. Styles only emphasise:
 * the characters carry the meaning.
 */
import type { Briefing, CauseRow, Goal, IndicatorRow, MoveOption, Quote } from './briefing-model.js';
import { quoteText } from './briefing-model.js';
import type { Debrief, OutcomeFrequency } from './debrief-model.js';
import { frequencySentence } from './debrief-model.js';
import type { Explanation } from './explain-model.js';
import type { BatchProgress } from './background-batch.js';
import { gradeHeadline, gradeSentences, type Grade, type StoryItem } from './grade.js';
import { fit, formatChange, formatCount, formatPercent, formatSigned, formatUtility, formatValue, meterBar, resample, sparkline, truncate, wrapText } from './format.js';

export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
}
export type Line = Segment[];

const plain = (text: string, style: Omit<Segment, 'text'> = {}): Line => [{ text, ...style }];

/** Wrapped lines with a first-line prefix and a hanging indent. */
function wrapped(text: string, width: number, indent: string, style: Omit<Segment, 'text'> = {}, first = indent): Line[] {
  return wrapText(text, Math.max(10, width - indent.length)).map((t, i) => [{ text: `${i === 0 ? first : indent}${t}`, ...style }]);
}

export function quoteLines(quotes: readonly Quote[], width: number, indent = '    '): Line[] {
  return quotes.flatMap((q) => wrapped(quoteText(q), width, indent, { dim: true, italic: true }));
}

const changeColor = (d: number) => (Math.round(d * 10) === 0 ? 'gray' : d > 0 ? 'green' : 'red');

/** One line per key indicator: label, bar, value, change, sparkline. */
export function worldLines(b: Pick<Briefing, 'indicators'>, width: number, barWidth: number, sparkWidth: number): Line[] {
  const spark = Math.min(sparkWidth, Math.max(4, b.indicators[0]?.series.length ?? 4));
  const labelWidth = Math.max(10, width - barWidth - spark - 6 - 7 - 4);
  return b.indicators.map((i) => [
    { text: `${fit(i.label, labelWidth)} ` },
    { text: meterBar(i.value, i.min, i.max, barWidth), color: 'cyan' },
    { text: ` ${formatValue(i.value).padStart(5)} `, bold: true },
    { text: fit(formatChange(i.change), 7), color: changeColor(i.change) },
    { text: ` ${sparkline(i.series, spark, (i.max - i.min) * 0.05, i)}`, color: 'blue' },
  ]);
}

/** The player's relations, from −100 to 100. */
export function relationLines(b: Briefing, width: number, barWidth: number, sparkWidth: number, bounds: { min: number; max: number }): Line[] {
  const spark = Math.min(sparkWidth, Math.max(4, b.relations[0]?.series.length ?? 4));
  const labelWidth = Math.max(10, width - barWidth - spark - 6 - 7 - 4);
  return [
    plain(`${b.party.name} and…`, { bold: true }),
    ...b.relations.map((r) => [
      { text: `${fit(r.name, labelWidth)} ` },
      { text: meterBar(r.value, bounds.min, bounds.max, barWidth), color: r.value >= 0 ? 'green' : 'red' },
      { text: ` ${formatValue(r.value).padStart(5)} `, bold: true },
      { text: fit(formatChange(r.change), 7), color: changeColor(r.change) },
      { text: ` ${sparkline(r.series, spark, (bounds.max - bounds.min) * 0.05, bounds)}`, color: 'blue' },
    ]),
  ];
}

/** Last turn's news: a headline per event and party, its detail and the source passage. */
export function newsLines(b: Briefing, width: number, back = 0): Line[] {
  if (!b.lastTurn) return [plain('No turn played yet: the news of each turn appears here.', { dim: true })];
  // An earlier turn's news (← older, → newer), or the last turn's with what moved and why.
  const shown = back > 0 ? (b.newsHistory[b.newsHistory.length - 1 - back] ?? b.lastTurn) : b.lastTurn;
  const earlier = shown !== b.lastTurn;
  const n = b.newsHistory.length;
  const browse = n > 1 ? ` · ${earlier ? `${back} turn${back === 1 ? '' : 's'} back; ` : ''}${earlier || n > 1 ? '← older' : ''}${earlier ? ' → newer' : ''}` : '';
  const out: Line[] = [[{ text: `What happened in ${shown.date}`, bold: true }, { text: browse, dim: true }]];
  for (const item of shown.items) {
    out.push(...wrapped(item.headline, width, '  ', item.mine ? { bold: true, color: 'yellow' } : item.kind === 'event' ? { color: 'magenta' } : {}, ''));
    if (item.detail) out.push(...wrapped(`↳ ${item.detail}`, width, '    ', { dim: true }, '  '));
    out.push(...quoteLines(item.quotes, width));
  }
  if (shown.drifts.length > 0) out.push(...wrapped(`Every month while it lasts: ${shown.drifts.join('; ')}`, width, '  ', { dim: true }, ''));
  // What moved the player's indicators, and why: its own move's first.
  if (b.causes.length > 0 && !earlier) {
    out.push(plain(''));
    out.push(plain(`What moved, and why (${b.lastTurn.date})`, { bold: true }));
    for (const c of b.causes) out.push(...wrapped(causeText(c), width, '    ', c.parts.some((p) => p.mine) ? { color: 'yellow' } : {}, '  '));
  }
  return out;
}

/** "Tension on the border −7: your “Delimitation commission” −3 · Azerbaijan's “Release prisoners” −4". */
export function causeText(c: CauseRow): string {
  const parts = c.parts.map((p) => `${p.who} ${p.set ? `set to ${formatValue(p.amount)}` : formatSigned(p.amount)}`);
  if (Math.abs(c.rest) >= 0.05) parts.push(`agreements and limits ${formatSigned(c.rest)}`);
  return `${c.label} ${formatSigned(c.change)}: ${parts.join(' · ') || 'agreements and limits'}`;
}

/** The highlighted move's expected effects, odds and description. */
export function moveDetailLines(m: MoveOption | undefined, width: number): Line[] {
  if (!m) return [plain('No move is available to you now.', { dim: true })];
  const out: Line[] = [];
  const chance = m.chance === undefined ? '' : `${formatPercent(m.chance)} chance; `;
  out.push(...wrapped(`${chance}expected: ${m.effects.join(' · ') || 'no direct effect'}`, width, '  ', { color: 'cyan' }, ''));
  if (m.chance !== undefined && m.failure.length > 0) out.push(...wrapped(`if it fails: ${m.failure.join(' · ')}`, width, '  ', { dim: true }, ''));
  if (m.description) out.push(...wrapped(m.description, width, '', { dim: true }));
  out.push(...quoteLines(m.quotes, width, ''));
  return out;
}

export function moveLine(m: MoveOption, index: number, focused: boolean, width: number): Line {
  const tag = m.onRecord ? ' [on the record]' : '';
  const chance = m.chance === undefined ? '' : ` (${formatPercent(m.chance)})`;
  return [
    { text: focused ? '❯ ' : '  ', color: 'yellow', bold: true },
    { text: truncate(`${index + 1}. ${m.label}${chance}`, Math.max(10, width - 2 - tag.length)), bold: focused, ...(focused ? { color: 'yellow' } : {}) },
    { text: tag, dim: true },
  ];
}

/** The explanation of a computer party's move; `selected` is the option whose interests are shown (-1: the chosen one). */
export function explainLines(e: Explanation | null, width: number, selected: number, partyName: string): Line[] {
  if (!e) return [plain(`No turn has been played yet, so ${partyName} has made no move to explain.`)];
  const out: Line[] = [];
  out.push(plain(`${e.party.name} in ${e.date}: ${e.move ?? 'no move'}`, { bold: true }));
  out.push(...wrapped(e.controller === 'history' ? `Followed the history track: ${e.summary}` : e.controller === 'human' ? 'Chosen by a player.' : `Why: ${e.summary}`, width, '  ', {}, ''));
  if (e.record) {
    if (e.record.note) out.push(...wrapped(`On the record: ${e.record.note}`, width, '  ', {}, ''));
    out.push(...quoteLines(e.record.quotes, width));
  }
  out.push(plain(''));
  const pw = e.postureWhy;
  const how = pw.guard ? `since ${pw.date}, from ${pw.from}, because ${pw.guard}${pw.reason ? ` — ${pw.reason}` : ''}` : 'its initial posture (no transition has fired)';
  out.push(...wrapped(`Posture: ${e.posture} — ${how}`, width, '  ', {}, ''));
  out.push(...quoteLines(pw.quotes, width));
  if (e.options.length === 0) return out;
  out.push(plain(''));
  const settings = [e.temperature === undefined ? '' : `temperature ${e.temperature}`, e.noiseSd === undefined ? '' : `noise SD ${e.noiseSd}`].filter(Boolean).join(', ');
  out.push(plain(`Options (utility by interest, plus seeded noise, then softmax${settings ? `; ${settings}` : ''}) — ↑↓ shows an option's interests`, { bold: true }));
  const labelWidth = Math.max(12, width - 2 - 2 - 9 - 15 - 8);
  e.options.forEach((o, i) => {
    const focused = selected === i || (selected < 0 && o.chosen);
    out.push([
      { text: focused ? '❯ ' : '  ', color: 'yellow', bold: true },
      { text: o.chosen ? '✔ ' : '  ', color: 'green' },
      { text: fit(o.label, labelWidth), bold: o.chosen },
      { text: ` ${formatUtility(o.utility).padStart(7)}` },
      { text: `  noise ${formatUtility(o.noise).padStart(6)}`, dim: true },
      { text: `  p ${formatPercent(o.probability).padStart(4)}`, bold: true },
    ]);
  });
  const option = selected >= 0 ? e.options[selected] : e.options.find((o) => o.chosen);
  if (option) {
    out.push(plain(''));
    out.push(plain(`“${truncate(option.label, width - 30)}” by interest (weighted change in utility):`, { bold: true }));
    const rows = [...option.byInterest].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    const nonZero = rows.filter((r) => Math.abs(r.contribution) >= 5e-4);
    const scale = Math.max(...nonZero.map((r) => Math.abs(r.contribution)), 1e-9);
    const textWidth = Math.max(12, width - 2 - 8 - 12);
    for (const r of nonZero)
      out.push([
        { text: `  ${fit(r.text, textWidth)}` },
        { text: ` ${formatUtility(r.contribution).padStart(7)} ` },
        { text: (r.contribution >= 0 ? '+' : '−').repeat(Math.max(1, Math.round((Math.abs(r.contribution) / scale) * 10))), color: r.contribution >= 0 ? 'green' : 'red' },
      ]);
    if (nonZero.length < rows.length) out.push(plain(`  (${rows.length - nonZero.length} other interest${rows.length - nonZero.length === 1 ? '' : 's'} unchanged by this option)`, { dim: true }));
    const top = nonZero.find((r) => r.contribution > 0);
    if (top) {
      out.push(...wrapped(`Behind “${top.text}”:`, width, '  ', {}, ''));
      out.push(...quoteLines(top.quotes, width));
    }
  }
  return out;
}

export const HELP_KEYS: readonly [string, string][] = [
  ['↑ ↓  (k j)', 'highlight a move (in lists: move the cursor)'],
  ['Enter', 'play the highlighted move: the turn resolves'],
  ['1 … 9', 'pick the move of that number (Enter plays it)'],
  ['Tab, Shift-Tab', 'briefing views: world, news, relations'],
  ['← →', 'the news of earlier turns (← older, → newer)'],
  ['PgUp PgDn  [ ]', 'scroll the view'],
  ['g', 'your goals: what your party wants, weighed in its posture now'],
  ['w', 'why: explain a computer party’s last move (← → other party)'],
  ['u', 'undo your last turn'],
  ['s', 'save the game'],
  ['?', 'this help (any key closes it)'],
  ['Esc', 'close an overlay'],
  ['q', 'quit (asks first if there are unsaved turns)'],
];

export function helpLines(width: number, savePath: string): Line[] {
  const out: Line[] = [plain('Keys', { bold: true })];
  for (const [k, what] of HELP_KEYS) out.push([{ text: `  ${fit(k, 18)}`, bold: true, color: 'yellow' }, { text: truncate(what, width - 20) }]);
  out.push(plain(''));
  out.push(...wrapped('Each turn every party moves at once; the computer plays the others by their interests and postures, from the cited sources. Bars show where an indicator stands in its range, ▲▼ its change over the last turn, the sparkline its history.', width, ''));
  out.push(...wrapped(`Saves go to ${savePath}; replay one with: wargame replay ${savePath}`, width, '', { dim: true }));
  return out;
}

function progressText(p: BatchProgress | null, runs: number, from: string | null, width: number): Line[] {
  if (runs <= 0) return [];
  if (!p?.finished) {
    const done = p?.done ?? 0;
    return wrapped(`⧗ Background runs for comparison: ${formatCount(done)} of ${formatCount(runs)} computer-played games from ${from ?? 'the start'} (${formatPercent(done / runs)})…`, width, '  ', { color: 'yellow' }, '');
  }
  if (p.error) return wrapped(`✖ The background runs stopped: ${p.error}`, width, '  ', { color: 'red' }, '');
  return wrapped(`✔ Compared with ${formatCount(p.total)} computer-played games of the same scenario from ${from ?? 'the start'} (${formatValue(p.elapsedMs / 1000)} s).`, width, '  ', { dim: true }, '');
}

export function debriefLines(
  d: Debrief,
  opts: {
    width: number;
    partyName: string;
    scenarioTitle: string;
    seed: string;
    replay: string;
    frequencies: Record<string, OutcomeFrequency> | null;
    progress: BatchProgress | null;
    runs: number;
    batchFrom: string | null;
    indicators: readonly IndicatorRow[];
    /** Against the computer playing the same party over the same runs, once they are played. */
    grade?: Grade | null;
    story?: { turning: StoryItem[]; moves: StoryItem[] } | null;
  },
): Line[] {
  const { width } = opts;
  const out: Line[] = [];
  out.push(...wrapped(`DEBRIEF — you played ${opts.partyName} in “${opts.scenarioTitle}”, ${d.firstDate ?? '?'} to ${d.lastDate ?? '?'} (${d.turnsPlayed} turn${d.turnsPlayed === 1 ? '' : 's'}).`, width, '', { bold: true }));
  out.push(plain(''));
  out.push(plain('Outcomes, and how often they happen', { bold: true }));
  for (const o of d.outcomes) {
    const mark = o.type === 'boolean' ? (o.result.value === true ? '✔' : '✖') : '•';
    const sentence = opts.frequencies ? frequencySentence(o, opts.frequencies[o.id]) : `${o.label}: you got ${o.yours}${o.date && o.type === 'boolean' ? ` in ${o.date}` : ''}`;
    out.push(...wrapped(sentence, width, '    ', o.type === 'boolean' && o.result.value === true ? { color: 'green' } : {}, `  ${mark} `));
  }
  out.push(...progressText(opts.progress, opts.runs, opts.batchFrom, width));
  if (opts.grade) {
    out.push(plain(''));
    out.push(...wrapped(gradeHeadline(opts.grade, opts.partyName), width, '', { bold: true }));
    const [overall, ...each] = gradeSentences(opts.grade, opts.partyName);
    out.push(...wrapped(overall!, width, '  ', {}, '  '));
    for (const s of each) out.push(...wrapped(s, width, '    ', { dim: true }, '  • '));
  }
  if (opts.story && (opts.story.turning.length > 0 || opts.story.moves.length > 0)) {
    out.push(plain(''));
    out.push(plain('The story: turning points', { bold: true }));
    for (const t of opts.story.turning) out.push(...wrapped(`${t.date}  ${t.text}`, width, '           ', t.kind === 'outcome' ? { color: 'green' } : {}, '  '));
    if (opts.story.moves.length > 0) {
      out.push(plain('Key moves, and why (w explains any computer move)', { bold: true }));
      for (const m of opts.story.moves) out.push(...wrapped(`${m.date}  ${m.text}${m.why ? ` · why: ${m.why}` : ''}`, width, '           ', {}, '  '));
    }
  }
  out.push(plain(''));
  const hist = d.recorded > 0 ? `you made the recorded move in ${d.matched} of ${d.recorded} recorded month${d.recorded === 1 ? '' : 's'}` : 'the track records no move of yours in these months';
  out.push(...wrapped(`Your path against the history track (${hist}${d.historyEnds ? `; the record ends ${d.historyEnds}` : ''})`, width, '', { bold: true }));
  const moveWidth = Math.max(12, Math.floor((width - 14) / 2));
  for (const p of d.path) {
    const mark = p.same === null ? '·' : p.same ? '✔' : '✖';
    out.push([
      { text: `  ${p.date} ` },
      { text: `${mark} `, color: p.same === null ? 'gray' : p.same ? 'green' : 'red' },
      { text: fit(p.yours ?? '(no move)', moveWidth) },
      { text: p.record === null ? ' (nothing on the record)' : ` record: ${truncate(p.record, moveWidth)}`, dim: true },
    ]);
  }
  if (opts.indicators.length > 0) {
    out.push(plain(''));
    out.push(plain('Key indicators, from the scenario start to the end', { bold: true }));
    const spark = Math.min(24, Math.max(4, opts.indicators[0]!.series.length));
    const labelWidth = Math.max(12, width - spark - 24);
    for (const i of opts.indicators)
      out.push([
        { text: `  ${fit(i.label, labelWidth)} ` },
        { text: `${formatValue(i.series[0] ?? i.value).padStart(5)} → ${formatValue(i.value).padEnd(5)} ` },
        // The whole game, squeezed to the width (not its last turns only).
        { text: sparkline(resample(i.series, spark), spark, (i.max - i.min) * 0.05, i), color: 'blue' },
      ]);
  }
  out.push(plain(''));
  out.push(...wrapped(`Seed ${opts.seed}. Play the same game again: ${opts.replay}`, width, '', { dim: true }));
  out.push(plain('u undo your last turn and play on · s save · q quit · ? help', { dim: true }));
  return out;
}

/** The player's goals: the party's interests heaviest first, with their share of its weights in its posture and what each asks for. */
export function goalsLines(g: { posture: string; goals: readonly Goal[] }, width: number, partyName: string): Line[] {
  const out: Line[] = [];
  out.push(...wrapped(`What ${partyName} wants, as its sources state it, weighed in its posture now (${g.posture}). The computer plays the other parties by the same kind of goals; the debrief shows how yours turned out.`, width, ''));
  out.push(plain(''));
  for (const goal of g.goals) {
    out.push([{ text: `${formatPercent(goal.share).padStart(4)}  `, bold: true, color: 'yellow' }, { text: truncate(goal.text, Math.max(10, width - 6)), bold: true }]);
    out.push(...wrapped(goal.want, width, '      ', { color: 'cyan' }));
    out.push(...quoteLines(goal.quotes, width, '      '));
  }
  if (g.goals.length === 0) out.push(plain('No interest weighs in this posture.', { dim: true }));
  return out;
}
