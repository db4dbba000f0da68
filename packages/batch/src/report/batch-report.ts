/**
 * The report of a batch: one self-contained file (HTML, or GitHub-flavoured
 * Markdown) with the summary tables and the charts. The content is built once
 * as a small document model, then written in either format, so both say the same.
 */
import type { BatchSummary, CellSummary, OutcomeSummary, Proportion } from '../summary-types.js';
import { quantileAt } from '../stats/quantile.js';
import { formatGroupedNumber as formatNumber, formatPercent as percent, formatPercentFixed, formatPoints } from '../text/numbers.js';
import { renderBatchCharts, type RenderedChart } from './charts.js';
import { appendAll, minOf, maxOf } from '../util/arrays.js';
import { shellWord } from '@wargame/engine';
import { partialNote } from '../summary.js';

export interface BatchReportOptions {
  format: 'md' | 'html';
  /** Defaults to `Batch report: <scenario title>`. */
  title?: string;
  /** A pre-formatted sensitivity table (text, shown as is); anything else is shown as JSON. */
  sensitivity?: unknown;
  /** The command that made the batch, shown so readers can reproduce it. */
  command?: string;
}

/**
 * Renders a batch summary as a self-contained report: no scripts, no external
 * references, charts inline (HTML) or as base64 SVG data URIs (Markdown).
 * Same summary and options → same bytes.
 *
 * @example
 * const html = await renderBatchReport(summary, { format: 'html', command: meta.command });
 * await writeFile('report.html', html);
 */
export async function renderBatchReport(summary: BatchSummary, opts: BatchReportOptions): Promise<string> {
  const charts = await renderBatchCharts(summary);
  const title = opts.title ?? `Batch report: ${summary.scenario.title}`;
  const doc = buildDocument(summary, charts, opts);
  return opts.format === 'html' ? toHtml(title, doc) : toMarkdown(title, doc);
}

// ── document model ──────────────────────────────────────────────────────────
// Shared with the session report (`wargame report <save>`): one model, rendered as HTML or Markdown.

export type Inline = string | { code: string } | { strong: string };

/** A table cell: text, or lines of text. */
export type TableCell = string | string[];

/** A rendered chart as a document shows it. */
export type DocumentChart = Pick<RenderedChart, 'id' | 'title' | 'alt' | 'svg'>;

export interface Table {
  head: string[];
  rows: TableCell[][];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
}

export type Block =
  | { kind: 'heading'; level: 2 | 3; text: string }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'meta'; items: [string, Inline[]][] }
  | { kind: 'table'; table: Table }
  | { kind: 'chart'; chart: DocumentChart }
  | { kind: 'pre'; text: string };

/** A document as one self-contained HTML page or Markdown file (escaping every text). */
export function renderDocument(title: string, doc: Block[], format: 'md' | 'html'): string {
  return format === 'html' ? toHtml(title, doc) : toMarkdown(title, doc);
}

type BooleanOutcome = Extract<OutcomeSummary, { type: 'boolean' }>;
type Category = Extract<OutcomeSummary, { type: 'category' }>;
type NumberOutcome = Extract<OutcomeSummary, { type: 'number' }>;

