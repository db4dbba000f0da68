/**
 * Numbers that overflow follow one rule in every path (docs/limits.md): NaN
 * becomes 0 and ±∞ saturates, so an overflowing effect pushes its target to
 * the end of its range and a batch row replays exactly with `run`.
 */
import { describe, expect, it } from 'vitest';
import { evaluateOutcomes, fastRun, loadScenario, prepareFastRun, runGame, type CompiledScenario } from '@wargame/engine';
import { scenarioFiles } from './helpers/scenarios.js';

function variant(edit: (text: string) => string): CompiledScenario {
  const [file] = scenarioFiles('test/fixtures/scenarios/two-party.yaml');
  const r = loadScenario([{ name: file!.name, text: edit(file!.text) }]);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.scenario;
}

const huge = Array.from({ length: 36 }, () => '1e9').join(' * ');

describe('non-finite values', () => {
  it('an interest whose utility overflows (∞ − ∞) values moves the same in the batch path and the full engine, and no state holds a non-number', () => {
    const s = variant((t) =>
      t.replace('wants: { raise: trade }', `wants: { raise: "${huge} * pressure - ${huge} * pressure" }`).replace('wants: { lower: tension }', `wants: { lower: "${huge} * tension" }`),
    );
    for (let seed = 0; seed < 20; seed++) {
      const full = runGame(s, { seed: `nf.${seed}`, hash: false });
      const fast = fastRun(prepareFastRun(s), { seed: `nf.${seed}` });
      if (!full.ok || !fast.ok) throw new Error('run failed');
      expect(fast.state).toEqual(full.run.final);
      expect(evaluateOutcomes(s, fast.state)).toEqual(full.run.outcomes);
      for (const v of [...fast.state.ind, ...fast.state.rel]) expect(Number.isFinite(v)).toBe(true);
      for (const turn of full.run.turns)
        for (const p of turn.parties) for (const o of p.reason.options ?? []) expect(Number.isFinite(o.utility), `seed nf.${seed} turn ${turn.turn}`).toBe(true);
    }
  });

  it('an effect whose amount overflows saturates its target at the end of its range instead of becoming 0', () => {
    const s = variant((t) => t.replace('effects: { trade: { add: "pressure / 10" } }', `effects: { trade: { add: "${huge} * pressure" } }`));
    const b = s.parties.findIndex((p) => p.id === 'b');
    const trade = s.indicators.findIndex((i) => i.id === 'trade');
    const r = runGame(s, { seed: 'sat', turns: 1, inputs: () => ({ choices: { b: 'trade' } }) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.run.turns[0]!.parties[b]!.effects[0]!.amount).toBe(1e15);
    expect(r.run.final.ind[trade]).toBe(s.indicators[trade]!.max);
  });
});
