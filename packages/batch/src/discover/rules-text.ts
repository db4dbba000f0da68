/**
 * Scenario discovery as text: boxes and leaves as readable rules
 * ("western_pressure ≥ 61.8 and russia_bandwidth ≤ 34.9: 81.0% of runs,
 * coverage 44.0%"), the PRIM box's limits with their quasi-p-values, the
 * trade-off along the peeling trajectory, and the CART leaves.
 */
import { partialNote } from '../summary.js';
import { formatGroupedNumber, formatNumber, formatPercent } from '../text/numbers.js';
import { renderTable, type FormatOptions } from '../text/table.js';
import type { DiscoveryLimit, DiscoveryPoint, DiscoveryResult } from './discover.js';

/** Trajectory rows printed at most; `--json` lists every point. */
export const TRAJECTORY_ROWS = 16;

/** A quasi-p-value above this marks a limit that may be noise (EMA's default significance). */
export const QUASI_P_MARK = 0.05;

/**
 * The conditions of a box or leaf joined by "and". PRIM's limits are
 * inclusive (`x ≥ a`); a CART split sends `x ≤ t` left and `x > t` right.
 *
 * @example
 * ruleText([{ parameter: 'western_pressure', lower: 61.83 }], 'prim'); // 'western_pressure ≥ 61.83'
 */
export function ruleText(limits: readonly DiscoveryLimit[], kind: 'prim' | 'cart'): string {
  if (limits.length === 0) return 'all runs (no restriction)';
  const above = kind === 'prim' ? '≥' : '>';
  return limits
    .map((l) => {
      const lo = l.lower === undefined ? undefined : formatNumber(l.lower);
      const hi = l.upper === undefined ? undefined : formatNumber(l.upper);
      if (lo !== undefined && hi !== undefined) return kind === 'prim' ? `${lo} ≤ ${l.parameter} ≤ ${hi}` : `${lo} < ${l.parameter} ≤ ${hi}`;
      return lo !== undefined ? `${l.parameter} ${above} ${lo}` : `${l.parameter} ≤ ${hi}`;
    })
    .join(' and ');
}

/** How a box or leaf does: "81.0% of runs, coverage 44.0%, mass 21.3% (170 runs)". */
export function statsText(s: { density: number; coverage: number; mass: number; n: number }): string {
  return `${formatPercent(s.density)} of runs, coverage ${formatPercent(s.coverage)}, mass ${formatPercent(s.mass)} (${formatGroupedNumber(s.n)} run${s.n === 1 ? '' : 's'})`;
}

/** A quasi-p-value for people: exponent for the tiny, and `< 1e-300` where it underflows. */
export function formatQuasiP(p: number | undefined): string {
  if (p === undefined) return '';
  if (p === 0) return '< 1e-300';
  return formatNumber(p);
}

/** The trajectory points a table shows: evenly spaced, always with the first, the chosen and the last. */
export function shownPoints(count: number, chosen: number, rows = TRAJECTORY_ROWS): number[] {
  if (count <= rows) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>([0, chosen, count - 1]);
  for (let r = 0; picked.size < rows && r < rows; r++) picked.add(Math.round((r * (count - 1)) / (rows - 1)));
  return [...picked].sort((a, b) => a - b);
}

/**
 * The discovery as the terminal shows it.
 *
 * @example
 * process.stdout.write(formatDiscovery(await discover(table, { outcome: 'peace_treaty_signed' })));
 */
