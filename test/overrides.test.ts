/** Any number in a scenario can be set by a path, for sweeps, designs and calibration. */
import { describe, expect, it } from 'vitest';
import { applyOverrides, compileScenarioDoc, overridePaths, runGame } from '@wargame/engine';
import { load } from './helpers/scenarios.js';

const s = load('scenarios/sochi-2021');

describe('overrides by path', () => {
  it('sets a party setting, an interest weight, an event chance, an indicator start and a relation, and the run changes', () => {
    const r = applyOverrides(s.doc, {
      'party.azerbaijan.noise': 0,
      'party.russia.interest.baku_neutral.weight': 3,
      'event.border_flareup.chance': 0.9,
      'indicator.border_tension.initial': 80,
      'relation.armenia.russia.initial': -10,
      russia_bandwidth: 20,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.params).toEqual({ russia_bandwidth: 20 });
    expect(r.doc.parties['azerbaijan']!.noise).toBe(0);
    expect(r.doc.parties['russia']!.interests.find((i) => i.id === 'baku_neutral')!.weight).toBe(3);
    expect(r.doc.events.find((e) => e.id === 'border_flareup')!.chance).toBe(0.9);
    expect(r.doc.indicators['border_tension']!.initial).toBe(80);
    // The original is untouched.
    expect(s.doc.indicators['border_tension']!.initial).toBe(50);
    const { scenario, issues } = compileScenarioDoc(r.doc);
    expect(issues).toEqual([]);
    expect(scenario.hash).not.toBe(s.hash);
    const a = runGame(s, { seed: '1' });
    const b = runGame(scenario, { seed: '1', params: r.params });
    if (!a.ok || !b.ok) throw new Error('run failed');
    expect(b.run.turns[0]!.indicators['border_tension']).not.toBe(a.run.turns[0]!.indicators['border_tension']);
  });

  it('parameters alone leave the document (and its hash) as it is', () => {
    const r = applyOverrides(s.doc, { western_pressure: 80 });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc).toBe(s.doc);
  });

  it.each([
    ['party.azerbijan.noise', 'did you mean "party.azerbaijan.noise"'],
    ['party.russia.interest.baku_neutrl.weight', 'did you mean "party.russia.interest.baku_neutral.weight"'],
    ['event.sochi_summit.chance', 'unknown path'],
    ['indicator.border_tension.initial=', 'unknown path'],
  ])('refuses %s with a did-you-mean', (path, message) => {
    const r = applyOverrides(s.doc, { [path]: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('refuses values out of range', () => {
    expect(applyOverrides(s.doc, { 'indicator.border_tension.initial': 500 }).ok).toBe(false);
    expect(applyOverrides(s.doc, { 'event.border_flareup.chance': 1.5 }).ok).toBe(false);
    expect(applyOverrides(s.doc, { 'party.russia.noise': -1 }).ok).toBe(false);
  });

  it('lists its paths', () => {
    const paths = overridePaths(s.doc);
    expect(paths).toContain('party.armenia.interest.border_calm.weight');
    expect(paths).toContain('event.border_flareup.chance');
    expect(paths).not.toContain('event.sochi_summit.chance');
  });
});
