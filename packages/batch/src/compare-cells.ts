/**
 * Two cells of a batch compared seed by seed: what common random numbers are
 * for. Run r of each cell played the same seed, so the difference of their
 * outcomes is taken run by run, the luck they share cancels, and the interval
 * of the difference is narrower than comparing two independent samples.
 */
import { targetName, targetsOf } from './cell-means.js';
import { BatchInputError } from './errors.js';
import { cellCount } from './meta.js';
import { pairedDifferenceOfMoments, tQuantile, type PairedDifference } from './stats/clustered.js';
import { num, partialNote, tidy } from './summary.js';
import type { BatchTable } from './table-types.js';
import { formatNumber, formatPercent, formatSigned } from './text/numbers.js';
import { renderTable } from './text/table.js';
import { appendAll } from './util/arrays.js';

export interface ComparedCell {
  cell: number;
  /** The swept parameters' values in this cell. */
  params: Record<string, number>;
  runs: number;
}

export interface CellComparison {
  outcome: string;
  value?: string;
  label: string;
  kind: 'boolean' | 'category' | 'number';
  /** Mean (a share for yes/no and category values) in the first and the second cell. */
  a: number;
  b: number;
  /** b − a, paired over the shared seeds. */
  paired: PairedDifference;
}

export interface CellComparisonResult {
  scenario: { id: string; hash: string; title: string };
  runs: number;
  planned: number;
  level: number;
  cells: [ComparedCell, ComparedCell];
  outcomes: CellComparison[];
}

/** Parses `--compare a,b` (two cell numbers). */
export function parseCompare(text: string): { ok: true; value: [number, number] } | { ok: false; message: string } {
  const m = /^(\d+),(\d+)$/.exec(text.trim());
  if (!m) return { ok: false, message: `--compare expects two cell numbers, as in --compare 0,3 (the summary's "cell" row numbers them), got "${text.slice(0, 60)}"` };
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a === b) return { ok: false, message: `--compare ${text}: a cell compared with itself differs by nothing; give two different cells` };
  return { ok: true, value: [a, b] };
}

/**
 * Every outcome of cell b against cell a: each cell's mean and the paired
 * difference b − a with its interval (t over the shared seeds) and the
 * standard error an unpaired comparison would have.
 *
 * @example
 * const r = await compareCells(table, 0, 3);
 * process.stdout.write(formatCellComparison(r));
 */
export async function compareCells(table: BatchTable, a: number, b: number, level = 0.95): Promise<CellComparisonResult> {
  const { meta } = table;
  const cells = cellCount(meta.design);
  for (const c of [a, b])
    if (!(c < cells)) throw new BatchInputError(`--compare: there is no cell ${c}; this batch has cells 0–${cells - 1}`, 'unknown-cell');
  const targets = targetsOf(meta);
  const runsOf = await table.all(`SELECT cell, count(*) AS runs FROM ${table.from} WHERE cell IN (${a}, ${b}) GROUP BY cell`);
  const runs = (c: number) => num(runsOf.find((r) => num(r.cell) === c)?.runs);
  for (const c of [a, b])
    if (runs(c) === 0) throw new BatchInputError(`--compare: cell ${c} has no runs in this file (interrupted, or in another shard): compare cells it holds, or merge the shards first`, 'unknown-cell');

  const y = (alias: string) => targets.map((t, i) => `${t.sql} AS ${alias}${i}`).join(', ');
  const diff = targets.flatMap((_, i) => [`count(b.y${i} - a.y${i}) AS dn${i}`, `avg(b.y${i} - a.y${i}) AS dm${i}`, `var_samp(b.y${i} - a.y${i}) AS dv${i}`]);
  const [d] = await table.all(
    `SELECT ${diff.join(', ')} FROM (SELECT rep, ${y('y')} FROM ${table.from} WHERE cell = ${a}) a JOIN (SELECT rep, ${y('y')} FROM ${table.from} WHERE cell = ${b}) b USING (rep)`,
  );
  const own = targets.flatMap((_, i) => [`count(y${i}) AS n${i}`, `avg(y${i}) AS m${i}`, `var_samp(y${i}) AS v${i}`]);
  const each = await table.all(`SELECT cell, ${own.join(', ')} FROM (SELECT cell, ${y('y')} FROM ${table.from} WHERE cell IN (${a}, ${b})) GROUP BY cell`);
  const rowOf = (c: number) => each.find((r) => num(r.cell) === c);

  const swept = meta.design.sweep.map((x) => x.parameter);
  const paramsOf = (c: number) => {
    const listed = meta.design.cells.find((x) => x.cell === c)?.params ?? {};
    return Object.fromEntries(swept.filter((p) => listed[p] !== undefined).map((p) => [p, listed[p]!]));
  };
  const moments = (row: Record<string, unknown> | undefined, prefix: string, i: number) => ({
    n: num(row?.[`${prefix}n${i}`]),
    mean: num(row?.[`${prefix}m${i}`]),
    variance: num(row?.[`${prefix}v${i}`]),
  });
  const outcomes = targets.map((t, i): CellComparison => {
    const ma = moments(rowOf(a), '', i);
    const mb = moments(rowOf(b), '', i);
    const p = pairedDifferenceOfMoments(moments(d, 'd', i), ma, mb, level);
    const o: CellComparison = {
      outcome: t.outcome.id,
      label: t.outcome.label,
      kind: t.outcome.kind,
      a: tidy(ma.mean),
      b: tidy(mb.mean),
      paired: {
        pairs: p.pairs,
        difference: tidy(p.difference),
        se: tidy(p.se),
        lo: tidy(p.lo),
        hi: tidy(p.hi),
        unpairedSe: tidy(p.unpairedSe),
        correlation: tidy(p.correlation),
      },
    };
    if (t.value !== undefined) o.value = t.value;
    return o;
  });
  const [total] = await table.all(`SELECT count(*) AS n FROM ${table.from}`);
  return {
    scenario: { ...meta.scenario },
    runs: num(total?.n),
    planned: meta.shard.to - meta.shard.from,
    level,
    cells: [
      { cell: a, params: paramsOf(a), runs: runs(a) },
      { cell: b, params: paramsOf(b), runs: runs(b) },
    ],
    outcomes,
  };
}

