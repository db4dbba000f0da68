/**
 * A score as text: the tables `wargame score` prints. The numbers come from
 * `score.ts`; nothing here computes a score.
 */
import { formatInterval, formatNumber, formatPercent, formatPoints, formatSigned } from '../text/numbers.js';
import { renderTable, renderWide, type Align, type FormatOptions } from '../text/table.js';
import { cellHeaderRows, partialNote } from '../summary.js';
import type { ObservedValue } from './observed.js';
import type { MeanScore, ReliabilityBin, ScoreResult } from './score.js';
import { appendAll } from '../util/arrays.js';

function observedText(v: ObservedValue): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

const skillText = (x: number) => formatSigned(x, 2);

const CLIP = '‡';

/**
 * The score as plain text: for all runs, one row per observed outcome with the
 * probability the batch gave to what happened, Brier and log scores next to the
 * uniform baseline and the skill; number outcomes with CRPS and PIT; the mean
 * row; outcomes observed with a date, with the forecast of when (the share of
 * runs where it held, the 10/50/90% of its first month, CRPS in months). For a
 * sweep, then one column per cell (rows: p(observed) or CRPS per outcome, the
 * timing CRPS, then the mean scores and skills). Last, the reliability table.
 *
 * @example
 * process.stdout.write(formatScore(await scoreBatch(table, observed)));
 */
