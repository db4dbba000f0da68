/**
 * Scenario discovery as one self-contained HTML page: the PRIM trade-off
 * curve (coverage against density along the peeling trajectory, the reported
 * box marked), the box's limits on each parameter's range, and the tables the
 * terminal prints. Charts are Vega-Lite rendered to inline SVG by the batch
 * report's renderer: no script, no network resource.
 */
import type { TopLevelSpec } from 'vega-lite';
import { partialNote } from '../summary.js';
import { renderDocument, type Block } from '../report/batch-report.js';
import { renderChartSvg } from '../report/charts.js';
import { formatGroupedNumber, formatNumber, formatPercent } from '../text/numbers.js';
import type { DiscoveryResult } from './discover.js';
import { formatQuasiP, QUASI_P_MARK, statsText } from './rules-text.js';

// The batch report's look (fonts and sizes), and its first two Okabe–Ito colours.
const INK = '#222222';
const BLUE = '#0072B2';
const ORANGE = '#D55E00';
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 8,
  view: { stroke: '#cccccc' },
  axis: { labelFontSize: 14, titleFontSize: 14, titleFontWeight: 'normal' as const, labelColor: INK, titleColor: INK, gridColor: '#e6e6e6', labelLimit: 360 },
  legend: { labelFontSize: 14, titleFontSize: 14, titleFontWeight: 'normal' as const },
};

/**
 * Renders a discovery as an HTML page. Same result → same bytes.
 *
 * @example
 * writeFileAtomic('discovery.html', await renderDiscoveryReport(result));
 */
export async function renderDiscoveryReport(r: DiscoveryResult): Promise<string> {
  const title = `Scenario discovery: ${r.outcome.id} ${r.outcome.condition} in ${r.scenario.title}`;
  const doc: Block[] = [];
  doc.push({
    kind: 'meta',
    items: [
      ['Scenario', [{ code: r.scenario.id }, ` (${r.scenario.title})`]],
      ['Outcome', [{ code: `${r.outcome.id} ${r.outcome.condition}` }, ` — ${r.outcome.label}`]],
      ['Runs', [`${formatGroupedNumber(r.used)}, of which ${formatGroupedNumber(r.cases)} (${formatPercent(r.base)}) with the outcome`]],
      ['Parameters', [r.dimensions.map((d) => `${d.id} (${formatNumber(d.min)}–${formatNumber(d.max)})`).join(', ')]],
    ],
  });
  if (r.sample)
    doc.push({
      kind: 'paragraph',
      inlines: [
        {
          strong: `The file holds ${formatGroupedNumber(r.runs)} runs; this analysis reads a seeded random sample of ${formatGroupedNumber(r.sample.size)} (seed ${r.sample.seed}).`,
        },
      ],
    });
  const partial = partialNote(r.runs, r.planned, []);
  if (partial) doc.push({ kind: 'paragraph', inlines: [{ strong: partial }] });

  const { prim } = r;
  const box = prim.box;
  doc.push({ kind: 'heading', level: 2, text: 'PRIM box' });
  doc.push({ kind: 'paragraph', inlines: [{ strong: prim.rule }, `: ${statsText(box)}.`] });
  doc.push({
    kind: 'paragraph',
    inlines: [
      'Density is the share of runs in the box that have the outcome; coverage the share of all runs with the outcome that fall in the box; mass the share of all runs in the box. ',
      `Point ${box.index} of ${prim.trajectory.length - 1} on the peeling trajectory${prim.chosenBy === 'last' ? ' (the last, as the EMA Workbench picks)' : ''}.`,
    ],
  });
  doc.push({
    kind: 'chart',
    chart: {
      id: 'tradeoff',
      title: 'Coverage and density along the peeling trajectory',
      alt: tradeoffAlt(r),
      svg: await renderChartSvg(tradeoffSpec(r), 'tradeoff'),
    },
  });
  doc.push({
    kind: 'chart',
    chart: { id: 'limits', title: 'The box on each parameter', alt: limitsAlt(r), svg: await renderChartSvg(limitsSpec(r), 'limits') },
  });
  doc.push({
    kind: 'table',
    table: {
      head: ['parameter', 'all runs', 'in the box', 'quasi-p (lower)', 'quasi-p (upper)'],
      numeric: [false, true, true, true, true],
      rows: r.dimensions.map((d) => {
        const l = box.limits.find((x) => x.parameter === d.id);
        const qp = (q: number | undefined) => (q === undefined ? '' : `${formatQuasiP(q)}${q > QUASI_P_MARK ? ' ?' : ''}`);
        return [
          d.id,
          `${formatNumber(d.min)}–${formatNumber(d.max)}`,
          l ? `${formatNumber(l.lower ?? d.min)}–${formatNumber(l.upper ?? d.max)}` : 'unrestricted',
          qp(l?.qpLower),
          qp(l?.qpUpper),
        ];
      }),
    },
  });
  doc.push({
    kind: 'paragraph',
    inlines: [
      `Quasi-p: a one-sided binomial test of the box's cases against the box without that limit (Bryant & Lempert 2010); ? marks a value above ${QUASI_P_MARK}, a limit that may be noise.`,
    ],
  });

  doc.push({ kind: 'heading', level: 3, text: 'Peeling trajectory' });
  doc.push({
    kind: 'table',
    table: {
      head: ['point', 'step', 'coverage', 'density', 'mass', 'runs', 'restricted'],
      numeric: [true, false, true, true, true, true, false],
      rows: prim.trajectory.map((p) => [
        `${p.index}${p.index === prim.chosen ? ' ◀' : ''}`,
        p.step,
        formatPercent(p.coverage),
        formatPercent(p.density),
        formatPercent(p.mass),
        formatGroupedNumber(p.n),
        p.limits.map((l) => l.parameter).join(', ') || '—',
      ]),
    },
  });

  doc.push({ kind: 'heading', level: 2, text: 'CART tree' });
  doc.push({
    kind: 'paragraph',
    inlines: [
      `Leaves of a classification tree (depth ≤ ${r.cart.maxDepth}, at least ${formatGroupedNumber(r.cart.minLeaf)} runs a leaf), by their share of runs with the outcome.`,
    ],
  });
  doc.push({
    kind: 'table',
    table: {
      head: ['leaf', 'share with the outcome', 'coverage', 'mass', 'runs'],
      numeric: [false, true, true, true, true],
      rows: r.cart.leaves.map((l) => [l.rule, formatPercent(l.density), formatPercent(l.coverage), formatPercent(l.mass), formatGroupedNumber(l.n)]),
    },
  });
  return renderDocument(title, doc, 'html');
}

