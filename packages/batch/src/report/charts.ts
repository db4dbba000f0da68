/**
 * The charts of a batch report: Vega-Lite specs built from a `BatchSummary`,
 * rendered to SVG strings in Node by vega's headless View (no canvas, no
 * network, no fonts fetched). Same summary → same SVG bytes.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { quantileAt } from '../stats/quantile.js';
import type { BatchSummary, CellSummary, OutcomeSummary, Proportion } from '../summary-types.js';
import { formatGroupedNumber as formatNumber, formatPercent as percent, formatPercentFixed as percentEnd } from '../text/numbers.js';

export type ChartKind = 'boolean' | 'category' | 'number' | 'sweep-boolean' | 'sweep-category' | 'sweep-number';

export interface BatchChart {
  /** Unique within a report and usable as an HTML id: `chart-1`, `chart-2`, … */
  id: string;
  kind: ChartKind;
  /** The outcome shown; absent for the chart of all boolean outcomes together. */
  outcome?: string;
  title: string;
  /** A text alternative for the image. */
  alt: string;
  spec: TopLevelSpec;
}

export interface RenderedChart extends BatchChart {
  /** A standalone `<svg>` element: ids prefixed with the chart id, no scripts, no external references. */
  svg: string;
}

type NumberOutcome = Extract<OutcomeSummary, { type: 'number' }>;
type Row = Record<string, string | number>;

// Okabe–Ito: distinguishable with the common colour-vision deficiencies; every
// colour encoding is doubled by a shape or a dash pattern, so grey print works too.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left', 'triangle-right'];
const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [2, 6], [6, 2, 2, 2, 2, 2]];
const BAR = '#9cc3e4';
const INK = '#222222';

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 8,
  view: { stroke: '#cccccc' },
  axis: {
    labelFontSize: 14,
    titleFontSize: 14,
    titleFontWeight: 'normal' as const,
    titlePadding: 10,
    labelLimit: 360,
    labelColor: INK,
    titleColor: INK,
    gridColor: '#e6e6e6',
    domainColor: '#888888',
    tickColor: '#888888',
  },
  legend: { labelFontSize: 14, titleFontSize: 14, titleFontWeight: 'normal' as const, labelLimit: 360, symbolSize: 110, symbolStrokeWidth: 2 },
  header: { labelFontSize: 14, titleFontSize: 14, titleFontWeight: 'normal' as const, labelLimit: 360 },
};

