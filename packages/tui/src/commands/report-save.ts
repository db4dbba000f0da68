/**
 * `wargame report <save>`: the report of a played game or a workshop as a file
 * a teacher can hand out — outcomes reached and how often computer-played runs
 * over the same months reach them, every branch side by side, each played
 * party's path against the history track, the rulings and injects with their
 * effects, the turn-by-turn record of every party's move with the notes, and
 * charts over time (one scale per chart, labels not ids). `--team <party>`
 * writes one team's version: only what that team knew (its goals, the news as
 * it was told, the indicators it could see, its relations). Self-contained
 * HTML, or Markdown with data-URI images.
 */
import { basename, dirname, join } from 'node:path';
import { buildDesign, playChunk, prepareBatchContext, renderChartSvg, renderDocument, type Block, type DocumentChart, type RunPlay } from '@wargame/batch';
import { comparisonOf } from '../app/comparison.js';
import { evaluateOutcomes, monthIndex, monthText, pairIndex, type CompiledIndicator, type CompiledScenario, type Session } from '@wargame/engine';
import { goalsOf } from '../app/briefing-model.js';
import { buildDebrief, frequencySentence, tallyOutcomes, type BatchValue } from '../app/debrief-model.js';
import { formatCount, formatPercent, formatValue } from '../app/format.js';
import { eventLine, moveLine, turnRecords, type TurnRecord } from '../app/turn-record.js';
import { turnName } from '../app/turn-name.js';
import { computerRunUtilities, gradeHeadline, gradeParty, gradeSentences, interestUtilities, storyOf } from '../app/grade.js';
import { err, UserError, writeFileAtomic } from '../io.js';
import { readSave } from './replay.js';

export interface SaveReportOptions {
  format: 'md' | 'html';
  out?: string;
  /** The party whose path is compared with the record (default: the party or parties a person played). */
  as?: string;
  /** Computer-played runs to compare the outcomes with (0: none). */
  runs: number;
  scenario?: string;
  /** One team's version: only what that party knew. */
  team?: string;
}

/** The parties a person chose for along the head's branch, in party order. */
function playedParties(scenario: CompiledScenario, session: Session): number[] {
  const ids = new Set<string>();
  for (const node of session.path()) for (const id of Object.keys(node.inputs?.choices ?? {})) ids.add(id);
  return scenario.parties.filter((p) => ids.has(p.id)).map((p) => p.index);
}

/** The turn from which a party was played by a person (earlier turns followed history or the computer). */
function firstPlayedTurn(session: Session, partyId: string): number {
  const i = session.path().findIndex((n) => n.inputs?.choices !== undefined && Object.hasOwn(n.inputs.choices, partyId));
  return i < 0 ? 0 : i - 1;
}

/** How often each outcome happens in `runs` computer-played runs with the game's seed and parameters. */
function backgroundColumns(scenario: CompiledScenario, session: Session, runs: number, play: RunPlay): Record<string, BatchValue[]> | null {
  if (runs <= 0) return null;
  const design = buildDesign(scenario, { fixed: session.params, sweep: [], seed: session.seed });
  if (!design.ok) return null;
  const ctx = prepareBatchContext(scenario, design.value, session.seed, runs, play);
  const r = playChunk(ctx, { from: 0, to: runs });
  if (!r.ok) throw new UserError(`the comparison run ${r.run} failed: ${r.message}${r.seed ? ` (replay: wargame run ${scenario.id} --seed ${r.seed})` : ''}`);
  // Outcome columns follow run, cell, rep, seed, turns and the parameters (batchColumns).
  const offset = 5 + scenario.parameters.length;
  return Object.fromEntries(scenario.outcomes.map((o, k) => [o.id, r.rows.map((row) => row[offset + k] as BatchValue)]));
}

const isoMonth = (date: string) => `${date}-01`;

