/**
 * `wargame report <save>`: the debrief of a played or facilitated game as a
 * file — outcomes reached and how often a batch of computer-played runs reaches
 * them, the player's path against the history track, the turn-by-turn record,
 * and charts of the indicators and relations over time (self-contained HTML,
 * or Markdown with data-URI images).
 */
import { basename, dirname, join } from 'node:path';
import { buildDesign, playChunk, prepareBatchContext, renderChartSvg, renderDocument, type Block, type DocumentChart, type RunPlay } from '@wargame/batch';
import { comparisonOf } from '../app/comparison.js';
import { monthIndex, monthText, pairIndex, type CompiledScenario, type Session } from '@wargame/engine';
import { buildDebrief, frequencySentence, tallyOutcomes, type BatchValue } from '../app/debrief-model.js';
import { formatCount, formatValue } from '../app/format.js';
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

async function lineChart(id: string, title: string, alt: string, values: { date: string; series: string; value: number }[], yTitle: string): Promise<DocumentChart> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 640,
    height: 280,
    data: { values: values.map((v) => ({ ...v, date: isoMonth(v.date) })) },
    mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'date', type: 'temporal', timeUnit: 'yearmonth', title: null, axis: { format: '%Y-%m', labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 260 } },
      // Dashes as well as colours, so the lines stay apart in print and without colour vision.
      strokeDash: { field: 'series', type: 'nominal', legend: null },
    },
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
  };
  const svg = await renderChartSvg(spec as Parameters<typeof renderChartSvg>[0], id);
  return { id, title, alt, svg };
}

