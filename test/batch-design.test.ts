/**
 * Designs beyond the declared parameters: paths swept like parameters, grid
 * values crossed with a sample, design files from other tools, and Saltelli's
 * and Morris's designs laid out as their estimators read them (issue 12).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDesign, readBatchMeta, type BatchDesign, type DesignFile } from '@wargame/batch';
import { batchRows } from './helpers/batch-rows.js';
import { runCli } from './helpers/cli.js';
import { load } from './helpers/scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-batch-design-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const sochi = load('scenarios/sochi-2021');

function design(req: Partial<Parameters<typeof buildDesign>[1]>): BatchDesign {
  const r = buildDesign(sochi, { fixed: {}, sweep: [], seed: 'd', ...req });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function refusal(req: Partial<Parameters<typeof buildDesign>[1]>): string {
  const r = buildDesign(sochi, { fixed: {}, sweep: [], seed: 'd', ...req });
  if (r.ok) throw new Error('the design was accepted');
  return r.message;
}


describe('designs over paths, crossings and files', () => {
  it('sweeps a path like a parameter; an unknown path gets a did-you-mean, a value out of its range is refused', () => {
    const d = design({ sweep: [{ parameter: 'event.border_flareup.chance', values: [0, 0.5, 1] }] });
    expect(d.kind).toBe('grid');
    expect(d.cells.map((c) => c.params['event.border_flareup.chance'])).toEqual([0, 0.5, 1]);
    expect(refusal({ sweep: [{ parameter: 'event.border_flarup.chance', values: [0.1] }] })).toContain('did you mean "event.border_flareup.chance"');
    expect(refusal({ sweep: [{ parameter: 'event.border_flareup.chance', values: [1.5] }] })).toContain('a chance is between 0 and 1');
    expect(refusal({ sweep: [{ parameter: 'event.border_flareup.chance', range: [0, 2] }], lhs: 4 })).toContain('a chance is between 0 and 1');
  });

  it('crosses grid values with a Latin hypercube: every grid value meets the same sample', () => {
    const d = design({ sweep: [{ parameter: 'russia_bandwidth', values: [20, 80] }, { parameter: 'western_pressure', range: [0, 100] }], lhs: 5 });
    expect(d.kind).toBe('lhs');
    expect(d.cells).toHaveLength(10);
    const sample = (rb: number) => d.cells.filter((c) => c.params['russia_bandwidth'] === rb).map((c) => c.params['western_pressure']);
    expect(sample(20)).toHaveLength(5);
    expect(sample(80)).toEqual(sample(20));
    expect(new Set(sample(20)).size).toBe(5);
  });

  it("takes a design file's rows as cells, crossed with grid values, and checks them against the scenario", () => {
    const file: DesignFile = { path: 'd.csv', hash: 'h', columns: ['western_pressure', 'party.russia.noise'], rows: [[10, 0.1], [60, 0.3], [90, 0.2]] };
    const d = design({ file, sweep: [{ parameter: 'russia_bandwidth', values: [30, 70] }] });
    expect(d.kind).toBe('file');
    expect(d.file).toEqual({ path: 'd.csv', hash: 'h' });
    expect(d.cells.map((c) => [c.params['russia_bandwidth'], c.params['western_pressure'], c.params['party.russia.noise']])).toEqual([
      [30, 10, 0.1], [30, 60, 0.3], [30, 90, 0.2], [70, 10, 0.1], [70, 60, 0.3], [70, 90, 0.2],
    ]);
    // The file's columns are recorded as axes over the range they span.
    expect(d.sweep.at(-1)).toEqual({ parameter: 'party.russia.noise', range: [0.1, 0.3] });
    expect(refusal({ file: { ...file, rows: [[10, 0.1], [500, 0.2]] } })).toBe("--design d.csv: line 3: western_pressure: 500 is outside the parameter's range 0–100");
    expect(refusal({ file: { ...file, columns: ['western_pressure', 'party.rusia.noise'] } })).toContain('did you mean "party.russia.noise"');
    expect(refusal({ file, sweep: [{ parameter: 'western_pressure', values: [1] }] })).toContain('western_pressure is varied twice');
    expect(refusal({ file, lhs: 4 })).toBe('--lhs and --design are two designs: choose one');
  });

  it("lays out Saltelli's design in SALib's blocks: AB_i is A with column i from B", () => {
    const sweep = [
      { parameter: 'western_pressure', range: [0, 100] as [number, number] },
      { parameter: 'russia_bandwidth', range: [0, 100] as [number, number] },
      { parameter: 'party.russia.noise', range: [0.01, 0.5] as [number, number] },
    ];
    const k = sweep.length;
    const d = design({ sweep, sobol: { n: 8, secondOrder: true } });
    expect(d.kind).toBe('sobol');
    expect(d.sobol).toEqual({ n: 8, secondOrder: true });
    expect(d.cells).toHaveLength(8 * (2 * k + 2));
    const names = sweep.map((a) => a.parameter);
    const at = (c: number) => names.map((p) => d.cells[c]!.params[p]!);
    for (let j = 0; j < 8; j++) {
      const b0 = j * (2 * k + 2);
      const A = at(b0);
      const B = at(b0 + 2 * k + 1);
      for (let i = 0; i < k; i++) {
        expect(at(b0 + 1 + i)).toEqual(A.map((v, m) => (m === i ? B[i] : v)));
        expect(at(b0 + 1 + k + i)).toEqual(B.map((v, m) => (m === i ? A[i] : v)));
      }
    }
    expect(design({ sweep, sobol: { n: 8, secondOrder: false } }).cells).toHaveLength(8 * (k + 2));
    expect(refusal({ sweep: [{ parameter: 'western_pressure', values: [1, 2] }, ...sweep], sobol: { n: 4, secondOrder: true } })).toContain('--sobol samples ranges only');
  });

  it("lays out Morris's trajectories: each step moves one axis by the same Δ on the level grid", () => {
    const sweep = [
      { parameter: 'western_pressure', range: [0, 100] as [number, number] },
      { parameter: 'russia_bandwidth', range: [0, 100] as [number, number] },
    ];
    const d = design({ sweep, morris: { trajectories: 6, levels: 4 } });
    expect(d.kind).toBe('morris');
    expect(d.cells).toHaveLength(6 * 3);
    const levels = new Set(d.cells.flatMap((c) => [c.params['western_pressure'], c.params['russia_bandwidth']]));
    // On the 4-level grid over 0–100 (0, 33.33…, 66.67…, 100), rounded to six decimals.
    for (const v of levels) expect(Math.abs((v! * 3) / 100 - Math.round((v! * 3) / 100))).toBeLessThan(1e-5);
    expect(levels.size).toBeGreaterThan(2);
    for (let t = 0; t < 6; t++) {
      for (let s = 1; s <= 2; s++) {
        const a = d.cells[t * 3 + s - 1]!.params;
        const b = d.cells[t * 3 + s]!.params;
        const moved = sweep.filter((x) => a[x.parameter] !== b[x.parameter]);
        expect(moved).toHaveLength(1);
      }
    }
  });

  it('is the same design for the same seed, and another for another seed', () => {
    const sweep = [{ parameter: 'western_pressure', range: [0, 100] as [number, number] }];
    expect(design({ sweep, sobol: { n: 4, secondOrder: false } })).toEqual(design({ sweep, sobol: { n: 4, secondOrder: false } }));
    const other = buildDesign(sochi, { fixed: {}, sweep, sobol: { n: 4, secondOrder: false }, seed: 'e' });
    expect(other.ok && other.value.cells).not.toEqual(design({ sweep, sobol: { n: 4, secondOrder: false } }).cells);
  });
});

describe('wargame batch with paths and design files', () => {
  it('a path sweep plays each cell with its value, writes it as a column, and every row replays with run --set <path>', async () => {
    const r = runCli(['batch', 'sochi-2021', '--runs', '4', '--seed', 'p', '--sweep', 'event.border_flareup.chance=0,1', '--out', at('paths.parquet'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const all = await batchRows(at('paths.parquet'));
    expect(all).toHaveLength(8);
    expect(all.map((x) => x['param_event__border_flareup__chance'])).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // The chance matters: with the flare-ups certain the border ends hotter than with none, seed for seed.
    for (let rep = 0; rep < 4; rep++) expect(all[4 + rep]!['final_border_tension'] as number).toBeGreaterThan(all[rep]!['final_border_tension'] as number);
    for (const row of [all[1]!, all[6]!]) {
      const run = runCli(['run', 'sochi-2021', '--seed', String(row['seed']), '--set', `event.border_flareup.chance=${row['param_event__border_flareup__chance']}`, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const game = JSON.parse(run.stdout);
      for (const [id, v] of Object.entries(game.turns.at(-1).indicators as Record<string, number>)) expect({ id, v: row[`final_${id}`] }).toEqual({ id, v });
    }
    const meta = await readBatchMeta(at('paths.parquet'));
    expect(meta.ok && meta.meta.columns.find((c) => c.name === 'param_event__border_flareup__chance')).toMatchObject({ role: 'parameter', source: 'event.border_flareup.chance' });
  });

  it('--design reads a CSV design (numpy header, comments, tabs) and refuses a bad one with its line', async () => {
    writeFileSync(at('design.csv'), '# western_pressure,party.russia.noise\n10,0.05\n# a comment\n90,0.4\n');
    const r = runCli(['batch', 'sochi-2021', '--runs', '3', '--seed', 'q', '--design', at('design.csv'), '--out', at('file.csv'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const all = await batchRows(at('file.csv'));
    expect(all.map((x) => [x['param_western_pressure'], x['param_party__russia__noise']])).toEqual([[10, 0.05], [10, 0.05], [10, 0.05], [90, 0.4], [90, 0.4], [90, 0.4]]);
    const meta = await readBatchMeta(at('file.csv'));
    expect(meta.ok && meta.meta.design.kind).toBe('file');
    expect(meta.ok && meta.meta.command).toContain(`--design ${at('design.csv')}`);

    const bad: [string, string, RegExp][] = [
      ['letters.csv', 'western_pressure\n10\nten\n', /letters\.csv:3: column western_pressure: expected a number, got "ten"/],
      ['short.csv', 'western_pressure,russia_bandwidth\n10,20\n30\n', /short\.csv:3: 1 fields, but the header names 2 columns/],
      ['header.csv', 'Western Pressure\n10\n', /header\.csv:1: column 1 is "Western Pressure", not a parameter name or path/],
      ['empty.csv', 'western_pressure\n', /expected a header line naming the columns, then one line of numbers per cell/],
      ['range.csv', 'western_pressure\n10\n300\n', /range\.csv: line 3: western_pressure: 300 is outside the parameter's range/],
    ];
    for (const [name, text, message] of bad) {
      writeFileSync(at(name), text);
      const b = runCli(['batch', 'sochi-2021', '--runs', '2', '--design', at(name), '--out', at('never.csv'), '--quiet']);
      expect(b.code, name).toBe(1);
      expect(b.stderr).toMatch(message);
      expect(b.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = runCli(['batch', 'sochi-2021', '--runs', '2', '--design', at('nope.csv'), '--quiet']);
    expect(missing.stderr).toMatch(/--design .*nope\.csv: cannot read it \(ENOENT\)/);
  });

  it('--resume refuses a design file whose contents changed', () => {
    writeFileSync(at('d2.csv'), 'western_pressure\n10\n90\n');
    expect(runCli(['batch', 'sochi-2021', '--runs', '2', '--seed', 'z', '--design', at('d2.csv'), '--out', at('d2.csv.parquet'), '--quiet']).code).toBe(0);
    writeFileSync(at('d2.csv'), 'western_pressure\n10\n80\n');
    const r = runCli(['batch', 'sochi-2021', '--runs', '2', '--seed', 'z', '--design', at('d2.csv'), '--out', at('d2.csv.parquet'), '--resume', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('its design differs');
  });
});
