import { describe, expect, it } from 'vitest';
import { runGame } from '@wargame/engine';
import { load, shippedIds } from './helpers/scenarios.js';

const RUNS = 1000;

/**
 * Outcomes a scenario may leave constant over the runs, with the reason. Empty
 * unless the texts make an outcome certain: a model that never varies an
 * outcome cannot be tested against what really happened.
 */
const CERTAIN: Record<string, Record<string, string>> = {};

describe.each(shippedIds())('branching of %s', (id) => {
  const s = load(`scenarios/${id}`);
  const values = new Map<string, Set<string>>();
  const postureSets = s.parties.map(() => new Set<number>());
  const runsWithPostureChange = s.parties.map(() => 0);

  // One pass over the seeds, shared by the assertions below.
  for (let i = 0; i < RUNS; i++) {
    const r = runGame(s, { seed: String(i), driver: 'table', hash: false });
    if (!r.ok) throw new Error(`${r.error.message} (replay: wargame run ${id} --seed ${i})`);
    for (const [k, o] of Object.entries(r.run.outcomes)) {
      const v = typeof o.value === 'number' ? o.value.toFixed(1) : String(o.value);
      if (!values.has(k)) values.set(k, new Set());
      values.get(k)!.add(v);
    }
    s.parties.forEach((p, pi) => {
      const visited = new Set(r.run.turns.map((t) => t.parties[pi]!.posture));
      for (const v of visited) postureSets[pi]!.add(p.postures.indexOf(v));
      if (visited.size > 1) runsWithPostureChange[pi]!++;
    });
  }

  it(`every outcome takes more than one value over ${RUNS} seeds (unless the texts make it certain)`, () => {
    const constant = [...values].filter(([k, v]) => v.size < 2 && !CERTAIN[id]?.[k]).map(([k, v]) => `${k} is always ${[...v][0]}`);
    expect(constant).toEqual([]);
  });

  it('no party is stuck in one posture in every run', () => {
    const stuck = s.parties.filter((_, pi) => runsWithPostureChange[pi] === 0 && s.parties[pi]!.postures.length > 1).map((p) => p.id);
    expect(stuck).toEqual([]);
    const single = s.parties.filter((_p, pi) => postureSets[pi]!.size < 2).map((p) => `${p.id} (${p.postures.length} postures)`);
    expect(single).toEqual([]);
  });
});
