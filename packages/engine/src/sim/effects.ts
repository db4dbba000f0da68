/**
 * The arithmetic of effects, one implementation each: an amount drawn (for
 * resolution) or expected (for the policy's look-ahead and the offers shown
 * to players), and the clamp of every value written into the world.
 */
import type { World } from '../expr/compile.js';
import type { TurnDraws } from '../rng/streams.js';
import type { CompiledEffect } from '../scenario/compiled.js';

/** An effect with its amount settled, as it appears in the turn log. */
export interface AppliedEffect {
  key: string;
  op: 'add' | 'set';
  amount: number;
}

/** Six decimals: enough for any model, and it keeps saved numbers short and stable. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * The one rule for numbers that overflow: every number the engine takes from
 * an expression (an amount, a utility, a chance, a temperature, a noise level)
 * is made finite here — NaN (e.g. ∞ − ∞) becomes 0 and ±∞ saturates at ±1e15 —
 * so an overflowing `add` pushes its target to the end of its range, and no
 * value in the state or a log is ever infinite or NaN. docs/limits.md.
 */
export function finite(x: number): number {
  return Number.isNaN(x) ? 0 : Math.min(1e15, Math.max(-1e15, x));
}

/** A value written into the world: within [min, max], six decimals, never a non-number. */
export function clampValue(min: number, max: number, value: number): number {
  return round6(Math.min(max, Math.max(min, finite(value))));
}

/** A chance of success, read as a probability: clamped to [0, 1] (a non-number is 0). */
export function clampChance(c: number): number {
  return c > 0 ? Math.min(1, c) : 0;
}

/** The amount an effect applies: ranges drawn from `draws`, expressions read `world`; rounded to six decimals. */
export function drawAmount(e: CompiledEffect, world: World, draws: TurnDraws): number {
  const amt = e.amount;
  let a: number;
  if (amt.kind === 'fixed') a = amt.value;
  else if (amt.kind === 'range') a = amt.lo + (amt.hi - amt.lo) * draws.next();
  else a = amt.fn(world);
  return round6(finite(a));
}

/** The amount an effect is expected to apply (range midpoints), for look-ahead and offers. */
export function meanAmount(e: CompiledEffect, world: World): number {
  const amt = e.amount;
  if (amt.kind === 'fixed') return amt.value;
  if (amt.kind === 'range') return (amt.lo + amt.hi) / 2;
  return finite(amt.fn(world));
}
