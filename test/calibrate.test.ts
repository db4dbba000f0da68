/** Calibration to the history track, the optimiser under it, and the set files it writes. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, compileScenarioDoc, historyLogLikelihood, nelderMead } from '@wargame/engine';
import { parseTargets } from '../packages/tui/src/commands/calibrate.js';
import { load } from './helpers/scenarios.js';
import { runCli } from './helpers/cli.js';

const sochi = load('scenarios/sochi-2021');

describe('nelderMead', () => {
  it('finds the minimum of a quadratic inside the box, and stays in the box when the minimum is outside', () => {
    const inside = nelderMead((x) => (x[0]! - 0.3) ** 2 + (x[1]! - 0.7) ** 2, [0.5, 0.5], { tolerance: 1e-12, maxEvaluations: 2000 });
    expect(inside.x[0]).toBeCloseTo(0.3, 3);
    expect(inside.x[1]).toBeCloseTo(0.7, 3);
    const outside = nelderMead((x) => (x[0]! - 2) ** 2, [0.5], { tolerance: 1e-12, maxEvaluations: 500 });
    expect(outside.x[0]).toBeCloseTo(1, 6);
  });
});

describe('calibrate', () => {
  it('finds values at least as likely as the scenario\'s own, deterministically, with intervals inside the ranges', () => {
    const targets = [{ path: 'russia_bandwidth', lo: 0, hi: 100 }];
    const a = calibrate(sochi, targets, { restarts: 2, samples: 30, maxEvaluations: 25 });
    const b = calibrate(sochi, targets, { restarts: 2, samples: 30, maxEvaluations: 25 });
    if (!a.ok || !b.ok) throw new Error('calibration failed');
    expect(a.result).toEqual(b.result);
    expect(a.result.logLikelihood).toBeGreaterThanOrEqual(a.result.baseline - 1e-9);
    const iv = a.result.intervals['russia_bandwidth']!;
    expect(iv.lo).toBeLessThanOrEqual(a.result.estimates['russia_bandwidth']!);
    expect(iv.hi).toBeGreaterThanOrEqual(a.result.estimates['russia_bandwidth']!);
    // The estimate's objective is what historyLogLikelihood says of it.
    const check = historyLogLikelihood(sochi, a.result.estimates, { samples: 30 });
    if (!check.ok) throw new Error(check.message);
    expect(check.logLikelihood).toBeCloseTo(a.result.logLikelihood, 9);
  });

  it('profile intervals re-fit the other numbers (never below the likelihood with them held), and every interval is read against the best point seen', () => {
    const targets = [
      { path: 'russia_bandwidth', lo: 0, hi: 100 },
      { path: 'western_pressure', lo: 0, hi: 100 },
    ];
    const opts = { restarts: 1, samples: 20, maxEvaluations: 30 };
    const conditional = calibrate(sochi, targets, opts);
    const profile = calibrate(sochi, targets, { ...opts, profile: true });
    if (!conditional.ok || !profile.ok) throw new Error('calibration failed');
    expect(conditional.result.intervalKind).toBe('conditional');
    expect(profile.result.intervalKind).toBe('profile');
    expect(profile.result.logLikelihood).toBeGreaterThanOrEqual(conditional.result.logLikelihood - 1e-9);
    const check = historyLogLikelihood(sochi, profile.result.estimates, { samples: 20 });
    expect(check.ok && check.logLikelihood).toBeCloseTo(profile.result.logLikelihood, 9);
    for (const r of [conditional.result, profile.result])
      for (const t of targets) {
        const curve = r.curves[t.path]!;
        expect(curve).toHaveLength(21);
        // The estimate is the best point seen, so no curve rises above it…
        for (const c of curve) expect(c.logLikelihood).toBeLessThanOrEqual(r.logLikelihood + 1e-9);
        // …and the interval's ends are the outermost grid values within 1.92 log-likelihood units of it.
        const inside = curve.filter((c) => 2 * (r.logLikelihood - c.logLikelihood) <= 3.84).map((c) => c.value);
        const iv = r.intervals[t.path]!;
        expect(iv.lo).toBeCloseTo(Math.min(...inside, r.estimates[t.path]!), 9);
        expect(iv.hi).toBeCloseTo(Math.max(...inside, r.estimates[t.path]!), 9);
      }
    // A profile re-fits the others at each value: it is never below the likelihood with the others held at the
    // estimate, and above it somewhere when the numbers trade off.
    const held = (path: string, value: number) => {
      const r = historyLogLikelihood(sochi, { ...profile.result.estimates, [path]: value }, { samples: 20 });
      if (!r.ok) throw new Error(r.message);
      return r.logLikelihood;
    };
    let above = 0;
    for (const t of targets)
      for (const c of profile.result.curves[t.path]!) {
        const h = held(t.path, c.value);
        expect(c.logLikelihood).toBeGreaterThanOrEqual(h - 1e-9);
        if (c.logLikelihood > h + 1e-6) above++;
      }
    expect(above).toBeGreaterThan(0);
  });

  it("fits the scenario's calibration list with its parameters by default; --params replaces both", () => {
    const marked = compileScenarioDoc({ ...sochi.doc, calibration: [{ path: 'party.russia.noise', range: [0, 0.4] }] });
    expect(marked.issues).toEqual([]);
    const targets = parseTargets(marked.scenario, undefined);
    expect(targets.map((t) => t.path)).toEqual([...sochi.parameters.map((p) => p.id), 'party.russia.noise']);
    expect(targets.at(-1)).toEqual({ path: 'party.russia.noise', lo: 0, hi: 0.4 });
    expect(parseTargets(marked.scenario, 'western_pressure').map((t) => t.path)).toEqual(['western_pressure']);
  });

  it('refuses unknown paths and empty ranges', () => {
    expect(calibrate(sochi, [{ path: 'party.rusia.noise', lo: 0, hi: 1 }]).ok).toBe(false);
    expect(calibrate(sochi, [{ path: 'russia_bandwidth', lo: 5, hi: 5 }]).ok).toBe(false);
    expect(calibrate(sochi, []).ok).toBe(false);
  });
});

describe('wargame calibrate and --set-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-cal-'));

  it('writes a set file that run accepts, and run prints it in its replay command', () => {
    const file = join(dir, 'fit.yaml');
    const r = runCli(['calibrate', 'sochi-2021', '--params', 'russia_bandwidth,party.russia.noise=0:0.2', '--restarts', '1', '--samples', '20', '--evaluations', '12', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('russia_bandwidth');
    expect(r.stdout).toContain('party.russia.noise');
    expect(readFileSync(file, 'utf8')).toMatch(/russia_bandwidth: [\d.]+/);
    const run = runCli(['run', 'sochi-2021', '--seed', '1', '--turns', '1', '--set-file', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`--set-file ${file}`);
  });

  it.each([
    ['bad.yaml', '- 1\n- 2\n', 'expected a mapping'],
    ['bad2.yaml', 'russia_bandwidth: lots\n', 'must be a finite number'],
    ['bad.csv', 'name,value\nrussia_bandwidth,1,2\n', 'expected two columns'],
    ['typo.yaml', 'russia_bandwith: 10\n', 'did you mean "russia_bandwidth"'],
  ])('refuses a broken set file (%s) with a clear message', (name, text, message) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = runCli(['run', 'sochi-2021', '--seed', '1', '--turns', '1', '--set-file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('    at ');
  });
});
