/**
 * Named random streams. Each stream is seedrandom's Alea, seeded from
 * `${seed}/${name}`; its state ({c, s0, s1, s2}) lives in the game state, so a
 * step stays pure and a saved state resumes the exact stream.
 *
 * Every stream advances by exactly one Alea draw per turn, which seeds a small
 * generator for everything that stream needs that turn. So a party's draws at a
 * turn do not depend on how many options it or anyone else had before: branches
 * that differ in one choice keep common random numbers everywhere else.
 */
import seedrandom from 'seedrandom';

export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** Seeds a stream with seedrandom's Alea (Mash of the seed string). */
export function seedStream(seed: string, name: string): AleaState {
  const prng = seedrandom.alea(`${seed}/${name}`, { state: true });
  return prng.state() as AleaState;
}

/**
 * One Alea step on a state object, in place. This is seedrandom's Alea `next()`
 * inlined (restoring a seedrandom closure per draw costs more than the draw);
 * a test checks it against seedrandom draw for draw.
 */
export function nextAlea(s: AleaState): number {
  const t = 2091639 * s.s0 + s.c * 2.3283064365386963e-10; // 2^-32
  s.s0 = s.s1;
  s.s1 = s.s2;
  s.c = t | 0;
  s.s2 = t - s.c;
  return s.s2;
}

/** A per-turn generator (mulberry32) seeded from one Alea draw. Returns uniforms in [0, 1). */
export function turnGenerator(u: number): () => number {
  let a = Math.floor(u * 4294967296) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller), consuming two uniforms. */
export function gaussian(next: () => number): number {
  const u1 = next() || 1e-12;
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
