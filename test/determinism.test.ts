import { describe, expect, it } from 'vitest';
import { runGame, stateHash } from '@wargame/engine';
import { runCli } from './helpers/cli.js';
import { load, shippedIds } from './helpers/scenarios.js';

const fixture = 'test/fixtures/scenarios/two-party.yaml';
const example = 'sochi-2021';

function hashesFromCli(path: string, seed: string): string[] {
  const r = runCli(['run', path, '--seed', seed, '--json']);
  if (r.code !== 0) throw new Error(`wargame run ${path} --seed ${seed} --json failed (${r.code}): ${r.stderr}`);
  const run = JSON.parse(r.stdout) as { initialHash: string; turns: { stateHash: string }[]; finalHash: string };
  return [run.initialHash, ...run.turns.map((t) => t.stateHash)];
}

describe('determinism', () => {
  it('the same scenario and seed give identical state hashes at every turn across two processes', () => {
    const first = hashesFromCli(fixture, '42');
    const second = hashesFromCli(fixture, '42');
    expect(first.length).toBeGreaterThan(3);
    expect(second).toEqual(first);
    // …and in this process too.
    const inProcess = runGame(load(fixture), { seed: '42' });
    expect(inProcess.ok && [inProcess.run.initialHash, ...inProcess.run.turns.map((t) => t.stateHash)]).toEqual(first);
  });

  it('the shipped example gives identical hashes across two processes', () => {
    const first = hashesFromCli(example, '2024');
    expect(first.length).toBeGreaterThan(5);
    expect(hashesFromCli(example, '2024')).toEqual(first);
  });

  it('different seeds diverge', () => {
    const s = load(fixture);
    const s2 = load(`scenarios/${example}`);
    const finals = new Set<string>();
    const paths = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const r = runGame(s2, { seed: String(seed) });
      if (!r.ok) throw new Error(`seed ${seed}: ${r.error.message} (replay: wargame run ${example} --seed ${seed})`);
      finals.add(r.run.finalHash);
      // Not just the random streams: the games themselves take different paths.
      paths.add(r.run.turns.map((t) => t.parties.map((p) => p.move).join(',')).join('|'));
    }
    expect(finals.size).toBe(20);
    expect(paths.size).toBeGreaterThan(15);
    expect(s.id).toBe('two-party');
  });

  it('the XState driver and the compiled transition table give identical trajectories', () => {
    const s = load(fixture);
    for (let seed = 0; seed < 30; seed++) {
      const a = runGame(s, { seed: String(seed), driver: 'xstate' });
      const b = runGame(s, { seed: String(seed), driver: 'table' });
      expect(a.ok && b.ok, `seed ${seed}`).toBe(true);
      if (a.ok && b.ok) expect(b.run.turns, `seed ${seed} (replay: wargame run ${fixture} --seed ${seed})`).toEqual(a.run.turns);
    }
  });

  for (const id of shippedIds())
    it(`${id}: the XState driver (the declared machine) and the table derived from it give identical trajectories`, () => {
      const s = load(`scenarios/${id}`);
      for (let seed = 0; seed < 4; seed++) {
        const a = runGame(s, { seed: String(seed), driver: 'xstate' });
        const b = runGame(s, { seed: String(seed), driver: 'table' });
        if (!a.ok || !b.ok) throw new Error(`seed ${seed} (replay: wargame run ${id} --seed ${seed})`);
        expect(b.run.turns, `seed ${seed} (replay: wargame run ${id} --seed ${seed})`).toEqual(a.run.turns);
      }
    });

  it('a run never depends on anything but its inputs: a final state round-trips through JSON to the same hash', () => {
    const r = runGame(load(fixture), { seed: 'json' });
    if (!r.ok) throw new Error(r.error.message);
    expect(stateHash(JSON.parse(JSON.stringify(r.run.final)))).toBe(r.run.finalHash);
  });
});