export function formatDiscovery(r: DiscoveryResult, _options: FormatOptions = {}): string {
  const lines: string[] = [];
  const label = r.outcome.label === r.outcome.id ? '' : ` (${r.outcome.label})`;
  lines.push(`Scenario discovery in ${r.scenario.id}: which parameters lead to ${r.outcome.id} ${r.outcome.condition}${label}`);
  const dims = r.dimensions.map((d) => `${d.id} ${formatNumber(d.min)}–${formatNumber(d.max)}`).join(', ');
  lines.push(
    `${formatGroupedNumber(r.used)} runs, ${formatGroupedNumber(r.cases)} with the outcome (${formatPercent(r.base)}); ${r.dimensions.length} parameter${r.dimensions.length === 1 ? '' : 's'} vary: ${dims}`,
  );
  if (r.sample)
    lines.push(
      `SAMPLED: the file holds ${formatGroupedNumber(r.runs)} runs; discovery reads at most ${formatGroupedNumber(r.sample.size)}, a seeded random sample (seed ${r.sample.seed}, the same each time for this batch).`,
    );
  if (r.missing > 0)
    lines.push(
      `${formatGroupedNumber(r.missing)} run${r.missing === 1 ? ' has' : 's have'} no value of ${r.outcome.id} and ${r.missing === 1 ? 'is' : 'are'} left out.`,
    );
  const partial = partialNote(r.runs, r.planned, []);
  if (partial) lines.push(partial);

  const { prim } = r;
  const box = prim.box;
  const why =
    prim.chosenBy === 'last'
      ? 'the last, as the EMA Workbench picks'
      : prim.chosenBy === 'box'
        ? 'chosen with --box'
        : 'the best that meets --density/--coverage';
  lines.push(
    '',
    `PRIM box: point ${box.index} of the peeling trajectory (${why}; peel ${formatPercent(prim.options.peelAlpha)} a step, ${prim.options.paste ? `paste ${formatPercent(prim.options.pasteAlpha)}` : 'no pasting'}, mass ≥ ${formatPercent(prim.options.massMin)})`,
    `  ${prim.rule}: ${statsText(box)}`,
  );
  const limitRows = [['parameter', 'all runs', 'in the box', 'quasi-p']];
  let noisy = false;
  for (const d of r.dimensions) {
    const l = box.limits.find((x) => x.parameter === d.id);
    const ends = [
      ['lower', l?.qpLower],
      ['upper', l?.qpUpper],
    ].filter((e): e is [string, number] => e[1] !== undefined);
    const mark = ends.some(([, q]) => q > QUASI_P_MARK);
    noisy ||= mark;
    limitRows.push([
      d.id,
      `${formatNumber(d.min)}–${formatNumber(d.max)}`,
      l ? `${formatNumber(l.lower ?? d.min)}–${formatNumber(l.upper ?? d.max)}` : 'unrestricted',
      ends.map(([end, q]) => `${end} ${formatQuasiP(q)}${q > QUASI_P_MARK ? ' ?' : ''}`).join(', '),
    ]);
  }
  lines.push('', ...renderTable(limitRows, ['l', 'r', 'r', 'l']).map((s) => `  ${s}`));
  lines.push(
    `  quasi-p: how likely the box's share of cases would be without that limit (one-sided binomial test)${noisy ? `; ? marks a limit above ${QUASI_P_MARK}, which may be noise` : ''}.`,
  );

  lines.push('', 'Trade-off along the peeling trajectory (coverage falls as density rises; report another point with --box N, --density D or --coverage C):');
  const shown = shownPoints(prim.trajectory.length, prim.chosen);
  const trajRows = [['point', 'step', 'coverage', 'density', 'mass', 'restricted']];
  for (const i of shown) {
    const p: DiscoveryPoint = prim.trajectory[i]!;
    trajRows.push([
      `${i}${i === prim.chosen ? ' ◀' : ''}`,
      p.step,
      formatPercent(p.coverage),
      formatPercent(p.density),
      formatPercent(p.mass),
      p.limits.map((l) => l.parameter).join(', ') || '—',
    ]);
  }
  lines.push(...renderTable(trajRows, ['r', 'l', 'r', 'r', 'r', 'l']).map((s) => `  ${s}`));
  if (shown.length < prim.trajectory.length) lines.push(`  (${shown.length} of ${prim.trajectory.length} points shown; --json lists all)`);

  const { cart } = r;
  lines.push(
    '',
    `CART tree (depth ≤ ${cart.maxDepth}, leaves of ≥ ${formatGroupedNumber(cart.minLeaf)} runs), leaves by their share of runs with the outcome:`,
  );
  for (const leaf of cart.leaves) lines.push(`  ${leaf.rule}: ${statsText(leaf)}`);
  return `${lines.join('\n')}\n`;
}