function buildDocument(summary: BatchSummary, charts: RenderedChart[], opts: BatchReportOptions): Block[] {
  const doc: Block[] = [];
  const chart = (kind: RenderedChart['kind'], outcome?: string) => {
    for (const c of charts) if (c.kind === kind && c.outcome === outcome) doc.push({ kind: 'chart', chart: c });
  };
  const sweep = summary.design !== 'single' && summary.swept.length > 0 && summary.cells.length > 0;
  const pooledNote = sweep ? ` All ${formatNumber(summary.runs)} runs, pooled over the ${summary.cells.length} sweep cells (see “By sweep cell” below).` : '';
  const outcomes = summary.overall.outcomes;
  const booleans = outcomes.filter((o): o is BooleanOutcome => o.type === 'boolean');
  const categories = outcomes.filter((o): o is Category => o.type === 'category');
  const numbers = outcomes.filter((o): o is NumberOutcome => o.type === 'number');

  doc.push({ kind: 'meta', items: metaItems(summary, opts) });
  const partial = partialNote(summary.runs, summary.planned, summary.cells);
  if (partial) doc.push({ kind: 'paragraph', inlines: [{ strong: partial }] });
  doc.push({ kind: 'heading', level: 2, text: 'How to read this' }, { kind: 'list', items: readingNotes(summary, sweep) });

  if (booleans.length > 0) {
    doc.push({ kind: 'heading', level: 2, text: 'Yes/no outcomes' });
    doc.push({ kind: 'paragraph', inlines: [`The share of runs in which each outcome held, with its 95% interval.${pooledNote}`] });
    doc.push({ kind: 'table', table: booleanTable(booleans) });
    chart('boolean');
  }
  if (categories.length > 0) {
    doc.push({ kind: 'heading', level: 2, text: 'Categories' });
    doc.push({ kind: 'paragraph', inlines: [`The share of runs ending with each value (the shares add up to 100%), with 95% intervals.${pooledNote}`] });
    for (const o of categories) {
      doc.push({ kind: 'heading', level: 3, text: o.label });
      doc.push({ kind: 'table', table: categoryTable(o) });
      chart('category', o.id);
    }
  }
  if (numbers.length > 0) {
    doc.push({ kind: 'heading', level: 2, text: 'Numbers' });
    doc.push({ kind: 'paragraph', inlines: [`The spread of each number over the runs: mean, standard deviation, extremes and percentiles.${pooledNote}`] });
    doc.push({ kind: 'table', table: numberTable(numbers) });
    for (const o of numbers) chart('number', o.id);
  }

  if (sweep) {
    doc.push({ kind: 'heading', level: 2, text: 'By sweep cell' });
    doc.push({
      kind: 'paragraph',
      inlines: [
        `Each cell plays ${formatNumber(summary.runsPerCell)} runs with the same seeds ${summary.seed}.0 … ${summary.seed}.${summary.runsPerCell - 1}, so differences between cells come from the parameters, not from luck of the draw alone. `,
        summary.design === 'lhs'
          ? 'Latin hypercube: each point is one sample of the swept parameters; each panel plots the same points against one parameter.'
          : 'Bands and whiskers are 95% intervals.',
        ' Lines are told apart by colour, marker shape and dash pattern alike, so the charts read in grey print too.',
      ],
    });
    for (const o of outcomes) {
      doc.push({ kind: 'heading', level: 3, text: o.label });
      if (o.type === 'boolean') chart('sweep-boolean', o.id);
      else if (o.type === 'category') chart('sweep-category', o.id);
      else chart('sweep-number', o.id);
      doc.push({ kind: 'table', table: cellTable(summary, o) });
    }
  }

  if (opts.sensitivity !== undefined) {
    doc.push({ kind: 'heading', level: 2, text: 'Sensitivity' });
    doc.push({ kind: 'pre', text: typeof opts.sensitivity === 'string' ? opts.sensitivity.replace(/\s+$/, '') : stringify(opts.sensitivity) });
  }
  return doc;
}

function metaItems(summary: BatchSummary, opts: BatchReportOptions): [string, Inline[]][] {
  const { scenario } = summary;
  const cells = summary.cells.length;
  const runs =
    cells > 1
      ? `${formatNumber(summary.runs)} (${formatNumber(summary.runsPerCell)} per cell × ${cells} cells)`
      : formatNumber(summary.runs);
  return [
    ['Scenario', [`${scenario.title} (`, { code: scenario.id }, ')']],
    ['Scenario hash', [{ code: scenario.hash }]],
    ['Seed', [{ code: summary.seed }, ` — run i of each cell plays with seed ${summary.seed}.i`]],
    ['Runs', [runs]],
    ...(summary.followHistoryUntil
      ? [['Start', [`every run follows the history track until ${summary.followHistoryUntil}, then the computer plays every party: a forecast from that date`]] as [string, Inline[]]]
      : []),
    ['Design', [describeDesign(summary)]],
    ['Command', opts.command === undefined ? ['not recorded'] : [{ code: opts.command }]],
  ];
}