/**
 * The comparison as text: one row per outcome (a category's values
 * indented), each cell's value, the paired difference with its interval, and
 * how much wider the unpaired interval would be.
 */
export function formatCellComparison(r: CellComparisonResult): string {
  const [ca, cb] = r.cells;
  const describe = (c: ComparedCell) => `cell ${c.cell}${Object.keys(c.params).length > 0 ? ` (${Object.entries(c.params).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')})` : ''}`;
  const pct = `${Math.round(r.level * 100)}%`;
  const lines = [`${r.scenario.title} (${r.scenario.id}): ${describe(cb)} against ${describe(ca)}`];
  const partial = partialNote(r.runs, r.planned, []);
  if (partial) lines.push(partial);
  lines.push(`Differences taken seed by seed over the seeds both cells played (common random numbers); ${pct} intervals.`, '');
  const rows = [['outcome', `cell ${ca.cell}`, `cell ${cb.cell}`, 'difference', `${pct} CI`, 'unpaired ±', 'seeds']];
  let last = '';
  for (const o of r.outcomes) {
    const share = o.kind !== 'number';
    const v = (x: number) => (share ? formatPercent(x) : formatNumber(x));
    const d = (x: number) => (share ? `${formatSigned(x * 100, 1)} pts` : formatSigned(x, Math.abs(x) >= 100 ? 0 : 2));
    const e = (x: number) => (share ? formatSigned(x * 100, 1) : formatSigned(x, Math.abs(x) >= 100 ? 0 : 2));
    const z = (x: number) => (share ? (x * 100).toFixed(1) : formatNumber(x));
    if (o.kind === 'category' && o.outcome !== last) rows.push([o.outcome, '', '', '', '', '', '']);
    last = o.outcome;
    const name = o.kind === 'category' ? `  ${o.value ?? ''}` : targetName(o);
    const p = o.paired;
    const unpairedHalf = p.pairs > 1 ? tQuantile(0.5 + r.level / 2, p.pairs - 1) * p.unpairedSe : Number.NaN;
    rows.push([
      name,
      v(o.a),
      v(o.b),
      d(p.difference),
      `[${e(p.lo)}, ${e(p.hi)}]`,
      Number.isFinite(unpairedHalf) ? z(unpairedHalf) : '',
      String(p.pairs),
    ]);
  }
  appendAll(lines, renderTable(rows, ['l', 'r', 'r', 'r', 'l', 'r', 'r']));
  lines.push('', `unpaired ±: the half-width the interval would have if the two cells had played different seeds (pts for shares).`);
  return `${lines.join('\n')}\n`;
}
