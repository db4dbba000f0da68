/** Forecasts from a date and the backtest: they use the record only up to the origin. */
import { describe, expect, it } from 'vitest';
import { compileScenarioDoc, forecastMoves, monthIndex, planTurns } from '@wargame/engine';
import { runCli } from './helpers/cli.js';
import { load } from './helpers/scenarios.js';

const flagship = load('scenarios/south-caucasus');

describe('forecastMoves', () => {
  it('does not look past its origin: changing the record after it changes nothing', () => {
    const origin = monthIndex('2023-01');
    const doc = structuredClone(flagship.doc);
    // Drop every recorded step from the origin on.
    doc.history = doc.history.filter((h) => monthIndex(h.date) < origin);
    const { scenario: cut, issues } = compileScenarioDoc(doc);
    expect(issues).toEqual([]);
    const a = forecastMoves(planTurns(flagship), { seed: 'bt', runs: 40, origin, months: 6 });
    const b = forecastMoves(planTurns(cut), { seed: 'bt', runs: 40, origin, months: 6 });
    if (!a.ok || !b.ok) throw new Error('forecast failed');
    expect(b.forecast.counts).toEqual(a.forecast.counts);
    // Every run plays every month of the window, and each party makes at most one move a month.
    expect(a.forecast.reached).toEqual([40, 40, 40, 40, 40, 40]);
    for (const month of a.forecast.counts) for (const party of month) expect(party.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(40);
  });
});

describe('wargame backtest', () => {
  it('scores each origin against the two baselines, as text and JSON', () => {
    const r = runCli(['backtest', 'sochi-2021', '--origins', '2022-02,2022-06', '--horizon', '6', '--runs', '50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { origins: { origin: string; scores: { n: number; log: Record<string, number> } }[]; overall: { n: number } };
    expect(j.origins.map((o) => o.origin)).toEqual(['2022-02', '2022-06']);
    expect(j.overall.n).toBe(j.origins.reduce((a, o) => a + o.scores.n, 0));
    expect(j.overall.n).toBeGreaterThan(0);
    for (const o of j.origins) for (const v of Object.values(o.scores.log)) expect(v).toBeLessThanOrEqual(0);
    const text = runCli(['backtest', 'sochi-2021', '--origins', '2022-06', '--runs', '20']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/origin\s+moves\s+log: model/);
  });

  it('refuses an origin outside the calendar or malformed', () => {
    for (const origins of ['2019-01', '2022-13', 'soon']) {
      const r = runCli(['backtest', 'sochi-2021', '--origins', origins, '--runs', '10']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--origins/);
    }
  });
});
