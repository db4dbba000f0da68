/**
 * Any number in a scenario, set from outside by a path: what a sweep, a design
 * file or a calibration varies besides the declared parameters. A path names
 * one number of the validated document:
 *
 *   <parameter>                          a declared parameter (as `--set` has always meant)
 *   event.<id>.chance                    a random event's chance per turn
 *   indicator.<id>.initial               an indicator's starting value
 *   relation.<a>.<b>.initial             a relation's starting value
 *   party.<id>.temperature | .noise      a party's decision settings
 *   party.<id>.interest.<id>.weight      an interest's weight (in every posture)
 *   party.<id>.move.<id>.chance          a move's chance of success
 *
 * Overrides return a new document (the input is untouched), so the scenario
 * hash of an overridden run says it is a different scenario; parameters stay
 * parameters (they do not change the hash). Unknown paths get a did-you-mean.
 */
import { closest } from '../util/suggest.js';
import type { ScenarioDoc } from './schema.js';

export type OverrideResult = { ok: true; doc: ScenarioDoc; params: Record<string, number> } | { ok: false; message: string };

/** Every path a scenario accepts with its value in the document (a number, or an expression's text), for `inspect --paths`. */
export function overrideEntries(doc: ScenarioDoc): { path: string; value: unknown }[] {
  const out = Object.entries(doc.parameters).map(([id, p]) => ({ path: id, value: p.default as unknown }));
  for (const e of doc.events) if (e.chance !== undefined) out.push({ path: `event.${e.id}.chance`, value: e.chance });
  for (const [id, ind] of Object.entries(doc.indicators)) out.push({ path: `indicator.${id}.initial`, value: ind.initial });
  for (const r of doc.relations.initial) out.push({ path: `relation.${r.between[0]}.${r.between[1]}.initial`, value: r.value });
  for (const [id, p] of Object.entries(doc.parties)) {
    out.push({ path: `party.${id}.temperature`, value: p.temperature }, { path: `party.${id}.noise`, value: p.noise });
    for (const it of p.interests) out.push({ path: `party.${id}.interest.${it.id}.weight`, value: it.weight });
    for (const m of p.moves) if (m.chance !== undefined) out.push({ path: `party.${id}.move.${m.id}.chance`, value: m.chance });
  }
  return out;
}

/** Every path a scenario accepts, for help and did-you-mean. */
export function overridePaths(doc: ScenarioDoc): string[] {
  return overrideEntries(doc).map((e) => e.path);
}

function unknown(path: string, doc: ScenarioDoc): OverrideResult {
  const near = closest(path, overridePaths(doc));
  return { ok: false, message: `unknown path "${path}"${near ? `; did you mean "${near}"?` : ''} (a parameter, event.<id>.chance, indicator.<id>.initial, relation.<a>.<b>.initial, party.<id>.temperature|noise, party.<id>.interest.<id>.weight, party.<id>.move.<id>.chance)` };
}

/**
 * Applies path overrides to a validated document. Declared parameters are
 * returned in `params` (for `createInitialState`); everything else is written
 * into a copy of the document, to be compiled again.
 *
 * @example
 * const r = applyOverrides(doc, { 'party.russia.noise': 0.1, western_pressure: 70 });
 * if (r.ok) compileScenarioDoc(r.doc);
 */
export function applyOverrides(doc: ScenarioDoc, overrides: Readonly<Record<string, number>>): OverrideResult {
  const params: Record<string, number> = {};
  let copy: ScenarioDoc | null = null;
  // A validated document is plain JSON, so a JSON round trip is a deep copy.
  const edit = (): ScenarioDoc => (copy ??= JSON.parse(JSON.stringify(doc)) as ScenarioDoc);
  for (const [path, value] of Object.entries(overrides)) {
    if (!Number.isFinite(value)) return { ok: false, message: `${path}: expected a finite number, got ${value}` };
    if (Object.hasOwn(doc.parameters, path)) {
      params[path] = value;
      continue;
    }
    const parts = path.split('.');
    const [kind, a, b, c, d] = parts;
    const own = <T>(rec: Record<string, T>, key: string | undefined): T | undefined => (key !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined);
    if (kind === 'event' && parts.length === 3 && b === 'chance') {
      const i = doc.events.findIndex((e) => e.id === a && e.chance !== undefined);
      if (i < 0) return unknown(path, doc);
      if (value < 0 || value > 1) return { ok: false, message: `${path}: a chance is between 0 and 1, got ${value}` };
      edit().events[i]!.chance = value;
    } else if (kind === 'indicator' && parts.length === 3 && b === 'initial') {
      const ind = own(doc.indicators, a);
      if (!ind) return unknown(path, doc);
      if (value < ind.min || value > ind.max) return { ok: false, message: `${path}: must be within [${ind.min}, ${ind.max}], got ${value}` };
      own(edit().indicators, a)!.initial = value;
    } else if (kind === 'relation' && parts.length === 4 && c === 'initial') {
      const i = doc.relations.initial.findIndex((r) => (r.between[0] === a && r.between[1] === b) || (r.between[0] === b && r.between[1] === a));
      const known = Object.hasOwn(doc.parties, a ?? '') && Object.hasOwn(doc.parties, b ?? '') && a !== b;
      if (!known) return unknown(path, doc);
      if (value < doc.relations.min || value > doc.relations.max) return { ok: false, message: `${path}: must be within [${doc.relations.min}, ${doc.relations.max}], got ${value}` };
      if (i >= 0) edit().relations.initial[i]!.value = value;
      else edit().relations.initial.push({ between: [a!, b!], value });
    } else if (kind === 'party' && own(doc.parties, a)) {
      if (parts.length === 3 && (b === 'temperature' || b === 'noise')) {
        if (value < 0) return { ok: false, message: `${path}: must be at least 0, got ${value}` };
        own(edit().parties, a)![b] = value;
      } else if (parts.length === 5 && b === 'interest' && d === 'weight') {
        const i = doc.parties[a!]!.interests.findIndex((it) => it.id === c);
        if (i < 0) return unknown(path, doc);
        own(edit().parties, a)!.interests[i]!.weight = value;
      } else if (parts.length === 5 && b === 'move' && d === 'chance') {
        const i = doc.parties[a!]!.moves.findIndex((m) => m.id === c && m.chance !== undefined);
        if (i < 0) return unknown(path, doc);
        if (value < 0 || value > 1) return { ok: false, message: `${path}: a chance is between 0 and 1, got ${value}` };
        own(edit().parties, a)!.moves[i]!.chance = value;
      } else return unknown(path, doc);
    } else return unknown(path, doc);
  }
  return { ok: true, doc: copy ?? doc, params };
}