/** Builds the Vega-Lite specs of a summary's charts, in report order. */
export function buildBatchCharts(summary: BatchSummary): BatchChart[] {
  const charts: Omit<BatchChart, 'id'>[] = [];
  const runs = formatNumber(summary.runs);
  const pooled = summary.cells.length > 1 ? ` (all ${runs} runs, pooled over ${summary.cells.length} cells)` : ` (${runs} runs)`;
  const outcomes = summary.overall.outcomes;

  // Outcomes and values with no runs have nothing to draw (the tables show them as —).
  const booleans = outcomes.filter((o) => o.type === 'boolean');
  const labels = uniqueLabels(booleans);
  const booleanRows = booleans.map((o, i) => ({ ...o, label: labels[i]! })).filter((r) => r.n > 0);
  if (booleanRows.length > 0)
    charts.push({
      kind: 'boolean',
      title: `Probability of each outcome${pooled}`,
      alt: `Bar chart: probability of each yes/no outcome with its 95% interval. ${describeBars(booleanRows)}.`,
      spec: proportionBars(booleanRows),
    });
  for (const o of outcomes) {
    if (o.type !== 'category') continue;
    const rows = o.values.map((v) => ({ ...v, label: v.value })).filter((r) => r.n > 0);
    if (rows.length === 0) continue;
    charts.push({
      kind: 'category',
      outcome: o.id,
      title: `${o.label}: frequency of each value${pooled}`,
      alt: `Bar chart: frequency of each value of ${o.label} with its 95% interval. ${describeBars(rows)}.`,
      spec: proportionBars(rows),
    });
  }
  const boxByCell = summary.design === 'grid' && summary.cells.length > 1 && summary.cells.length <= 24;
  for (const o of outcomes) {
    if (o.type !== 'number' || o.n === 0 || o.quantiles.length === 0) continue;
    const rows: Row[] = [];
    if (boxByCell)
      for (const cell of summary.cells) {
        const co = cell.outcomes.find((c) => c.id === o.id);
        if (co?.type === 'number' && co.n > 0 && co.quantiles.length > 0) rows.push(boxRow(cellLabel(summary, cell), co));
      }
    rows.push(boxRow(boxByCell ? 'all cells pooled' : 'all runs', o));
    charts.push({
      kind: 'number',
      outcome: o.id,
      title: `${o.label}: spread over runs${boxByCell ? ' by sweep cell' : pooled}`,
      alt: `Box chart of ${o.label}: whiskers from the 5th to the 95th percentile, box from the 25th to the 75th, a tick at the median. ${rows
        .map((r) => `${r['row']}: median ${formatNumber(Number(r['q50']))}, 5–95% ${formatNumber(Number(r['q05']))} to ${formatNumber(Number(r['q95']))}`)
        .join('; ')}.`,
      spec: numberBoxes(rows, o.label),
    });
  }

  if (summary.design !== 'single' && summary.swept.length > 0 && summary.cells.length > 0) {
    const by = summary.swept.join(' and ');
    const against = summary.swept.join(', ');
    for (const o of outcomes) {
      // Numbers over a small grid are drawn above, one box per cell.
      const data = o.type === 'number' ? (boxByCell ? undefined : quantileRows(summary, o.id)) : proportionRows(summary, o.id);
      if (data === undefined || data.rows.length === 0) continue;
      if (o.type === 'boolean')
        charts.push({
          kind: 'sweep-boolean',
          outcome: o.id,
          title: `${o.label}: probability by ${by}`,
          alt: `Chart of the probability of ${o.label} against ${against}, with its 95% interval, one point per sweep cell.`,
          spec: sweepChart(summary, data, 'probability'),
        });
      else if (o.type === 'category')
        charts.push({
          kind: 'sweep-category',
          outcome: o.id,
          title: `${o.label}: frequency of each value by ${by}`,
          alt: `Chart of the frequency of each value of ${o.label} (${o.values.map((v) => v.value).join(', ')}) against ${against}, with 95% intervals.`,
          spec: sweepChart(summary, data, 'probability'),
        });
      else
        charts.push({
          kind: 'sweep-number',
          outcome: o.id,
          title: `${o.label}: median and interquartile range by ${by}`,
          alt: `Chart of the median of ${o.label} against ${against}, with the range from the 25th to the 75th percentile, one point per sweep cell.`,
          spec: sweepChart(summary, data, 'median'),
        });
    }
  }
  return charts.map((c, i) => ({ id: `chart-${i + 1}`, ...c }));
}

/** Renders every chart of a summary to SVG, in report order. */
export async function renderBatchCharts(summary: BatchSummary): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  // One at a time: simpler to follow, and vega's layout is quick (a report takes well under a second).
  for (const chart of buildBatchCharts(summary)) out.push({ ...chart, svg: await renderChartSvg(chart.spec, chart.id) });
  return out;
}

/**
 * Renders a Vega-Lite spec to an SVG string with vega's headless View.
 * Element ids are renumbered `${idPrefix}-1`, `${idPrefix}-2`… so the output is
 * byte-identical across calls and several charts can share one HTML page.
 *
 * @example
 * const svg = await renderChartSvg(buildBatchCharts(summary)[0]!.spec, 'chart-1');
 */