function describeDesign(summary: BatchSummary): string {
  if (summary.design === 'single' || summary.swept.length === 0) return 'a single cell (no sweep)';
  const values = (p: string) => summary.cells.map((c) => c.params[p]).filter((v): v is number => v !== undefined);
  if (summary.design === 'grid') {
    const axes = summary.swept.map((p) => `${p} = ${[...new Set(values(p))].map(formatNumber).join(', ')}`);
    return `grid over ${axes.join('; ')} (${summary.cells.length} cells)`;
  }
  const ranges = summary.swept.map((p) => {
    const v = values(p);
    return `${p} from ${formatNumber(minOf(v))} to ${formatNumber(maxOf(v))}`;
  });
  return `Latin hypercube of ${summary.cells.length} samples: ${ranges.join('; ')}`;
}

function readingNotes(summary: BatchSummary, sweep: boolean): Inline[][] {
  const id = summary.scenario.id;
  const example = summary.cells[0] ?? summary.overall;
  const set = sweep ? summary.swept.map((p) => ` --set ${p}=${example.params[p] ?? '…'}`).join('') : '';
  const notes: Inline[][] = [
    [
      { strong: 'Probabilities' },
      ' are the share of runs in which an outcome held. The interval is a 95% Wilson score interval: intervals made this way cover the model’s true probability in 19 batches out of 20. It narrows as runs are added; two figures whose intervals overlap a lot are not clearly different.',
    ],
    [{ strong: 'Numbers' }, ' are summarised by percentiles (type 7): half the runs fall inside the box (25th to 75th percentile), nine in ten inside the whiskers (5th to 95th); the thick tick is the median.'],
    [
      { strong: 'Runs are seeded.' },
      ` Run i of a cell plays with seed ${summary.seed}.i and replays exactly: `,
      { code: `wargame run ${shellWord(id)} --seed ${shellWord(`${summary.seed}.0`)}${set}${summary.followHistoryUntil ? ` --follow-history-until ${summary.followHistoryUntil}` : ''}` },
      sweep ? ' replays the first run of the first cell (use the parameters of the cell you want).' : ' replays the first run.',
    ],
    ['These are frequencies in a model: they show what the scenario’s assumptions imply, not what will happen.'],
  ];
  if (sweep)
    notes.splice(2, 0, [
      { strong: 'Pooled figures' },
      ' mix all sweep cells with equal weight, so they depend on which parameter values were chosen; compare the cells rather than read the pooled numbers as a forecast.',
    ]);
  return notes;
}

const interval = (lo: number, hi: number) => `${formatPoints(lo)}–${formatPercentFixed(hi)}`;
const counted = (count: number, n: number) => `${formatNumber(count)} / ${formatNumber(n)}`;
// With no runs the Wilson interval is [0, 1] and p is 0 by convention: show that nothing is known.
const share = (pr: Proportion) => (pr.n === 0 ? '—' : percent(pr.p));
const shareInterval = (pr: Proportion) => (pr.n === 0 ? '—' : interval(pr.lo, pr.hi));

function booleanTable(outcomes: BooleanOutcome[]): Table {
  return {
    head: ['Outcome', 'Probability', '95% interval', 'Runs (held / all)'],
    rows: outcomes.map((o) => [o.label, share(o), shareInterval(o), counted(o.count, o.n)]),
    numeric: [false, true, true, true],
  };
}

function categoryTable(o: Category): Table {
  return {
    head: ['Value', 'Frequency', '95% interval', 'Runs'],
    rows: o.values.map((v) => [v.value, share(v), shareInterval(v), counted(v.count, v.n)]),
    numeric: [false, true, true, true],
  };
}

const quantileOf = (o: NumberOutcome, p: number) => quantileAt(o.quantiles, p);

function numberTable(outcomes: NumberOutcome[]): Table {
  const row = (o: NumberOutcome): string[] => {
    if (o.n === 0) return [o.label, '0', ...Array<string>(9).fill('—')];
    const q = [0.05, 0.25, 0.5, 0.75, 0.95].map((p) => formatNumber(quantileOf(o, p)));
    return [o.label, formatNumber(o.n), formatNumber(o.mean), formatNumber(o.sd), formatNumber(o.min), ...q, formatNumber(o.max)];
  };
  return {
    head: ['Outcome', 'Runs', 'Mean', 'SD', 'Min', '5%', '25%', 'Median', '75%', '95%', 'Max'],
    rows: outcomes.map(row),
    numeric: [false, ...Array<boolean>(10).fill(true)],
  };
}