async function lineChart(id: string, title: string, alt: string, values: { date: string; series: string; value: number }[], yTitle: string, domain?: [number, number]): Promise<DocumentChart> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 640,
    height: 280,
    data: { values: values.map((v) => ({ ...v, date: isoMonth(v.date) })) },
    mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'date', type: 'temporal', timeUnit: 'yearmonth', title: null, axis: { format: '%Y-%m', labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', title: yTitle, ...(domain ? { scale: { domain } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 260 } },
      // Dashes as well as colours, so the lines stay apart in print and without colour vision.
      strokeDash: { field: 'series', type: 'nominal', legend: null },
    },
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
  };
  const svg = await renderChartSvg(spec as Parameters<typeof renderChartSvg>[0], id);
  return { id, title, alt, svg };
}

/** A party named by id or name (case-insensitive), or a precise error naming the flag. */
function partyArg(scenario: CompiledScenario, flag: string, name: string): number {
  const p = scenario.parties.find((x) => x.id === name || x.name.toLowerCase() === name.toLowerCase());
  if (!p) throw new UserError(`${flag}: no party "${name}" in ${scenario.id}; parties are ${scenario.parties.map((x) => x.id).join(', ')}`);
  return p.index;
}

/** Series on one chart share one scale: indicators are grouped by range and unit (never thousands and 0/1 on one axis), at most six a chart. */
function byScale(indicators: readonly CompiledIndicator[]): CompiledIndicator[][] {
  const groups = new Map<string, CompiledIndicator[]>();
  for (const ind of indicators) {
    const key = `${ind.min}|${ind.max}|${ind.unit ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), ind]);
  }
  return [...groups.values()].flatMap((g) => Array.from({ length: Math.ceil(g.length / 6) }, (_, i) => g.slice(i * 6, i * 6 + 6)));
}

const scaleTitle = (ind: CompiledIndicator) => `${ind.unit ?? 'value'} (${formatValue(ind.min)}–${formatValue(ind.max)})`;

/** Charts of indicators over a branch's months, one scale each; `value` reads an indicator in a state (the truth, or what a party saw). */
async function indicatorCharts(
  scenario: CompiledScenario,
  session: Session,
  indicators: readonly CompiledIndicator[],
  ids: { next: () => string },
  titleOf: (group: CompiledIndicator[]) => string,
): Promise<DocumentChart[]> {
  const path = session.path();
  const logs = session.history();
  const first = logs[0]!.date;
  const last = logs.at(-1)!.date;
  const after = (date: string) => monthText(monthIndex(date) + scenario.calendar.step);
  const charts: DocumentChart[] = [];
  for (const group of byScale(indicators)) {
    // A point is the state at the start of a month: before the first turn at its date, each turn's result one step later.
    const values = group.flatMap((ind) => {
      const i = scenario.indicators.indexOf(ind);
      return [
        { date: first, series: ind.label, value: session.stateOf(path[0]!.id).ind[i]! },
        ...path.filter((n) => n.log).map((n) => ({ date: after(n.log!.date), series: ind.label, value: session.stateOf(n.id).ind[i]! })),
      ];
    });
    const one = group[0]!;
    charts.push(await lineChart(ids.next(), titleOf(group), `Line chart of ${group.map((i) => i.label).join(', ')} from ${first} to ${last}, on a scale of ${scaleTitle(one)}`, values, scaleTitle(one), [one.min, one.max]));
  }
  return charts;
}

/** A party's relations with every other over the branch's months. */
async function relationChart(scenario: CompiledScenario, session: Session, p: number, id: string): Promise<DocumentChart> {
  const party = scenario.parties[p]!;
  const n = scenario.parties.length;
  const logs = session.history();
  const path = session.path();
  const after = (date: string) => monthText(monthIndex(date) + scenario.calendar.step);
  const values = scenario.parties
    .filter((q) => q.index !== p)
    .flatMap((q) => {
      const k = pairIndex(p, q.index, n);
      return [{ date: logs[0]!.date, series: q.name, value: session.stateOf(path[0]!.id).rel[k]! }, ...path.filter((nd) => nd.log).map((nd) => ({ date: after(nd.log!.date), series: q.name, value: session.stateOf(nd.id).rel[k]! }))];
    });
  const { min, max } = scenario.relations;
  return lineChart(id, `${party.name}'s relations at the start of each month`, `Line chart of ${party.name}'s relations with each other party from ${logs[0]!.date} to ${logs.at(-1)!.date}`, values, `relation (${formatValue(min)}–${formatValue(max)})`, [min, max]);
}

/** The turn-by-turn table of a branch's records. */
function turnTable(records: readonly TurnRecord[], withNotes: boolean): Block {
  return {
    kind: 'table',
    table: {
      head: ['Date', 'Events', 'Moves', 'Posture changes', ...(withNotes ? ['Note'] : [])],
      rows: records.map((r) => [
        r.date,
        r.events.map(eventLine),
        [...r.moves.filter((m) => m.move !== null || m.team).map(moveLine), ...r.messages.map((m) => `✉ ${m}`)],
        r.postures.map((p) => `${p.name}: ${p.from} → ${p.to}`),
        ...(withNotes ? [r.note ? r.note.split('\n') : ''] : []),
      ]),
      numeric: [false, false, false, false, ...(withNotes ? [false] : [])],
    },
  };
}

function outcomeText(scenario: CompiledScenario, state: Parameters<typeof evaluateOutcomes>[1], id: string): string {
  const o = scenario.outcomes.find((x) => x.id === id)!;
  const v = evaluateOutcomes(scenario, state)[id]!.value;
  if (o.type === 'boolean') return v === true ? 'yes' : 'no';
  if (o.type === 'number') return formatValue(Number(v));
  return String(v);
}

/** Every branch side by side: how far it went, what it reached, where its key indicators ended, what the facilitator did on it. */
function branchesSideBySide(scenario: CompiledScenario, session: Session): Block[] {
  const branches = session.branches();
  if (branches.length < 2) return [];
  const keyed = scenario.indicators.filter((i) => i.key);
  const own = branches.map((b) => {
    const path = session.path(b.leaf);
    return path.slice(path.findIndex((n) => n.id === b.start));
  });
  const count = (i: number, pick: (n: (typeof own)[number][number]) => number) => String(own[i]!.reduce((s, n) => s + pick(n), 0));
  const head = ['', ...branches.map((b, i) => `Branch ${i + 1}${b.name ? ` “${b.name}”` : ''}${b.isHead ? ' (last played)' : ''}`)];
  const rows: string[][] = [
    ['Turns', ...branches.map((b) => (b.forkedAt === 0 ? `1–${b.turns}` : `forked after turn ${b.forkedAt}: ${b.forkedAt + 1}–${b.turns}`))],
    ['Ends', ...branches.map((b) => turnName(scenario, session.nodes[b.leaf]!.turn))],
    ...scenario.outcomes.map((o) => [o.label, ...branches.map((b) => outcomeText(scenario, session.stateOf(b.leaf), o.id))]),
    ...keyed.map((ind) => [`${ind.label} at the end`, ...branches.map((b) => formatValue(session.stateOf(b.leaf).ind[scenario.indicators.indexOf(ind)]!))]),
    ['Rulings (own turns)', ...branches.map((_, i) => count(i, (n) => Object.keys(n.inputs?.adjudicate ?? {}).length))],
    ['Injects (own turns)', ...branches.map((_, i) => count(i, (n) => n.inputs?.inject?.length ?? 0))],
    ['Notes (own turns)', ...branches.map((_, i) => count(i, (n) => (n.note ? 1 : 0)))],
  ];
  return [
    { kind: 'heading', level: 2, text: 'Branches side by side' },
    { kind: 'paragraph', inlines: [`${branches.length} branches: each a line of play from the start or from a fork (a rewind or a what-if). Outcomes and key indicators as each branch left them; the turns of each branch after its fork are below.`] },
    { kind: 'table', table: { head, rows, numeric: head.map(() => false) } },
  ];
}

/** The rulings and injects of every branch, each with its effects. */
function rulingsAndInjects(scenario: CompiledScenario, session: Session): Block[] {
  const rows: string[][] = [];
  const branches = session.branches();
  for (const [i, b] of branches.entries()) {
    const records = turnRecords(scenario, session, b.leaf).filter((r) => r.turn > b.forkedAt);
    for (const r of records) {
      for (const e of r.events.filter((x) => x.kind === 'injected')) rows.push([r.date, String(i + 1), e.written ? `written inject “${e.label}”` : `injected “${e.label}”`, e.effects || 'no direct effect']);
      for (const m of r.moves.filter((x) => x.ruling)) rows.push([r.date, String(i + 1), `ruling on ${m.name}'s ${m.move ?? 'move'}`, m.ruling!]);
    }
  }
  if (rows.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Rulings and injects' },
    { kind: 'paragraph', inlines: ['What the facilitator decided: events injected into a turn (the scenario’s, or written for the session) and rulings on a move after the reveal, with what each did.'] },
    { kind: 'table', table: { head: ['Date', 'Branch', 'What', 'Effects'], rows, numeric: [false, true, false, false] } },
  ];
}