export async function renderChartSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // Warnings go nowhere: the specs are ours, and the library must not print.
  const logger = vega.logger(vega.None);
  // vega honours a user-defined textMetrics.width (vl-convert sets one the same way); idempotent.
  (vega as unknown as { textMetrics: { width: typeof estimateTextWidth } }).textMetrics.width = estimateTextWidth;
  const vgSpec = vl.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logger, logLevel: vega.None });
  try {
    return normaliseSvg(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}

function normaliseSvg(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `${prefix}-${ids.size + 1}`);
  let out = svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) => {
    const renamed = ids.get(id);
    return renamed === undefined ? all : lead + renamed;
  });
  // The xlink namespace is declared whether or not it is used; drop it when unused.
  if (!/xlink:/.test(out.replace(/ xmlns:xlink="[^"]*"/, ''))) out = out.replace(/ xmlns:xlink="[^"]*"/, '');
  return out;
}

// ── chart specs ──────────────────────────────────────────────────────────────

interface BarRow extends Proportion {
  label: string;
}

function describeBars(rows: BarRow[]): string {
  return rows.map((r) => `${r.label}: ${percent(r.p)} (${percentEnd(r.lo)} to ${percentEnd(r.hi)})`).join('; ');
}

/** Horizontal bars of proportions (0–100%) with their intervals and a printed value. */
function proportionBars(rows: BarRow[]): TopLevelSpec {
  const wrapped = rows.map((r) => wrapLabel(r.label, LABEL_WRAP));
  const lines = Math.max(1, ...wrapped.map((w) => w.split('\n').length));
  const values = rows.map((r, i) => ({
    label: wrapped[i]!,
    p: r.p,
    lo: r.lo,
    hi: r.hi,
    text: `${percent(r.p)}  [${percentEnd(r.lo)}–${percentEnd(r.hi)}]`,
  }));
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: values.map((r) => r.label),
    title: null,
    axis: { labelExpr: "split(datum.value, '\\n')", labelLineHeight: 17 },
  };
  const title = 'probability (bar) and 95% interval (whiskers)';
  const x = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title,
    scale: { domain: [0, 1], nice: false },
    axis: { format: '.0%', tickCount: 5 },
  });
  return {
    config: CONFIG,
    data: { values },
    width: 440,
    height: { step: Math.max(32, 17 * lines + 10) },
    layer: [
      { mark: { type: 'bar', color: BAR, stroke: '#4a7fb0', strokeWidth: 0.5, size: 20 }, encoding: { y, x: x('p') } },
      {
        mark: { type: 'errorbar', ticks: { size: 12 }, color: INK, thickness: 1.5 },
        encoding: { y, x: x('lo'), x2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 8, fontSize: 13, color: INK },
        encoding: { y, x: x('hi'), text: { field: 'text' } },
      },
    ],
  };
}

const quantile = (o: NumberOutcome, p: number) => quantileAt(o.quantiles, p);

function boxRow(row: string, o: NumberOutcome): Row {
  return { row, q05: quantile(o, 0.05), q25: quantile(o, 0.25), q50: quantile(o, 0.5), q75: quantile(o, 0.75), q95: quantile(o, 0.95) };
}

/** One box per row from precomputed quantiles: q05–q95 whisker, q25–q75 box, median tick. */
function numberBoxes(rows: Row[], label: string): TopLevelSpec {
  const y = { field: 'row', type: 'nominal' as const, sort: rows.map((r) => String(r['row'])), title: null };
  const title = `${label}: whiskers 5–95%, box 25–75%, thick tick median`;
  const q = (field: string) => ({ field, type: 'quantitative' as const, title, scale: { zero: false }, axis: { format: ',~r' } });
  const tick = { type: 'tick' as const, color: INK, thickness: 1.5, size: 12 };
  return {
    config: CONFIG,
    data: { values: rows.map((r) => ({ ...r, text: `median ${formatNumber(Number(r['q50']))}` })) },
    width: 440,
    height: { step: 36 },
    layer: [
      { mark: { type: 'rule', color: INK, strokeWidth: 1.5 }, encoding: { y, x: q('q05'), x2: { field: 'q95' } } },
      { mark: tick, encoding: { y, x: q('q05') } },
      { mark: tick, encoding: { y, x: q('q95') } },
      { mark: { type: 'bar', color: BAR, stroke: '#4a7fb0', strokeWidth: 1, size: 20 }, encoding: { y, x: q('q25'), x2: { field: 'q75' } } },
      { mark: { type: 'tick', color: INK, thickness: 3, size: 26 }, encoding: { y, x: q('q50') } },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 8, fontSize: 13, color: INK },
        encoding: { y, x: q('q95'), text: { field: 'text' } },
      },
    ],
  };
}

/**
 * A point of a sweep chart: `x` (a swept parameter's value), `series` (what
 * colour, shape and dash tell apart), `facet` (the panel), `mid` with `lo`–`hi`.
 */
interface SweepRow {
  x: number;
  series: string;
  facet: string;
  mid: number;
  lo: number;
  hi: number;
}

interface SweepData {
  rows: SweepRow[];
  /** Series in legend order; empty when there is one unnamed series. */
  series: string[];
  seriesTitle: string;
  /** Facet values in panel order (each names its parameters); empty for one panel. */
  facets: string[];
  /** For LHS, the panels are the swept parameters and each has its own x scale. */
  lhs: boolean;
}