function tradeoffSpec(r: DiscoveryResult): TopLevelSpec {
  const values = r.prim.trajectory.map((p) => ({
    coverage: p.coverage,
    density: p.density,
    restricted: p.limits.length,
    point: p.index,
    chosen: p.index === r.prim.chosen,
    label: `point ${p.index}`,
  }));
  const x = { field: 'coverage', type: 'quantitative' as const, title: 'coverage', scale: { domain: [0, 1], nice: false }, axis: { format: '.0%' } };
  const y = { field: 'density', type: 'quantitative' as const, title: 'density', scale: { domain: [0, 1], nice: false }, axis: { format: '.0%' } };
  const chosen = { filter: 'datum.chosen' };
  return {
    config: CONFIG,
    width: 460,
    height: 320,
    data: { values },
    layer: [
      { mark: { type: 'line', color: '#9cc3e4', strokeWidth: 1.5 }, encoding: { x, y, order: { field: 'point' } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x,
          y,
          color: { field: 'restricted', type: 'ordinal', title: 'restricted parameters', scale: { scheme: 'viridis' } },
          shape: { field: 'restricted', type: 'ordinal', title: 'restricted parameters' },
        },
      },
      { transform: [chosen], mark: { type: 'point', size: 400, strokeWidth: 2.5, color: ORANGE }, encoding: { x, y } },
      { transform: [chosen], mark: { type: 'text', dx: 14, dy: -14, align: 'left', fontSize: 14, color: INK }, encoding: { x, y, text: { field: 'label' } } },
    ],
  };
}

function tradeoffAlt(r: DiscoveryResult): string {
  const first = r.prim.trajectory[0]!;
  const last = r.prim.trajectory.at(-1)!;
  const box = r.prim.box;
  return `Scatter of density against coverage for the ${r.prim.trajectory.length} points of the peeling trajectory, from point 0 (coverage ${formatPercent(first.coverage)}, density ${formatPercent(first.density)}) to point ${last.index} (coverage ${formatPercent(last.coverage)}, density ${formatPercent(last.density)}); the reported box, point ${box.index}, is circled: coverage ${formatPercent(box.coverage)}, density ${formatPercent(box.density)}.`;
}

function limitsSpec(r: DiscoveryResult): TopLevelSpec {
  const box = r.prim.box;
  const values = r.dimensions.map((d) => {
    const l = box.limits.find((x) => x.parameter === d.id);
    const span = d.max - d.min || 1;
    const lo = l?.lower ?? d.min;
    const hi = l?.upper ?? d.max;
    return {
      parameter: d.id,
      lo: (lo - d.min) / span,
      hi: (hi - d.min) / span,
      restricted: l !== undefined,
      text: l
        ? `${formatNumber(lo)}–${formatNumber(hi)} of ${formatNumber(d.min)}–${formatNumber(d.max)}`
        : `unrestricted (${formatNumber(d.min)}–${formatNumber(d.max)})`,
    };
  });
  const y = { field: 'parameter', type: 'nominal' as const, sort: values.map((v) => v.parameter), title: null };
  const x = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title: 'share of the parameter’s range',
    scale: { domain: [0, 1], nice: false },
    axis: { format: '.0%', tickCount: 5 },
  });
  return {
    config: CONFIG,
    width: 460,
    height: { step: 40 },
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#e6e6e6', size: 22 },
        encoding: { y, x: { datum: 0, type: 'quantitative', scale: { domain: [0, 1] } }, x2: { datum: 1 } },
      },
      {
        mark: { type: 'bar', size: 14 },
        encoding: {
          y,
          x: x('lo'),
          x2: { field: 'hi' },
          color: { field: 'restricted', type: 'nominal', scale: { domain: [true, false], range: [BLUE, '#9cc3e4'] }, legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -12, fontSize: 13, color: INK },
        encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
}

function limitsAlt(r: DiscoveryResult): string {
  return `Bars of each parameter's range with the box's part of it: ${r.dimensions
    .map((d) => {
      const l = r.prim.box.limits.find((x) => x.parameter === d.id);
      return l
        ? `${d.id} from ${formatNumber(l.lower ?? d.min)} to ${formatNumber(l.upper ?? d.max)} of ${formatNumber(d.min)}–${formatNumber(d.max)}`
        : `${d.id} unrestricted`;
    })
    .join('; ')}.`;
}