export async function reportSaveCommand(file: string, o: SaveReportOptions): Promise<number> {
  const { scenario, session } = readSave(file, o.scenario);
  const logs = session.history();
  if (logs.length === 0) throw new UserError(`${file}: the save has no turns played yet; there is nothing to report`);
  if (o.team !== undefined && o.as !== undefined) throw new UserError('--team and --as cannot be given together: --team writes that party’s own report');
  const team = o.team === undefined ? undefined : partyArg(scenario, '--team', o.team);
  const doc = team === undefined ? await workshopReport(file, scenario, session, o) : await teamReport(file, scenario, session, team);
  const title = team === undefined ? `Game report: ${scenario.title}` : `Team report: ${scenario.parties[team]!.name} — ${scenario.title}`;
  const text = renderDocument(title, doc, o.format);
  const stem = basename(file).replace(/(\.save)?\.json$/i, '');
  const target = o.out ?? join(dirname(file), `${stem}${team === undefined ? '' : `.${scenario.parties[team]!.id}`}.report.${o.format}`);
  writeFileAtomic(target, text);
  err(`wrote ${target}`);
  return 0;
}

async function workshopReport(file: string, scenario: CompiledScenario, session: Session, o: SaveReportOptions): Promise<Block[]> {
  const logs = session.history();
  const players = o.as !== undefined ? [partyArg(scenario, '--as', o.as)] : playedParties(scenario, session);
  const comparison = comparisonOf(session);
  const columns = backgroundColumns(scenario, session, o.runs, comparison.play);
  const first = logs[0]!.date;
  const last = logs.at(-1)!.date;
  const who = players.length === 0 ? 'the computer played every party' : players.map((i) => scenario.parties[i]!.name).join(', ');
  const branches = session.branches();

  const doc: Block[] = [
    {
      kind: 'meta',
      items: [
        ['Scenario', [`${scenario.title} (`, { code: scenario.id }, ')']],
        ['Played', [`${who}; ${logs.length} turns, ${first} – ${last}${branches.length > 1 ? `, on ${branches.length} branches (this report follows the last one played; all are compared below)` : ''}`]],
        ['Seed', [{ code: session.seed }, Object.keys(session.params).length > 0 ? ` · parameters ${Object.entries(session.params).map(([k, v]) => `${k}=${v}`).join(', ')}` : '']],
        ['Replay', [{ code: `wargame replay ${file}` }, ` — final state hash `, { code: session.head.hash }, ' · for the room, turn by turn: ', { code: `wargame replay --show ${file}` }]],
      ],
    },
  ];

  // Outcomes, against the computer-played runs.
  const debrief = buildDebrief(scenario, session, players[0] ?? 0, players[0] === undefined ? 0 : firstPlayedTurn(session, scenario.parties[players[0]]!.id));
  const tally = columns ? tallyOutcomes(scenario, columns, session.outcomes()) : {};
  doc.push({ kind: 'heading', level: 2, text: 'Outcomes' });
  doc.push({
    kind: 'paragraph',
    inlines: [
      columns
        ? `What this game reached, and how often ${formatCount(o.runs)} runs reach it that the computer played over the same months with the same seed and parameters: ${comparison.play.followHistoryUntil === undefined ? '' : `the record followed until ${comparison.from}, then `}the computer from ${comparison.from} to ${comparison.to} (seeds ${session.seed}.0 … ${session.seed}.${o.runs - 1}).`
        : 'What this game reached.',
    ],
  });
  doc.push({
    kind: 'table',
    table: {
      head: ['Outcome', 'This game', columns ? `In ${formatCount(o.runs)} runs` : ''],
      rows: debrief.outcomes.map((line) => [line.label, line.date ? `${line.yours} (${line.date})` : line.yours, columns ? frequencySentence(line, tally[line.id]).replace(`${line.label}: `, '') : '']),
      numeric: [false, false, false],
    },
  });

  // Each played party against the computer playing it over the same runs, interest by interest.
  if (columns)
    for (const p of players) {
      const party = scenario.parties[p]!;
      const run = computerRunUtilities(scenario, { seed: session.seed, params: session.params, play: comparison.play, party: p });
      const theirs: number[][] = [];
      for (let i = 0; i < o.runs; i++) {
        const u = run(i);
        if (!Array.isArray(u)) throw new UserError(`the comparison run ${i} failed: ${u.error} (replay: wargame run ${scenario.id} --seed ${session.seed}.${i})`);
        theirs.push(u);
      }
      const took = session.stateOf(session.path()[Math.min(firstPlayedTurn(session, party.id), session.path().length - 1)]!.id);
      const grade = gradeParty(scenario, p, took.posture[p]!, interestUtilities(scenario, p, session.state), theirs);
      const [overall, ...each] = gradeSentences(grade, party.name);
      doc.push({ kind: 'heading', level: 2, text: `${party.name} against the computer` });
      doc.push({ kind: 'paragraph', inlines: [{ strong: gradeHeadline(grade, party.name) }, ` ${overall}`] });
      doc.push({ kind: 'list', items: each.map((t) => [t]) });
    }

  // The story: turning points, and each party's key move with the computer's reason for it.
  const story = storyOf(scenario, session, players.length === 1 ? players[0]! : -1, 0);
  if (story.turning.length > 0 || story.moves.length > 0) {
    doc.push({ kind: 'heading', level: 2, text: 'The story' });
    if (story.turning.length > 0) doc.push({ kind: 'table', table: { head: ['Date', 'Turning point'], rows: story.turning.map((t) => [t.date, t.text]), numeric: [false, false] } });
    if (story.moves.length > 0)
      doc.push({ kind: 'table', table: { head: ['Date', 'Key move', 'Why'], rows: story.moves.map((m) => [m.date, m.text, m.why ?? '']), numeric: [false, false, false] } });
  }

  doc.push(...branchesSideBySide(scenario, session));

  // Each played party's path against the history track.
  for (const p of players) {
    const party = scenario.parties[p]!;
    const d = buildDebrief(scenario, session, p, firstPlayedTurn(session, party.id));
    const recorded = d.path.filter((r) => r.same !== null);
    if (recorded.length === 0) continue;
    doc.push({ kind: 'heading', level: 2, text: `${party.name} against the record` });
    doc.push({ kind: 'paragraph', inlines: [`Of ${recorded.length} months with a recorded move of ${party.name}, the game made the same move in ${d.matched} (${formatPercent(d.matched / recorded.length)}). The record ends in ${d.historyEnds ?? '—'}.`] });
    doc.push({
      kind: 'table',
      table: { head: ['Date', 'In this game', 'On the record', ''], rows: recorded.map((r) => [r.date, r.yours ?? 'no move', r.record ?? '', r.same ? 'same' : 'different']), numeric: [false, false, false, false] },
    });
  }

  doc.push(...rulingsAndInjects(scenario, session));

  // Charts over time: key indicators (all if none is marked key), one scale a chart; and the played parties' relations.
  const shown = scenario.indicators.filter((i) => i.key);
  let chart = 0;
  const ids = { next: () => `chart-${++chart}` };
  doc.push({ kind: 'heading', level: 2, text: 'The world over time' });
  const charts = await indicatorCharts(scenario, session, shown.length > 0 ? shown : scenario.indicators, ids, (g) => (g.length === 1 ? `${g[0]!.label} at the start of each month` : `Key indicators on ${scaleTitle(g[0]!)} at the start of each month`));
  for (const c of charts) doc.push({ kind: 'chart', chart: c });
  for (const p of players) doc.push({ kind: 'chart', chart: await relationChart(scenario, session, p, ids.next()) });

  // The record of the game, turn by turn: every party's move, the rulings, the injects with their effects, the notes.
  doc.push({ kind: 'heading', level: 2, text: 'Turn by turn' });
  doc.push({ kind: 'paragraph', inlines: ['Every party’s move each month ((team): chosen by people), what fired, the facilitator’s rulings (⚖) and the notes.'] });
  doc.push(turnTable(turnRecords(scenario, session), true));
  for (const [i, b] of branches.entries()) {
    if (b.isHead) continue;
    const own = turnRecords(scenario, session, b.leaf).filter((r) => r.turn > b.forkedAt);
    if (own.length === 0) continue;
    doc.push({ kind: 'heading', level: 3, text: `Branch ${i + 1}${b.name ? ` “${b.name}”` : ''}: turns ${own[0]!.turn}–${own.at(-1)!.turn} (${own[0]!.date} – ${own.at(-1)!.date})` });
    doc.push(turnTable(own, true));
  }
  const start = session.stateOf(session.path()[0]!.id);
  doc.push({ kind: 'heading', level: 2, text: 'Where the game ended' });
  doc.push({
    kind: 'table',
    table: {
      head: ['Indicator', 'Start', 'End'],
      rows: scenario.indicators.map((ind, i) => [ind.label, formatValue(start.ind[i]!), formatValue(session.state.ind[i]!)]),
      numeric: [false, true, true],
    },
  });
  return doc;
}

