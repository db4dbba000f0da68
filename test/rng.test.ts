import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { nextAlea, seedStream, turnGenerator } from '@wargame/engine';

describe('random streams', () => {
  it('the inlined Alea step draws exactly what seedrandom.alea draws', () => {
    for (const seed of ['42', 'x', '']) {
      const reference = seedrandom.alea(`${seed}/events`);
      const state = seedStream(seed, 'events');
      for (let i = 0; i < 1000; i++) expect(nextAlea(state)).toBe(reference());
    }
  });

  it('streams with different names or seeds differ', () => {
    const a = nextAlea(seedStream('42', 'policy:armenia'));
    const b = nextAlea(seedStream('42', 'policy:azerbaijan'));
    const c = nextAlea(seedStream('43', 'policy:armenia'));
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('the per-turn generator gives uniforms in [0, 1) with a sane mean', () => {
    const next = turnGenerator(0.123456);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const u = next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
    }
    expect(sum / 10000).toBeGreaterThan(0.48);
    expect(sum / 10000).toBeLessThan(0.52);
  });
});
