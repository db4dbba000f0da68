import { evaluateOutcomes, fastRun, monthText, prepareFastRun, type CompiledScenario } from '@wargame/engine';
import { out, UserError } from '../io.js';
import { loadOrFail } from './load.js';

/** A recorded event whose timing free runs are checked against: an `over: ever` outcome and the month it really happened. */
export interface TimingTarget {
  outcome: string;
  label: string;
  real: string;
}

/**
 * The major recorded events of the shipped scenarios, each an `over: ever`
 * outcome of the scenario, with the month it really happened. Other scenarios
 * (or `--event`) name their own; without either, every `over: ever` boolean
 * outcome is reported without a real date.
 */
export const TIMING_TARGETS: Readonly<Record<string, readonly TimingTarget[]>> = {
  'south-caucasus': [
    { outcome: 'attack_on_armenia', label: 'Azerbaijan attacks Armenia proper', real: '2022-09' },
    { outcome: 'lachin_blockade', label: 'The Lachin corridor is blockaded', real: '2022-12' },
    { outcome: 'karabakh_offensive', label: 'Azerbaijan takes Karabakh by force', real: '2023-09' },
    { outcome: 'peacekeepers_gone', label: "The peacekeepers' mission ends", real: '2024-04' },
    { outcome: 'csto_frozen', label: 'Armenia freezes (or leaves) the CSTO', real: '2024-02' },
  ],
  'peace-tracks': [
    { outcome: 'prisoner_deal_agreed', label: 'The bilateral prisoner deal', real: '2023-12' },
    { outcome: 'csto_frozen', label: 'Armenia freezes the CSTO', real: '2024-02' },
    { outcome: 'peacekeepers_gone', label: "The peacekeepers' withdrawal", real: '2024-04' },
    { outcome: 'delimitation_agreed', label: 'The Tavush delimitation', real: '2024-04' },
  ],
};

export interface TimingRow {
  outcome: string;
  label: string;
  real: string | null;
  runs: number;
  happened: number;
  share: number;
  /** The 10%, 50% and 90% quantiles of the first month, over the runs where it happened. */
  q10: string | null;
  q50: string | null;
  q90: string | null;
  /** The real month lies outside the central 80% of runs where it happened (or it never happened). */
  outsideCentral80: boolean;
  /** It happened in more than 95% of runs. */
  nearCertain: boolean;
}

export interface TimingOptions {
  runs: number;
  seed: string;
  set: Record<string, number>;
  event?: string[];
  json?: boolean;
}