export async function reportSaveCommand(file: string, o: SaveReportOptions): Promise<number> {
  const { scenario, session } = readSave(file, o.scenario);
  const logs = session.history();
  if (logs.length === 0) throw new UserError(`${file}: the save has no turns played yet; there is nothing to report`);
  let players = playedParties(scenario, session);
  if (o.as !== undefined) {
    const p = scenario.parties.find((x) => x.id === o.as || x.name.toLowerCase() === o.as!.toLowerCase());
    if (!p) throw new UserError(`--as: no party "${o.as}" in ${scenario.id}; parties are ${scenario.parties.map((x) => x.id).join(', ')}`);
    players = [p.index];
  }
  const comparison = comparisonOf(session);
  const columns = backgroundColumns(scenario, session, o.runs, comparison.play);
  const first = logs[0]!.date;
  const last = logs.at(-1)!.date;
  const who = players.length === 0 ? 'the computer played every party' : players.map((i) => scenario.parties[i]!.name).join(', ');

  const doc: Block[] = [
    {
      kind: 'meta',
      items: [
        ['Scenario', [`${scenario.title} (`, { code: scenario.id }, ')']],
        ['Played', [`${who}; ${logs.length} turns, ${first} – ${last}`]],
        ['Seed', [{ code: session.seed }, Object.keys(session.params).length > 0 ? ` · parameters ${Object.entries(session.params).map(([k, v]) => `${k}=${v}`).join(', ')}` : '']],
        ['Replay', [{ code: `wargame replay ${file}` }, ` — final state hash `, { code: session.head.hash }]],
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

  // Each played party's path against the history track.
  for (const p of players) {
    const party = scenario.parties[p]!;
    const d = buildDebrief(scenario, session, p, firstPlayedTurn(session, party.id));
    const recorded = d.path.filter((r) => r.same !== null);
    if (recorded.length === 0) continue;
    doc.push({ kind: 'heading', level: 2, text: `${party.name} against the record` });
    doc.push({ kind: 'paragraph', inlines: [`Of ${recorded.length} months with a recorded move of ${party.name}, the game made the same move in ${d.matched}. The record ends in ${d.historyEnds ?? '—'}.`] });
    doc.push({
      kind: 'table',
      table: { head: ['Date', 'In this game', 'On the record', ''], rows: recorded.map((r) => [r.date, r.yours ?? 'no move', r.record ?? '', r.same ? 'same' : 'different']), numeric: [false, false, false, false] },
    });
  }

  // Charts over time: key indicators (all indicators if none is marked key), and the players' relations.
  const shown = scenario.indicators.filter((i) => i.key);
  const indicators = shown.length > 0 ? shown : scenario.indicators;
  const start = session.stateOf(session.path()[0]!.id);
  // A point is the state at the start of a month: before the first turn at its date, each turn's result one step later.
  const startDate = first;
  const after = (date: string) => monthText(monthIndex(date) + scenario.calendar.step);
  const series = indicators.flatMap((ind) => [
    { date: startDate, series: ind.label, value: start.ind[scenario.indicators.indexOf(ind)]! },
    ...logs.map((l) => ({ date: after(l.date), series: ind.label, value: l.indicators[ind.id]! })),
  ]);
  doc.push({ kind: 'heading', level: 2, text: 'The world over time' });
  doc.push({ kind: 'chart', chart: await lineChart('chart-1', 'Key indicators at the start of each month', `Line chart of ${indicators.map((i) => i.label).join(', ')} from ${first} to ${last}`, series, 'value') });
  const n = scenario.parties.length;
  // The turns played on the path, each with its state (relations are logged as changes only).
  const played = session.path().filter((nd) => nd.log !== null);
  for (const [k, p] of players.entries()) {
    const party = scenario.parties[p]!;
    const rel = scenario.parties
      .filter((q) => q.index !== p)
      .flatMap((q) => {
        const k = pairIndex(p, q.index, n);
        return [{ date: startDate, series: q.name, value: start.rel[k]! }, ...played.map((nd) => ({ date: after(nd.log!.date), series: q.name, value: session.stateOf(nd.id).rel[k]! }))];
      });
    doc.push({ kind: 'chart', chart: await lineChart(`chart-${k + 2}`, `${party.name}'s relations at the start of each month`, `Line chart of ${party.name}'s relations with each other party from ${first} to ${last}`, rel, 'relation (−100 … 100)') });
  }

  // The record of the game, turn by turn.
  doc.push({ kind: 'heading', level: 2, text: 'Turn by turn' });
  const playerIds = new Set(players.map((p) => scenario.parties[p]!.id));
  const notes = new Map(session.path().filter((nd) => nd.note).map((nd) => [nd.turn, nd.note!]));
  doc.push({
    kind: 'table',
    table: {
      head: ['Date', 'Events', players.length > 0 ? 'Played' : 'Moves', 'Posture changes', 'Note'],
      rows: logs.map((l) => [
        l.date,
        l.events.filter((e) => e.kind !== 'recurring').map((e) => `${e.label}${e.kind === 'injected' ? ' (injected)' : ''}`),
        l.parties.filter((p) => (players.length > 0 ? playerIds.has(p.party) : p.move !== null)).map((p) => `${scenario.parties.find((x) => x.id === p.party)!.name}: ${p.moveLabel ?? 'no move'}${p.success ? '' : ' (failed)'}${p.adjudicated ? ' (adjudicated)' : ''}`),
        l.parties.filter((p) => p.transition).map((p) => `${scenario.parties.find((x) => x.id === p.party)!.name}: ${p.previousPosture} → ${p.posture}`),
        [l.note ?? notes.get(l.turn) ?? ''],
      ]),
      numeric: [false, false, false, false, false],
    },
  });
  doc.push({ kind: 'heading', level: 2, text: 'Where the game ended' });
  doc.push({
    kind: 'table',
    table: {
      head: ['Indicator', 'Start', 'End'],
      rows: scenario.indicators.map((ind, i) => [ind.label, formatValue(start.ind[i]!), formatValue(session.state.ind[i]!)]),
      numeric: [false, true, true],
    },
  });

  const text = renderDocument(`Game report: ${scenario.title}`, doc, o.format);
  const target = o.out ?? join(dirname(file), `${basename(file).replace(/(\.save)?\.json$/i, '')}.report.${o.format}`);
  writeFileAtomic(target, text);
  err(`wrote ${target}`);
  return 0;
}