/** One row per sweep cell for one outcome, with the swept parameters as leading columns. */
function cellTable(summary: BatchSummary, outcome: OutcomeSummary): Table {
  const lead = ['Cell', ...summary.swept];
  const leadCells = (cell: CellSummary): TableCell[] => [String(cell.cell), ...summary.swept.map((p) => formatNumber(cell.params[p] ?? NaN))];
  const find = (cell: CellSummary) => cell.outcomes.find((o) => o.id === outcome.id);
  const numeric = (n: number) => [...Array<boolean>(lead.length).fill(true), ...Array<boolean>(n).fill(true)];
  if (outcome.type === 'boolean')
    return {
      head: [...lead, 'Probability', '95% interval', 'Runs (held / all)'],
      rows: summary.cells.map((cell) => {
        const o = find(cell);
        return [...leadCells(cell), ...(o?.type === 'boolean' ? [share(o), shareInterval(o), counted(o.count, o.n)] : ['—', '—', '—'])];
      }),
      numeric: numeric(3),
    };
  if (outcome.type === 'category') {
    const values = outcome.values.map((v) => v.value);
    return {
      head: [...lead, ...values],
      rows: summary.cells.map((cell) => {
        const o = find(cell);
        return [
          ...leadCells(cell),
          ...values.map((value) => {
            const v = o?.type === 'category' ? o.values.find((x) => x.value === value) : undefined;
            return v === undefined || v.n === 0 ? '—' : [percent(v.p), `(${interval(v.lo, v.hi)})`];
          }),
        ];
      }),
      numeric: numeric(values.length),
    };
  }
  return {
    head: [...lead, 'Runs', 'Mean', 'Median', '25–75%', '5–95%'],
    rows: summary.cells.map((cell) => {
      const o = find(cell);
      if (o?.type !== 'number' || o.n === 0) return [...leadCells(cell), o?.type === 'number' ? '0' : '—', '—', '—', '—', '—'];
      const q = (p: number) => formatNumber(quantileOf(o, p));
      return [...leadCells(cell), formatNumber(o.n), formatNumber(o.mean), q(0.5), `${q(0.25)} – ${q(0.75)}`, `${q(0.05)} – ${q(0.95)}`];
    }),
    numeric: numeric(5),
  };
}

const lines = (cell: TableCell): string[] => (typeof cell === 'string' ? [cell] : cell);

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

// ── HTML ────────────────────────────────────────────────────────────────────