/** Probability rows of a boolean outcome (one series) or of each value of a category outcome (a series per value). */
function proportionRows(summary: BatchSummary, outcomeId: string): SweepData {
  const byValue: { series: string; cell: CellSummary; pr: Proportion }[] = [];
  // Every value any cell has, in the pooled order (undeclared values come last there).
  const seriesNames = new Set<string>();
  for (const cell of [summary.overall, ...summary.cells]) {
    const o = cell.outcomes.find((c) => c.id === outcomeId);
    if (o?.type === 'category') for (const v of o.values) seriesNames.add(v.value);
    if (cell === summary.overall) continue;
    if (o?.type === 'boolean') {
      if (o.n > 0) byValue.push({ series: '', cell, pr: o });
    } else if (o?.type === 'category') {
      for (const v of o.values) if (v.n > 0) byValue.push({ series: v.value, cell, pr: v });
    }
  }
  return layoutSweep(
    summary,
    byValue.map(({ series, cell, pr }) => ({ series, cell, mid: pr.p, lo: pr.lo, hi: pr.hi })),
    [...seriesNames],
    'value',
  );
}

function quantileRows(summary: BatchSummary, outcomeId: string): SweepData {
  const rows: { series: string; cell: CellSummary; mid: number; lo: number; hi: number }[] = [];
  for (const cell of summary.cells) {
    const o = cell.outcomes.find((c) => c.id === outcomeId);
    if (o?.type === 'number' && o.n > 0 && o.quantiles.length > 0) rows.push({ series: '', cell, mid: quantile(o, 0.5), lo: quantile(o, 0.25), hi: quantile(o, 0.75) });
  }
  return layoutSweep(summary, rows, [], '');
}

/**
 * Grid: x = first swept parameter; series = outcome values, else the second
 * parameter; panels = the parameters left over. LHS: one panel per swept
 * parameter (its own x axis), series = outcome values.
 */
function layoutSweep(
  summary: BatchSummary,
  items: { series: string; cell: CellSummary; mid: number; lo: number; hi: number }[],
  valueSeries: string[],
  valueTitle: string,
): SweepData {
  const swept = summary.swept;
  if (summary.design === 'lhs') {
    const rows: SweepRow[] = [];
    for (const param of swept)
      for (const it of items) rows.push({ x: it.cell.params[param] ?? NaN, series: it.series, facet: param, mid: it.mid, lo: it.lo, hi: it.hi });
    return {
      rows: rows.filter((r) => Number.isFinite(r.x)),
      series: valueSeries,
      seriesTitle: valueTitle,
      facets: swept.length > 1 ? [...swept] : [],
      lhs: true,
    };
  }
  const first = swept[0]!;
  const seriesParam = valueSeries.length === 0 && swept.length > 1 ? swept[1]! : undefined;
  const facetParams = swept.slice(seriesParam === undefined ? 1 : 2);
  const label = (cell: CellSummary, params: string[]) => params.map((p) => `${p} = ${formatNumber(cell.params[p] ?? NaN)}`).join(', ');
  // The legend title names the parameter, so a series is just its value.
  const seriesOf = (it: { series: string; cell: CellSummary }) => (seriesParam === undefined ? it.series : formatNumber(it.cell.params[seriesParam] ?? NaN));
  const rows = items.map((it) => ({
    x: it.cell.params[first] ?? NaN,
    series: seriesOf(it),
    facet: label(it.cell, facetParams),
    mid: it.mid,
    lo: it.lo,
    hi: it.hi,
  }));
  const ordered = (key: 'series' | 'facet', params: string[]) => {
    const seen = new Map<string, number[]>();
    for (const it of items) {
      const k = key === 'series' ? seriesOf(it) : label(it.cell, params);
      if (!seen.has(k)) seen.set(k, params.map((p) => it.cell.params[p] ?? NaN));
    }
    // Numeric order of the parameter values, not the order of the strings.
    return [...seen.entries()].sort((a, b) => compareTuples(a[1], b[1])).map(([k]) => k);
  };
  return {
    rows: rows.filter((r) => Number.isFinite(r.x)),
    series: seriesParam !== undefined ? ordered('series', [seriesParam]) : valueSeries,
    seriesTitle: seriesParam ?? valueTitle,
    facets: facetParams.length > 0 ? ordered('facet', facetParams) : [],
    lhs: false,
  };
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Probability (or a number's median) against the swept parameters: a band and line per series for a grid, points with error bars for LHS. */
function sweepChart(summary: BatchSummary, data: SweepData, measure: 'probability' | 'median'): TopLevelSpec {
  const isProbability = measure === 'probability';
  const firstParam = summary.swept[0]!;
  const xValues = [...new Set(data.rows.map((r) => r.x))].sort((a, b) => a - b);
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: data.lhs ? (data.facets.length > 0 ? 'parameter value' : firstParam) : firstParam,
    scale: data.lhs ? { zero: false, nice: true } : { zero: false, nice: false, padding: 12 },
    axis: data.lhs ? { tickCount: 5 } : { values: xValues },
  };
  const y = {
    field: 'mid',
    type: 'quantitative' as const,
    // The outcome's name is in the chart's title: a long axis title would be cut off.
    title: isProbability ? 'probability (95% interval)' : 'median (bar: 25th–75th percentile)',
    ...(isProbability ? { scale: { domain: [0, 1], nice: false }, axis: { format: '.0%', tickCount: 5 } } : { scale: { zero: false } }),
  };
  const hasSeries = data.series.length > 0;
  const sd = { domain: data.series };
  // One legend, from the points: colour and shape together (the lines repeat them with a dash pattern).
  const channel = (range: unknown[], legend: boolean) => ({
    field: 'series',
    type: 'nominal' as const,
    title: data.seriesTitle,
    scale: { ...sd, range },
    ...(legend ? { legend: { symbolStrokeWidth: 0, symbolSize: 120 } } : {}),
  });
  const color = (legend: boolean) => (hasSeries ? { color: channel(cycle(PALETTE, data.series.length), legend) } : {});
  const shape = hasSeries ? { shape: channel(cycle(SHAPES, data.series.length), true) } : {};
  const dash = hasSeries ? { strokeDash: channel(cycle(DASHES, data.series.length), false) } : {};
  const single = hasSeries ? {} : { color: PALETTE[0]! };

  const layer = data.lhs
    ? [
        { mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.8, ...single }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, ...color(false) } },
        { mark: { type: 'point' as const, filled: true, size: 60, opacity: 0.9, ...single }, encoding: { x, y, ...color(true), ...shape } },
      ]
    : [
        { mark: { type: 'area' as const, fillOpacity: 0.15, ...single }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, ...color(false) } },
        { mark: { type: 'line' as const, strokeWidth: 2, ...single }, encoding: { x, y, ...color(false), ...dash } },
        { mark: { type: 'point' as const, filled: true, size: 80, opacity: 1, ...single }, encoding: { x, y, ...color(true), ...shape } },
      ];
  const width = data.facets.length > 1 ? 300 : 460;
  const base = { config: CONFIG, data: { values: data.rows } };
  if (data.facets.length === 0) return { ...base, width, height: 260, layer };
  return {
    ...base,
    facet: { column: { field: 'facet', type: 'nominal', title: null, sort: data.facets } },
    columns: 3,
    spec: { width, height: 240, layer },
    ...(data.lhs ? { resolve: { scale: { x: 'independent' } } } : {}),
  };
}

