import { historyFit } from '@wargame/engine';
import { out, UserError } from '../io.js';
import { loadOrFail } from './load.js';

function pct(p: number): string {
  return p >= 0.995 ? '100%' : p < 0.001 ? (p === 0 ? '0' : '<0.1%') : `${(p * 100).toFixed(1)}%`;
}

/** `wargame history-fit <scenario>`: the table of historical moves with the probability the policy gave each. */
export function historyFitCommand(arg: string, opts: { seed: string; set: Record<string, number>; samples: number; threshold: number; json?: boolean }): number {
  const s = loadOrFail(arg);
  if (s.history.length === 0) throw new UserError(`scenario ${s.id} has no history track`);
  const r = historyFit(s, { seed: opts.seed, params: opts.set, samples: opts.samples, threshold: opts.threshold });
  if (!r.ok) throw new UserError(`${r.error.message} (seed ${opts.seed})`);
  const { fit } = r;
  if (opts.json) {
    out(JSON.stringify({ scenario: { id: s.id, hash: s.hash }, seed: opts.seed, samples: opts.samples, ...fit, logLikelihood: Number.isFinite(fit.logLikelihood) ? fit.logLikelihood : null }, null, 2));
    return 0;
  }
  const head = ['date', 'party', 'historical move', 'posture', 'probability', 'rank', 'likeliest instead'];
  const body = fit.rows.map((row) => [
    row.date,
    row.party,
    row.move,
    row.posture,
    row.available ? pct(row.probability) : 'not offered',
    row.available ? `${row.rank}/${row.options}` : `-/${row.options}`,
    row.likeliest.move === row.move ? '' : `${row.likeliest.move} (${pct(row.likeliest.probability)})`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(`History check of ${s.title} (${s.id}): ${fit.rows.length} historical moves, teacher-forced, seed ${opts.seed}, ${opts.samples} noise samples`);
  out('');
  out(line(head));
  out(line(widths.map((w) => '─'.repeat(w))));
  for (const b of body) out(line(b));
  out('');
  out(`total log-likelihood ${Number.isFinite(fit.logLikelihood) ? fit.logLikelihood.toFixed(3) : '−∞ (a historical move was not offered)'}; mean probability ${pct(fit.rows.reduce((a, r) => a + r.probability, 0) / Math.max(1, fit.rows.length))}`);
  if (fit.quiet.months > 0) {
    out(`quiet months (the record is silent, the party could stay idle): ${fit.quiet.months} party-months, mean probability of staying quiet ${pct(fit.quiet.meanProbability)}, log-likelihood ${fit.quiet.logLikelihood.toFixed(3)}`);
    const early = fit.quiet.lowest.filter((r) => r.probability < 0.5).slice(0, 5);
    if (early.length > 0) out(`  least expected quiet (acting before the record does): ${early.map((r) => `${r.date} ${r.party} → ${r.likeliest} (quiet ${pct(r.probability)})`).join('; ')}`);
  }
  if (fit.implausible.length > 0) {
    out(`✖ ${fit.implausible.length} historical move${fit.implausible.length === 1 ? '' : 's'} below ${pct(fit.threshold)}: the model is wrong somewhere (interests or postures):`);
    for (const row of fit.implausible) out(`  ${row.date} ${row.party} ${row.move}: ${row.available ? pct(row.probability) : `not offered in posture ${row.posture}`}`);
    return 1;
  }
  out(`✔ every historical move has probability ≥ ${pct(fit.threshold)}`);
  return 0;
}