const CSS = `
:root { color-scheme: light; }
body { font: 18px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1a1a1a; background: #fff;
  max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 1.8em; line-height: 1.2; margin: 0 0 .6em; }
h2 { font-size: 1.4em; border-bottom: 2px solid #d0d0d0; padding-bottom: .2em; margin: 1.8em 0 .6em; }
h3 { font-size: 1.12em; margin: 1.5em 0 .4em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .25em 1.2em; margin: 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; min-width: 0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
code { background: #f2f2f2; border: 1px solid #e2e2e2; border-radius: 3px; padding: 0 .3em; overflow-wrap: anywhere; }
pre { background: #f6f6f6; border: 1px solid #dcdcdc; padding: .8em 1em; overflow-x: auto; line-height: 1.35; }
ul.notes { background: #f5f8fb; border-left: 4px solid #9cc3e4; margin: 0; padding: .6em 1em .6em 2em; }
ul.notes li { margin: .3em 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5em 0 1.2em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #c8c8c8; padding: .3em .65em; text-align: left; vertical-align: top; }
thead th { background: #eeeeee; }
tbody tr:nth-child(even) { background: #f8f8f8; }
.num { text-align: right; white-space: nowrap; }
table.wide { font-size: .82em; }
table.wide th, table.wide td { padding: .25em .45em; }
figure { margin: .8em 0 1.8em; }
figcaption { font-weight: 600; margin-bottom: .4em; }
figure svg { display: block; max-width: 100%; height: auto; }
footer { margin-top: 3em; color: #555; font-size: .85em; }
@media print {
  body { font-size: 11pt; max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  table, figure, pre { break-inside: avoid; }
  code, pre { background: none; }
}
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function htmlInlines(inlines: Inline[]): string {
  return inlines
    .map((i) => (typeof i === 'string' ? escapeHtml(i) : 'code' in i ? `<code>${escapeHtml(i.code)}</code>` : `<strong>${escapeHtml(i.strong)}</strong>`))
    .join('');
}

function toHtml(title: string, doc: Block[]): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
  ];
  for (const b of doc) {
    switch (b.kind) {
      case 'heading':
        out.push(`<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        out.push(`<p>${htmlInlines(b.inlines)}</p>`);
        break;
      case 'list':
        out.push('<ul class="notes">', ...b.items.map((i) => `<li>${htmlInlines(i)}</li>`), '</ul>');
        break;
      case 'meta':
        out.push('<dl class="meta">', ...b.items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${htmlInlines(v)}</dd>`), '</dl>');
        break;
      case 'table': {
        const cls = (i: number) => (b.table.numeric[i] ? ' class="num"' : '');
        out.push(
          `<div class="table-wrap"><table${b.table.head.length > 7 ? ' class="wide"' : ''}>`,
          `<thead><tr>${b.table.head.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
          '<tbody>',
          ...b.table.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${lines(c).map(escapeHtml).join('<br>')}</td>`).join('')}</tr>`),
          '</tbody></table></div>',
        );
        break;
      }
      case 'chart':
        out.push(
          `<figure id="${b.chart.id}">`,
          `<figcaption>${escapeHtml(b.chart.title)}</figcaption>`,
          `<div role="img" aria-label="${escapeHtml(b.chart.alt)}">${b.chart.svg}</div>`,
          '</figure>',
        );
        break;
      case 'pre':
        out.push(`<pre>${escapeHtml(b.text)}</pre>`);
        break;
    }
  }
  out.push('</main>', '<footer>Made by <code>wargame report</code>. Self-contained: no scripts, no external resources.</footer>', '</body>', '</html>', '');
  return out.join('\n');
}

// ── Markdown ────────────────────────────────────────────────────────────────

/** Text for Markdown: HTML-escaped (GFM renders inline HTML) and with the inline syntax characters escaped. */
function escapeMd(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`);
}

/** An inline code span that survives backticks in the text. */
function mdCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  // Pipes would end a table cell even inside code; the code spans here are outside tables.
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

function mdInlines(inlines: Inline[]): string {
  return inlines.map((i) => (typeof i === 'string' ? escapeMd(i) : 'code' in i ? mdCode(i.code) : `**${escapeMd(i.strong)}**`)).join('');
}

function toMarkdown(title: string, doc: Block[]): string {
  const out: string[] = [`# ${escapeMd(title)}`, ''];
  for (const b of doc) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${escapeMd(b.text)}`, '');
        break;
      case 'paragraph':
        out.push(mdInlines(b.inlines), '');
        break;
      case 'list':
        appendAll(out, b.items.map((i) => `- ${mdInlines(i)}`)).push('');
        break;
      case 'meta':
        appendAll(out, b.items.map(([k, v]) => `- **${escapeMd(k)}:** ${mdInlines(v)}`)).push('');
        break;
      case 'table': {
        const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
        out.push(
          row(b.table.head.map(escapeMd)),
          row(b.table.numeric.map((n) => (n ? '---:' : '---'))),
          ...b.table.rows.map((r) => row(r.map((c) => lines(c).map(escapeMd).join('<br>')))),
          '',
        );
        break;
      }
      case 'chart': {
        const data = Buffer.from(b.chart.svg, 'utf8').toString('base64');
        out.push(`**${escapeMd(b.chart.title)}**`, '', `<img alt="${escapeHtml(b.chart.alt)}" src="data:image/svg+xml;base64,${data}">`, '');
        break;
      }
      case 'pre': {
        const longest = Math.max(2, ...[...b.text.matchAll(/`+/g)].map((m) => m[0].length));
        const fence = '`'.repeat(longest + 1);
        out.push(`${fence}text`, b.text, fence, '');
        break;
      }
    }
  }
  out.push('---', '', '*Made by `wargame report`. Self-contained: the charts are embedded SVG images.*', '');
  return out.join('\n');
}