export function formatScore(result: ScoreResult, options: FormatOptions = {}): string {
  const maxWidth = options.width ?? 100;
  const lines: string[] = [];
  const against = result.file === undefined ? '' : ` against ${result.file}`;
  lines.push(`Score of ${result.scenario.title} (${result.scenario.id})${against}`);
  const sweep = result.cells.length > 1;
  lines.push(`${result.runs} runs · seed ${result.seed}${sweep ? ` · ${result.cells.length} cells (${result.design}: ${result.swept.join(', ')})` : ''}`);
  const partial = partialNote(result.runs, result.planned, result.cells);
  if (partial) lines.push(partial);
  lines.push('');
  if (sweep) lines.push('All cells pooled (the mixture of the cells as one forecast):');

  const o = result.overall;
  const rows: string[][] = [['outcome', 'observed', 'p(obs)', 'Brier', 'base', 'skill', 'log', 'base', 'skill']];
  const numbers: string[][] = [];
  for (const s of o.outcomes) {
    if (s.type === 'number') {
      numbers.push([s.id, observedText(s.observed), `CRPS ${formatNumber(s.crps)} · PIT ${s.pit.toFixed(2)} · mean of runs ${formatNumber(s.mean)} · n ${s.n}`]);
      continue;
    }
    rows.push([
      s.id,
      observedText(s.observed),
      formatPercent(s.p),
      s.brier.toFixed(3),
      s.baseline.brier.toFixed(3),
      skillText(s.skill.brier),
      `${s.log.toFixed(2)}${s.clipped ? CLIP : ' '}`,
      s.baseline.log.toFixed(2),
      skillText(s.skill.log),
    ]);
  }
  if (o.mean)
    rows.push([
      `mean of ${o.mean.outcomes}`,
      '',
      '',
      o.mean.brier.toFixed(3),
      o.mean.baseline.brier.toFixed(3),
      skillText(o.mean.skill.brier),
      `${o.mean.log.toFixed(2)} `,
      o.mean.baseline.log.toFixed(2),
      skillText(o.mean.skill.log),
    ]);
  if (rows.length > 1) appendAll(lines, renderTable(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
  if (numbers.length > 0) {
    if (rows.length > 1) lines.push('');
    appendAll(lines, renderTable([['outcome', 'observed', 'ensemble score'], ...numbers], ['l', 'l', 'l']));
  }
  const timed = o.outcomes.flatMap((s) => (s.type === 'boolean' && s.timing ? [{ id: s.id, t: s.timing }] : []));
  if (timed.length > 0) {
    if (rows.length > 1 || numbers.length > 0) lines.push('');
    lines.push('When (the month each outcome first held):');
    const head = ['outcome', 'observed', 'held', '10%', '50%', '90%', 'PIT', 'CRPS (months)'];
    const body = timed.map(({ id, t }) => [id, t.date, formatPercent(t.held / t.n), t.q10 ?? '—', t.q50 ?? '—', t.q90 ?? '—', t.pit.toFixed(2), t.crps.toFixed(2)]);
    appendAll(lines, renderTable([head, ...body], ['l', 'l', 'r', 'l', 'l', 'l', 'r', 'r']));
  }
  if (o.outcomes.length === 0) lines.push('No runs to score.');

  lines.push('');
  if (rows.length > 1) {
    lines.push('p(obs): share of runs that produced what happened. Scores: lower is better; base: a uniform forecast');
    lines.push('(½ for booleans, 1/K for K values); skill = 1 − score/base, above 0 beats it. Log: natural log.');
  }
  const clipped = [o, ...result.cells].some((c) => c.outcomes.some((s) => s.type !== 'number' && s.clipped));
  if (clipped) lines.push(`${CLIP} the runs never produced the observed value: log score at p = 1/(2(n+1)) instead of infinity.`);
  if (numbers.length > 0) lines.push('CRPS: in the outcome\'s units, no baseline; PIT: share of runs below the observed value.');
  if (timed.length > 0) {
    const last = timed[0]!.t.last;
    lines.push(`When: held = share of runs where it held by the last turn (${last}); 10/50/90% = its first month`);
    lines.push('over those runs; PIT = share of runs where it held before the observed month (ties half);');
    lines.push(`CRPS: of the first month, in months, a run where it never held counting as one turn past ${last};`);
    lines.push('lower is better, 0 = every run had it first hold in the observed month.');
  }

  if (sweep) {
    lines.push('', 'By cell:');
    const table = cellHeaderRows(result.cells, result.swept);
    for (const obs of result.observed) {
      const label = obs.type === 'number' ? `${obs.id} CRPS` : `${obs.id} p(obs)`;
      table.push([
        label,
        ...result.cells.map((c) => {
          const s = c.outcomes.find((x) => x.id === obs.id);
          if (!s) return '—';
          return s.type === 'number' ? formatNumber(s.crps) : `${formatPercent(s.p)}${s.clipped ? CLIP : ''}`;
        }),
      ]);
      if (o.outcomes.some((s) => s.id === obs.id && s.type === 'boolean' && s.timing))
        table.push([
          `${obs.id} when CRPS`,
          ...result.cells.map((c) => {
            const s = c.outcomes.find((x) => x.id === obs.id);
            return s?.type === 'boolean' && s.timing ? s.timing.crps.toFixed(2) : '—';
          }),
        ]);
    }
    const meanRow = (label: string, f: (m: MeanScore) => string) => table.push([label, ...result.cells.map((c) => (c.mean ? f(c.mean) : '—'))]);
    if (result.cells.some((c) => c.mean)) {
      meanRow('mean Brier', (m) => m.brier.toFixed(3));
      meanRow('Brier skill', (m) => skillText(m.skill.brier));
      meanRow('mean log', (m) => m.log.toFixed(2));
      meanRow('log skill', (m) => skillText(m.skill.log));
    }
    appendAll(lines, renderWide(table, ['l', ...result.cells.map((): Align => 'r')], 1, maxWidth));
  }

  if (result.reliability.length > 0) {
    const events = result.reliability.reduce((s, b) => s + b.count, 0);
    const forecasts = `${events} forecast${events === 1 ? '' : 's'}${sweep ? ' of the cells pooled' : ''}`;
    lines.push('', `Reliability (${forecasts}: each observed boolean outcome and category value):`);
    const rel: string[][] = [['forecast', 'events', 'mean forecast', 'happened', 'frequency', '95% CI (%)']];
    for (const b of result.reliability)
      rel.push([
        `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`,
        String(b.count),
        formatPercent(b.meanForecast),
        String(b.hits),
        formatPercent(b.frequency.p),
        formatInterval(b.frequency.lo, b.frequency.hi),
      ]);
    appendAll(lines, renderTable(rel, ['l', 'r', 'r', 'r', 'r', 'l']));
    lines.push('A calibrated batch has frequencies close to its mean forecasts.');
    if (sweep) lines.push('Each observation counts once: the cells are rival forecasts of it, compared by cell above.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The reliability table pooled over several scored outputs
 * ({@link combineReliability}), one line per forecast bin.
 *
 * @example
 * process.stdout.write(formatCombinedReliability(combineReliability(results), results.length));
 */
export function formatCombinedReliability(bins: readonly ReliabilityBin[], outputs: number): string {
  const lines = [`Reliability over all ${outputs} outputs (forecast bin → observed frequency, 95% interval):`];
  for (const b of bins.filter((x) => x.count > 0))
    lines.push(
      `  ${(100 * b.lo).toFixed(0).padStart(3)}–${(100 * b.hi).toFixed(0).padEnd(3)}%  forecast ${formatPoints(b.meanForecast).padStart(5)}%  observed ${formatPoints(b.frequency.p).padStart(5)}% ${formatInterval(b.frequency.lo, b.frequency.hi)}  (${b.hits}/${b.count})`,
    );
  lines.push('  An observation forecast in several outputs counts once, forecast by their runs pooled.');
  return `${lines.join('\n')}\n`;
}