/** One team's report: only what its party knew — its goals, its moves against the record, the news as it was told, the indicators it could see, its relations. */
async function teamReport(file: string, scenario: CompiledScenario, session: Session, p: number): Promise<Block[]> {
  const party = scenario.parties[p]!;
  const logs = session.history();
  const start = session.stateOf(session.path()[0]!.id);
  const doc: Block[] = [
    {
      kind: 'meta',
      items: [
        ['Scenario', [`${scenario.title} (`, { code: scenario.id }, ')']],
        ['Team', [`${party.name}; ${logs.length} turns, ${logs[0]!.date} – ${logs.at(-1)!.date}`]],
        ['What this report holds', ['only what the team knew: the news as it was told, the indicators it could see. The facilitator’s report: ', { code: `wargame report ${file}` }]],
      ],
    },
  ];
  const goals = goalsOf(scenario, start, p);
  doc.push({ kind: 'heading', level: 2, text: `${party.name}'s goals` });
  doc.push({ kind: 'paragraph', inlines: [`What ${party.name} wants, heaviest first, as weighed in its posture at the start (${goals.posture}):`] });
  doc.push({ kind: 'list', items: goals.goals.map((g) => [{ strong: formatPercent(g.share) }, ` ${g.text} — ${g.want}`]) });

  const d = buildDebrief(scenario, session, p, firstPlayedTurn(session, party.id));
  doc.push({ kind: 'heading', level: 2, text: `${party.name}'s moves` });
  doc.push({
    kind: 'table',
    table: { head: ['Date', 'Move', 'On the record'], rows: d.path.map((r) => [r.date, r.yours ?? 'no move', r.same === null ? '' : r.same ? `same: ${r.record}` : `different: ${r.record}`]), numeric: [false, false, false] },
  });

  const seen = scenario.indicators.filter((i) => (i.key || i.of === p) && (i.visibleTo === null || i.visibleTo[p] === true));
  let chart = 0;
  const ids = { next: () => `chart-${++chart}` };
  doc.push({ kind: 'heading', level: 2, text: 'The world as the team saw it' });
  for (const c of await indicatorCharts(scenario, session, seen, ids, (g) => (g.length === 1 ? `${g[0]!.label} at the start of each month` : `Indicators on ${scaleTitle(g[0]!)} at the start of each month`)))
    doc.push({ kind: 'chart', chart: c });
  doc.push({ kind: 'chart', chart: await relationChart(scenario, session, p, ids.next()) });

  doc.push({ kind: 'heading', level: 2, text: 'The news, turn by turn' });
  doc.push({ kind: 'paragraph', inlines: [`As ${party.name} was told it: others’ secret moves and what it could not see are left out.`] });
  doc.push(turnTable(turnRecords(scenario, session, undefined, p), false));
  return doc;
}
