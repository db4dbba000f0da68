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

/**
 * The j-th draw (1-based) of the per-turn generator (mulberry32) seeded with
 * `seed32`. mulberry32 advances its state by a constant, so any draw can be
 * computed directly: the policy draws noise only for the moves it needs.
 * This is the one implementation of the per-turn generator.
 */
export function drawAt(seed32: number, j: number): number {
  const a = (seed32 + Math.imul(j, 0x6d2b79f5)) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The per-turn generator's seed from one Alea draw u in [0, 1). */
export function turnSeed(u: number): number {
  return Math.floor(u * 4294967296) >>> 0;
}

/** A per-turn generator seeded from one Alea draw. Returns uniforms in [0, 1). */
export function turnGenerator(u: number): () => number {
  const seed = turnSeed(u);
  let j = 0;
  return () => drawAt(seed, ++j);
}

/**
 * Sequential draws of one per-turn generator without a closure per turn: the
 * kernel keeps one per run and reseeds it (`start`) for each stream's turn.
 */
export class TurnDraws {
  private seed = 0;
  private j = 0;

  /** Reseeds from the stream's one Alea draw this turn. */
  start(u: number): this {
    this.seed = turnSeed(u);
    this.j = 0;
    return this;
  }

  next(): number {
    return drawAt(this.seed, ++this.j);
  }

  /** Continues a generator at draw `j` (for a stream whose turn spans several uses). */
  resume(seed32: number, j: number): this {
    this.seed = seed32;
    this.j = j;
    return this;
  }

  /** Draws taken so far. */
  get taken(): number {
    return this.j;
  }
}

/** A standard normal from two uniforms (Box–Muller); u1 = 0 is taken as 1e-12. */
export function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1 || 1e-12)) * Math.cos(2 * Math.PI * u2);
}

/** A standard normal draw, consuming two uniforms. */
export function gaussian(next: () => number): number {
  const u1 = next();
  return boxMuller(u1, next());
}