const LABEL_WRAP = 34;

/** Breaks a label into lines of about `width` characters at spaces (joined by `\n`, split again by the axis). */
function wrapLabel(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}

// Advance widths of Helvetica/Arial (per 1000 em) for ASCII 32–126.
const ADVANCE = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
  584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667,
  944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556,
  333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/**
 * Text width for vega's layout. Without a canvas vega guesses 0.8 em a
 * character, which truncates labels and wastes space; with the optional
 * `canvas` package it would measure with local fonts, which makes the output
 * depend on the machine. A fixed Helvetica table (a little generous, as the
 * viewer may fall back to a wider sans-serif) gives the same layout everywhere.
 */
function estimateTextWidth(item: { fontSize?: number }, text: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  let units = 0;
  for (const ch of text == null ? '' : String(text).trim()) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? ADVANCE[code - 32]! : 600;
  }
  return (units / 1000) * size * 1.08;
}

function cycle<T>(items: T[], n: number): T[] {
  return Array.from({ length: Math.max(n, 1) }, (_, i) => items[i % items.length]!);
}

// ── labels ──────────────────────────────────────────────────────────────────

/** Labels for a y axis: the outcome labels, with the id appended where two labels coincide. */
function uniqueLabels(outcomes: { id: string; label: string }[]): string[] {
  const count = new Map<string, number>();
  for (const o of outcomes) count.set(o.label, (count.get(o.label) ?? 0) + 1);
  return outcomes.map((o) => ((count.get(o.label) ?? 0) > 1 ? `${o.label} (${o.id})` : o.label));
}

/** The swept parameters of a cell, e.g. `western_pressure = 50`. */
function cellLabel(summary: BatchSummary, cell: CellSummary): string {
  return summary.swept.map((p) => `${p} = ${formatNumber(cell.params[p] ?? NaN)}`).join(', ') || `cell ${cell.cell}`;
}
