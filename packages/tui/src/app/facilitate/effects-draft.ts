/**
 * Effects a facilitator writes by hand (an injected event of their own, or a
 * ruling on a party's move): a target picked from the scenario's indicators
 * and relations, and an amount typed as `+5`, `-3` or `=40` (set).
 */
import type { CompiledScenario, Effects } from '@wargame/engine';

export interface EffectTarget {
  /** The key an effect uses: an indicator id or `rel(a,b)`. */
  key: string;
  label: string;
  min: number;
  max: number;
}

/** The targets whose label holds every word typed (case-insensitive), in the editor's order: search instead of scrolling 85 rows. */
export function matchingTargets(targets: readonly EffectTarget[], filter: string): EffectTarget[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...targets];
  return targets.filter((t) => words.every((w) => t.label.toLowerCase().includes(w)));
}

/** Key indicators first (the ones on screen), then the others, then relations. */
export function effectTargets(scenario: CompiledScenario): EffectTarget[] {
  const ind = scenario.indicators.map((i) => ({ key: i.id, label: i.label, min: i.min, max: i.max, keyed: i.key }));
  const rel = scenario.relations.pairs.map(([a, b]) => {
    const pa = scenario.parties[a]!;
    const pb = scenario.parties[b]!;
    return { key: `rel(${pa.id},${pb.id})`, label: `Relations ${pa.name}–${pb.name}`, min: scenario.relations.min, max: scenario.relations.max };
  });
  return [...ind.filter((i) => i.keyed), ...ind.filter((i) => !i.keyed)].map(({ keyed: _, ...t }) => t).concat(rel);
}

export type Amount = { op: 'add'; value: number } | { op: 'set'; value: number };

/** `+5`, `5`, `-3`, `−3` (a change) or `=40` (set to): null while incomplete or wrong. */
export function parseAmount(text: string): Amount | null {
  const t = text.trim().replace(/−/g, '-');
  const set = /^=\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (set) return { op: 'set', value: Number(set[1]) };
  const add = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(t);
  if (add) {
    const v = Number(add[2]) * (add[1] === '-' ? -1 : 1);
    return v === 0 ? null : { op: 'add', value: v };
  }
  return null;
}

/** The typed amounts as the engine's effects (rows with an unreadable amount are left out). */
export function draftEffects(targets: readonly EffectTarget[], amounts: Readonly<Record<string, string>>): Effects {
  const out: Effects = {};
  for (const t of targets) {
    const text = Object.hasOwn(amounts, t.key) ? amounts[t.key] : undefined;
    if (text === undefined) continue;
    const a = parseAmount(text);
    if (!a) continue;
    out[t.key] = a.op === 'set' ? { set: a.value } : a.value;
  }
  return out;
}

/** "Progress towards a peace treaty +5, Border tension =40" */
export function describeEffects(scenario: CompiledScenario, effects: Effects): string {
  const targets = new Map(effectTargets(scenario).map((t) => [t.key, t.label]));
  return Object.entries(effects)
    .map(([k, v]) => {
      const label = targets.get(k) ?? k;
      if (typeof v === 'number') return `${label} ${v > 0 ? '+' : '−'}${Math.abs(v)}`;
      if (Array.isArray(v)) return `${label} ${v[0]}…${v[1]}`;
      if ('set' in v) return `${label} → ${String(v.set)}`;
      return `${label} ${String(v.add)}`;
    })
    .join(', ');
}

/** An id for a written event from its label: `custom_border_clash`, made unique among `taken`. */
export function customEventId(label: string, taken: readonly string[]): string {
  const slug = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  const base = `custom_${slug || 'event'}`;
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}
