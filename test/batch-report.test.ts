import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBatchCharts, formatSummary, renderBatchReport, wilson, type BatchSummary, type OutcomeSummary, type Proportion } from '@wargame/batch';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'batch');
const load = (name: string): BatchSummary => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as BatchSummary;
const grid = load('summary-grid.json');
const single = load('summary-single.json');

const GRID_COMMAND = 'wargame batch south-caucasus --runs 400 --seed grid-2024 --sweep western_pressure=20,50,80 --out grid.parquet';
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Charts per summary: all yes/no outcomes in one, one per category, one per number, then per outcome over the sweep. */
const GRID_CHARTS = 1 + 2 + 2 + 4 + 2;
const SINGLE_CHARTS = 1 + 2 + 2;

const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length;

function dataUriSvgs(md: string): string[] {
  return [...md.matchAll(/<img alt="[^"]*" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)">/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
}

/** Every http(s) reference other than the SVG namespace declaration. */
function externalReferences(text: string): string[] {
  return [...text.matchAll(/(.{0,7})(https?:\/\/[^\s"'<>)]*)/g)].filter((m) => !(m[1] === 'xmlns="' && m[2] === SVG_NS)).map((m) => m[2]!);
}

function withLabels(summary: BatchSummary, label: string, value: string): BatchSummary {
  const relabel = (outcomes: OutcomeSummary[]): OutcomeSummary[] =>
    outcomes.map((o) =>
      o.id === 'karabakh_exodus'
        ? { ...o, label }
        : o.type === 'category' && o.id === 'peace_broker'
          ? { ...o, values: o.values.map((v, i) => (i === 0 ? { ...v, value } : v)) }
          : o,
    );
  return {
    ...summary,
    overall: { ...summary.overall, outcomes: relabel(summary.overall.outcomes) },
    cells: summary.cells.map((c) => ({ ...c, outcomes: relabel(c.outcomes) })),
  };
}

describe('batch report fixtures', () => {
  it('are consistent: counts within n, p = count / n, lo ≤ p ≤ hi, categories add up to n', () => {
    const check = (pr: Proportion) => {
      expect(pr.count).toBeLessThanOrEqual(pr.n);
      expect(pr.p).toBeCloseTo(pr.count / pr.n, 12);
      expect(pr.lo).toBeLessThanOrEqual(pr.p);
      expect(pr.hi).toBeGreaterThanOrEqual(pr.p);
    };
    for (const s of [grid, single])
      for (const cell of [s.overall, ...s.cells]) {
        for (const o of cell.outcomes) {
          if (o.type === 'boolean') check(o);
          else if (o.type === 'category') {
            o.values.forEach(check);
            expect(o.values.reduce((a, v) => a + v.count, 0)).toBe(cell.runs);
          } else expect(o.quantiles.map((q) => q.value)).toEqual([...o.quantiles.map((q) => q.value)].sort((a, b) => a - b));
        }
      }
    expect(grid.cells.reduce((a, c) => a + c.runs, 0)).toBe(grid.runs);
  });
});

describe('renderBatchReport (html)', () => {
  it('is one self-contained file: no scripts, no external references, an inline SVG per chart', async () => {
    for (const [summary, charts] of [
      [grid, GRID_CHARTS],
      [single, SINGLE_CHARTS],
    ] as const) {
      const html = await renderBatchReport(summary, { format: 'html', command: GRID_COMMAND });
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link|<iframe|<object|<embed|\ssrc=|@import|url\((?!#)/i);
      expect(externalReferences(html)).toEqual([]);
      expect(count(html, /<svg[\s>]/g)).toBe(charts);
      expect(count(html, /<figure id="chart-\d+">/g)).toBe(charts);
      expect(buildBatchCharts(summary)).toHaveLength(charts);
      // Inline SVGs share the page's id namespace: clip paths must not collide.
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('has the header, the tables and the reading note', async () => {
    const html = await renderBatchReport(grid, { format: 'html', command: GRID_COMMAND, sensitivity: 'western_pressure → peace_text_agreed  +0.27' });
    for (const text of [
      '<h1>Batch report: The South Caucasus, November 2021 – December 2025</h1>',
      grid.scenario.hash,
      '<code>grid-2024</code>',
      '1,200 (400 per cell × 3 cells)',
      'grid over western_pressure = 20, 50, 80 (3 cells)',
      `<code>${GRID_COMMAND}</code>`,
      'Wilson',
      '<code>wargame run south-caucasus --seed grid-2024.0 --set western_pressure=20</code>',
      '<td>The Armenian population of Karabakh fell below 10% of its start</td><td class="num">70.8%</td><td class="num">68.1–73.3%</td><td class="num">849 / 1,200</td>',
      '<h2>By sweep cell</h2>',
      '<td class="num">0</td><td class="num">20</td><td class="num">79.5%</td>',
      '<pre>western_pressure → peace_text_agreed  +0.27</pre>',
    ])
      expect(html).toContain(text);
    const plain = await renderBatchReport(single, { format: 'html' });
    expect(plain).toContain('<dt>Command</dt><dd>not recorded</dd>');
    expect(plain).not.toContain('By sweep cell');
  });

  it('escapes labels and values taken from the data', async () => {
    const label = 'Escalation <b>&"quoted"';
    for (const summary of [grid, single]) {
      const html = await renderBatchReport(withLabels(summary, label, '<i>x</i>'), { format: 'html', title: 'A <b> title' });
      expect(html).not.toContain('<b>');
      expect(html).not.toContain('<i>');
      expect(html).toContain('Escalation &lt;b&gt;&amp;&quot;quoted&quot;');
      expect(html).toContain('<title>A &lt;b&gt; title</title>');
      expect(html).toContain('&lt;i&gt;x&lt;/i&gt;');
    }
  });

  it('is deterministic: the same summary gives the same bytes, whatever was rendered before', async () => {
    const first = await renderBatchReport(grid, { format: 'html' });
    await renderBatchReport(single, { format: 'html' });
    expect(await renderBatchReport(grid, { format: 'html' })).toBe(first);
  });
});

describe('renderBatchReport (md)', () => {
  it('writes GitHub tables and embeds each chart as an SVG data URI', async () => {
    for (const [summary, charts] of [
      [grid, GRID_CHARTS],
      [single, SINGLE_CHARTS],
    ] as const) {
      const md = await renderBatchReport(summary, { format: 'md', command: GRID_COMMAND });
      expect(md).toMatch(/^# Batch report: /);
      expect(md).toContain('| Outcome | Probability | 95% interval | Runs (held / all) |\n| --- | ---: | ---: | ---: |');
      expect(md).toContain('| Value | Frequency | 95% interval | Runs |');
      expect(md).toContain('| Outcome | Runs | Mean | SD | Min | 5% | 25% | Median | 75% | 95% | Max |');
      expect(md).toContain(`\`${GRID_COMMAND}\``);
      expect(md).not.toMatch(/<script/i);
      const svgs = dataUriSvgs(md);
      expect(svgs).toHaveLength(charts);
      expect(count(md, /<img /g)).toBe(charts);
      for (const svg of svgs) {
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
        expect(svg).toMatch(/<\/svg>$/);
        expect(externalReferences(svg)).toEqual([]);
      }
    }
    const md = await renderBatchReport(grid, { format: 'md' });
    expect(md).toContain('| Cell | western\\_pressure | Probability | 95% interval | Runs (held / all) |');
    expect(md).toContain('| 0 | 20 | 42.8%<br>(38.0–47.6%) |');
  });

  it('escapes labels so they show as text', async () => {
    const md = await renderBatchReport(withLabels(single, 'Escalation <b>&"quoted" | a*b', '<i>x</i>'), { format: 'md' });
    expect(md).toContain('| Escalation &lt;b&gt;&amp;&quot;quoted&quot; \\| a\\*b | ');
    expect(md).not.toMatch(/<b>|<i>/);
    for (const svg of dataUriSvgs(md)) expect(svg).not.toMatch(/<b>|<i>/);
  });

  it('is deterministic', async () => {
    expect(await renderBatchReport(grid, { format: 'md' })).toBe(await renderBatchReport(grid, { format: 'md' }));
  });
});

describe('renderBatchReport and the terminal summary agree', () => {
  it('show a rare outcome with the same share (not 0.0% in the report and 0.03% in the terminal)', async () => {
    const rare: Proportion = wilson(3, 10_000);
    const outcomes = single.overall.outcomes.map((o): OutcomeSummary => (o.id === 'karabakh_exodus' ? { ...o, ...rare } : o));
    const summary: BatchSummary = { ...single, runs: 10_000, overall: { ...single.overall, runs: 10_000, outcomes } };
    const md = await renderBatchReport(summary, { format: 'md' });
    expect(md).toContain('| The Armenian population of Karabakh fell below 10% of its start | 0.03% | 0.0–0.1% | 3 / 10,000 |');
    expect(formatSummary(summary)).toMatch(/^karabakh_exodus +0\.03% +\[0\.0, 0\.1\] +3\/10000$/m);
  });
});

describe('renderBatchReport with no runs', () => {
  it('shows dashes, not 0% with a [0, 100%] interval, and draws no empty charts', async () => {
    const none = { count: 0, n: 0, p: 0, lo: 0, hi: 1 };
    const empty = (o: OutcomeSummary): OutcomeSummary =>
      o.type === 'boolean'
        ? { ...o, ...none }
        : o.type === 'category'
          ? { ...o, values: o.values.map((v) => ({ ...v, ...none })) }
          : { ...o, n: 0, mean: 0, sd: 0, min: 0, max: 0, quantiles: o.quantiles.map((q) => ({ ...q, value: 0 })) };
    const cell = { ...single.overall, runs: 0, outcomes: single.overall.outcomes.map(empty) };
    const summary: BatchSummary = { ...single, runs: 0, overall: cell, cells: [cell] };
    const html = await renderBatchReport(summary, { format: 'html' });
    expect(html).toContain('<td>The Armenian population of Karabakh fell below 10% of its start</td><td class="num">—</td><td class="num">—</td><td class="num">0 / 0</td>');
    expect(html).not.toMatch(/NaN|100\.0%/);
    const md = await renderBatchReport(summary, { format: 'md' });
    expect(md).toContain('| Armenian territory taken (km²) | 0 | — | — | — | — | — | — | — | — | — |');
  });
});

describe('batch report charts for other designs', () => {
  it('draws a two-parameter grid with a series per value of the second parameter', async () => {
    const values = [20, 50, 80];
    const twoWay: BatchSummary = {
      ...grid,
      swept: ['western_pressure', 'russia_bandwidth'],
      cells: [30, 60].flatMap((rb, j) => grid.cells.map((c, i) => ({ ...c, cell: j * 3 + i, params: { ...c.params, western_pressure: values[i]!, russia_bandwidth: rb } }))),
    };
    const html = await renderBatchReport(twoWay, { format: 'html' });
    expect(html).toContain('grid over western_pressure = 20, 50, 80; russia_bandwidth = 30, 60 (6 cells)');
    expect(count(html, /<svg[\s>]/g)).toBe(GRID_CHARTS);
    expect(html).toContain('russia_bandwidth = 30');
  });

  it('draws a Latin hypercube as points with error bars, one panel per parameter', async () => {
    const samples = [
      [23.5, 61.2],
      [47.1, 33.8],
      [71.9, 52.4],
    ];
    const lhs: BatchSummary = {
      ...grid,
      design: 'lhs',
      swept: ['western_pressure', 'russia_bandwidth'],
      cells: grid.cells.map((c, i) => ({ ...c, params: { ...c.params, western_pressure: samples[i]![0]!, russia_bandwidth: samples[i]![1]! } })),
    };
    const charts = buildBatchCharts(lhs);
    // No box per cell for LHS; a median-by-parameter chart per number instead.
    expect(charts.map((c) => c.kind)).toEqual([
      'boolean',
      'category',
      'category',
      'number',
      'number',
      ...Array<string>(4).fill('sweep-boolean'),
      'sweep-category',
      'sweep-category',
      'sweep-number',
      'sweep-number',
    ]);
    const html = await renderBatchReport(lhs, { format: 'html' });
    expect(html).toContain('Latin hypercube of 3 samples: western_pressure from 23.5 to 71.9; russia_bandwidth from 33.8 to 61.2');
    expect(count(html, /<svg[\s>]/g)).toBe(charts.length);
  });
});

describe('designs of many cells', () => {
  it('a summary of 150,000 cells is formatted without overflowing the stack (no spread of a cell list into a call)', () => {
    const cell = grid.cells[0]!;
    const cells = Array.from({ length: 150_000 }, (_, i) => ({ ...cell, cell: i, params: { ...cell.params, western_pressure: i } }));
    const big: BatchSummary = { ...grid, design: 'lhs', runs: cells.length * grid.runsPerCell, cells };
    const text = formatSummary(big, { width: 100 });
    expect(text).toContain('150000 cells');
    // Summarised, not one column per cell: a line per outcome row, whatever the number of cells.
    expect(text.split('\n').length).toBeLessThan(120);
    expect(text).toMatch(/Across the 150000 cells/);
  });
});
