/**
 * Effects on indicators and relations: drawn (for resolution) or expected (for
 * the policy's look-ahead), always clamped to the declared ranges.
 */
import type { World } from '../expr/compile.js';
import type { CompiledEffect, CompiledScenario, EffectTarget } from '../scenario/compiled.js';

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

export function clampTarget(scenario: CompiledScenario, target: EffectTarget, value: number): number {
  if (!Number.isFinite(value)) value = 0;
  if (target.kind === 'indicator') {
    const ind = scenario.indicators[target.index]!;
    return round6(Math.min(ind.max, Math.max(ind.min, value)));
  }
  return round6(Math.min(scenario.relations.max, Math.max(scenario.relations.min, value)));
}

export function readTarget(world: World, target: EffectTarget): number {
  return target.kind === 'indicator' ? world.ind[target.index]! : world.rel[target.index]!;
}

export function writeTarget(world: World, target: EffectTarget, value: number): void {
  if (target.kind === 'indicator') world.ind[target.index] = value;
  else world.rel[target.index] = value;
}

/** Settles each effect's amount: ranges are drawn from `next`, expressions read `world`. */
export function drawEffects(effects: readonly CompiledEffect[], world: World, next: () => number): AppliedEffect[] {
  return effects.map((e) => {
    let amount: number;
    switch (e.amount.kind) {
      case 'fixed':
        amount = e.amount.value;
        break;
      case 'range':
        amount = e.amount.lo + (e.amount.hi - e.amount.lo) * next();
        break;
      case 'expr':
        amount = e.amount.fn(world);
        break;
    }
    return { key: e.key, op: e.op, amount: round6(Number.isFinite(amount) ? amount : 0) };
  });
}

/** The mean amount of an effect (range midpoints), for look-ahead. */
export function expectedAmount(e: CompiledEffect, world: World): number {
  switch (e.amount.kind) {
    case 'fixed':
      return e.amount.value;
    case 'range':
      return (e.amount.lo + e.amount.hi) / 2;
    case 'expr': {
      const v = e.amount.fn(world);
      return Number.isFinite(v) ? v : 0;
    }
  }
}

/** Applies effects one after another (events resolve in order). */
export function applySequential(scenario: CompiledScenario, world: World, effects: readonly CompiledEffect[], amounts: readonly AppliedEffect[]): void {
  effects.forEach((e, i) => {
    const a = amounts[i]!.amount;
    const base = e.op === 'set' ? a : readTarget(world, e.target) + a;
    writeTarget(world, e.target, clampTarget(scenario, e.target, base));
  });
}