function quantile(sorted: readonly number[], q: number): number {
  // the nearest-rank quantile: a month that some run really produced
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function targetsFor(s: CompiledScenario, events: readonly string[] | undefined): TimingTarget[] {
  const ever = new Map(s.outcomes.filter((o) => o.type === 'boolean' && o.over === 'ever').map((o) => [o.id, o.label]));
  if (events && events.length > 0) {
    return events.map((e) => {
      const m = /^([a-z][a-z0-9_]*)(?:=(\d{4}-\d{2}))?$/.exec(e);
      if (!m) throw new UserError(`--event ${e}: expected <outcome> or <outcome>=YYYY-MM`);
      const label = ever.get(m[1]!);
      if (label === undefined) throw new UserError(`--event ${e}: ${s.id} has no boolean outcome "${m[1]}" with over: ever (its ever outcomes: ${[...ever.keys()].join(', ') || 'none'})`);
      return { outcome: m[1]!, label, real: m[2] ?? '' };
    });
  }
  const shipped = TIMING_TARGETS[s.id];
  if (shipped) {
    const missing = shipped.filter((t) => !ever.has(t.outcome));
    if (missing.length > 0) throw new UserError(`${s.id} lacks the ever outcomes the timing check reads: ${missing.map((t) => t.outcome).join(', ')}`);
    return [...shipped];
  }
  return [...ever].map(([outcome, label]) => ({ outcome, label, real: '' }));
}

/** Plays `runs` free runs on the batch path and measures, for each target, how often and when it first happens. */
export function measureTiming(s: CompiledScenario, opts: { runs: number; seed: string; set?: Record<string, number>; targets: readonly TimingTarget[] }): TimingRow[] {
  const plan = prepareFastRun(s);
  const firsts = opts.targets.map(() => [] as number[]);
  const start = s.calendar.start;
  const step = s.calendar.step;
  for (let i = 0; i < opts.runs; i++) {
    const seed = `${opts.seed}.${i}`;
    const r = fastRun(plan, { seed, ...(opts.set && Object.keys(opts.set).length > 0 ? { params: opts.set } : {}) });
    if (!r.ok) throw new UserError(`${r.error.message} (seed ${seed})`);
    const res = evaluateOutcomes(s, r.state);
    opts.targets.forEach((t, k) => {
      const o = res[t.outcome];
      // firstTurn counts the turns played when it first held: turn n (1-based) is month start + (n - 1) × step
      if (o && o.value === true && o.firstTurn !== undefined) firsts[k]!.push(start + (o.firstTurn - 1) * step);
    });
  }
  return opts.targets.map((t, k) => {
    const xs = firsts[k]!.sort((a, b) => a - b);
    const q = (p: number) => (xs.length > 0 ? quantile(xs, p) : null);
    const [q10, q50, q90] = [q(0.1), q(0.5), q(0.9)];
    const real = t.real === '' ? null : t.real;
    const realIndex = real === null ? null : Number(real.slice(0, 4)) * 12 + Number(real.slice(5, 7)) - 1;
    const share = xs.length / opts.runs;
    return {
      outcome: t.outcome,
      label: t.label,
      real,
      runs: opts.runs,
      happened: xs.length,
      share,
      q10: q10 === null ? null : monthText(q10),
      q50: q50 === null ? null : monthText(q50),
      q90: q90 === null ? null : monthText(q90),
      outsideCentral80: realIndex !== null && (q10 === null || q90 === null || realIndex < q10 || realIndex > q90),
      nearCertain: share > 0.95,
    };
  });
}

/** `wargame timing <scenario>`: when the major recorded events happen in free runs, beside their real dates. */
export function timingCommand(arg: string, opts: TimingOptions): number {
  const s = loadOrFail(arg);
  const targets = targetsFor(s, opts.event);
  if (targets.length === 0) throw new UserError(`${s.id} has no boolean outcome with over: ever to time; name one with --event <outcome>=YYYY-MM`);
  const rows = measureTiming(s, { runs: opts.runs, seed: opts.seed, set: opts.set, targets });
  if (opts.json) {
    out(JSON.stringify({ scenario: { id: s.id, hash: s.hash }, runs: opts.runs, seed: opts.seed, params: opts.set, events: rows }, null, 2));
    return 0;
  }
  const set = Object.entries(opts.set).map(([k, v]) => `${k}=${v}`).join(', ');
  out(`Timing of ${s.title} (${s.id}): ${opts.runs} free runs from ${monthText(s.calendar.start)}, seeds ${opts.seed}.0…${opts.seed}.${opts.runs - 1}${set ? `, ${set}` : ''}`);
  out('');
  const head = ['event', 'real', 'share', '10%', '50%', '90%', 'check'];
  const body = rows.map((r) => [
    r.outcome,
    r.real ?? '—',
    `${(r.share * 100).toFixed(1)}%`,
    r.q10 ?? '—',
    r.q50 ?? '—',
    r.q90 ?? '—',
    [r.outsideCentral80 ? '✖ real date outside the central 80%' : '', r.nearCertain ? '✖ in more than 95% of runs' : ''].filter(Boolean).join('; ') || (r.real ? '✔' : ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(line(head));
  out(line(widths.map((w) => '─'.repeat(w))));
  for (const b of body) out(line(b));
  const flagged = rows.filter((r) => r.outsideCentral80 || r.nearCertain).length;
  out('');
  out(flagged === 0 ? '✔ every real date lies in the central 80% of the runs where its event happens, and no event is near-certain' : `✖ ${flagged} of ${rows.length} events off target (quantiles are over the runs where the event happens)`);
  return flagged === 0 ? 0 : 1;
}
