/**
 * `wargame calibrate <scenario> --params a,b,path=lo:hi … [--until YYYY-MM]`:
 * fits numbers of the scenario to its history track (engine `calibrate`) and
 * writes the estimates as a set file that `run` and `batch` accept (`--set-file`).
 */
import { applyOverrides, calibrate, monthIndex, type CalibrationTarget, type CompiledScenario } from '@wargame/engine';
import { stringify } from 'yaml';
import { out, UserError, writeFileAtomic } from '../io.js';
import { loadOrFail } from './load.js';

export interface CalibrateOptions {
  params?: string;
  until?: string;
  seed: string;
  samples: number;
  restarts: number;
  evaluations?: number;
  out?: string;
  quiet: boolean;
  json?: boolean;
  /** Profile-likelihood intervals (the others re-fitted at each value). */
  profile?: boolean;
}

/** Targets from `--params`: a parameter id (its declared range), or `path=lo:hi` for any override path. */
export function parseTargets(s: CompiledScenario, spec: string | undefined): CalibrationTarget[] {
  const items = (spec ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  // By default: every parameter, and the numbers the scenario marks for calibration (its `calibration:` list).
  const marked = (s.doc.calibration ?? []).map((c) => `${c.path}=${c.range[0]}:${c.range[1]}`);
  const list = items.length > 0 ? items : [...s.parameters.map((p) => p.id), ...marked];
  if (list.length === 0) throw new UserError(`scenario ${s.id} declares no parameters and marks nothing for calibration: name paths to calibrate with --params path=lo:hi`);
  return list.map((item) => {
    const m = /^([^=]+)=(-?[\d.]+):(-?[\d.]+)$/.exec(item);
    const path = m ? m[1]! : item;
    const p = s.parameters.find((x) => x.id === path);
    const lo = m ? Number(m[2]) : p?.min;
    const hi = m ? Number(m[3]) : p?.max;
    if (lo === undefined || hi === undefined) throw new UserError(`--params ${item}: "${path}" is not a parameter of ${s.id}; give a range for a path (${path}=low:high)`);
    if (!(hi > lo)) throw new UserError(`--params ${item}: the range must go from low to high`);
    const probe = applyOverrides(s.doc, { [path]: lo });
    if (!probe.ok) throw new UserError(`--params ${item}: ${probe.message}`);
    return { path, lo, hi };
  });
}

export function calibrateCommand(arg: string, opts: CalibrateOptions): number {
  const s = loadOrFail(arg);
  if (s.history.length === 0) throw new UserError(`scenario ${s.id} has no history track to calibrate against`);
  const targets = parseTargets(s, opts.params);
  const r = calibrate(s, targets, {
    seed: opts.seed,
    samples: opts.samples,
    restarts: opts.restarts,
    quiet: opts.quiet,
    profile: opts.profile === true,
    ...(opts.evaluations === undefined ? {} : { maxEvaluations: opts.evaluations }),
    ...(opts.until === undefined ? {} : { until: monthIndex(opts.until) }),
  });
  if (!r.ok) throw new UserError(r.message);
  const { result } = r;
  const rounded = Object.fromEntries(Object.entries(result.estimates).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  const file = opts.out ?? `${s.id}.calibrated.yaml`;
  writeFileAtomic(
    file,
    `# wargame calibrate ${s.id}: estimates fitted to the history track${opts.until ? ` before ${opts.until}` : ''} (seed ${opts.seed}).\n# Use with: wargame run ${s.id} --set-file ${file}   or   wargame batch ${s.id} --set-file ${file}\n${stringify(rounded)}`,
  );
  if (opts.json) {
    out(JSON.stringify({ scenario: { id: s.id, hash: s.hash }, targets, ...result, file }, null, 2));
    return 0;
  }
  out(`calibrated ${s.id} on the history track${opts.until ? ` before ${opts.until}` : ''}: ${result.evaluations} evaluations, ${result.restarts.length} restarts (Nelder–Mead on the box of the ranges)`);
  out(`log-likelihood ${result.logLikelihood.toFixed(3)} (the scenario's own values: ${result.baseline.toFixed(3)}; ${opts.quiet ? 'recorded moves and quiet months' : 'recorded moves only'})`);
  out('');
  const w = Math.max(9, ...targets.map((t) => t.path.length));
  out(`${'number'.padEnd(w)}  ${'estimate'.padStart(10)}  95% interval (${result.intervalKind === 'profile' ? 'profile likelihood: the others re-fitted at each value' : targets.length > 1 ? 'others held at the estimate; --profile re-fits them' : 'likelihood ratio'})`);
  for (const t of targets) {
    const iv = result.intervals[t.path]!;
    const end = (v: number, at: boolean) => `${at ? '≤' : ''}${Math.round(v * 100) / 100}`;
    out(`${t.path.padEnd(w)}  ${String(rounded[t.path]).padStart(10)}  [${iv.reachesLo ? `${t.lo} (bound)` : end(iv.lo, false)}, ${iv.reachesHi ? `${t.hi} (bound)` : end(iv.hi, false)}]`);
  }
  out('');
  const lls = result.restarts.map((x) => x.logLikelihood);
  const agree = Math.max(...lls) - Math.min(...lls) < 0.5;
  out(
    `restarts: ${lls.map((x) => x.toFixed(2)).join(', ')} — ${result.restarts.length === 1 ? 'one restart: run more to check the optimum is not a local one' : agree ? 'they agree' : 'they disagree: the likelihood has several optima; the best is kept, and more --restarts are advised'}`,
  );
  if (result.improvedOnGrid) out('a value on the intervals\' grid fitted better than the restarts: the estimate is that point (more --restarts or --evaluations would have found it)');
  out(`wrote ${file}`);
  return 0;
}
