/**
 * The observed-outcomes file that `wargame score` reads: YAML, a flat mapping
 * of outcome → observed value:
 *
 *     karabakh_exodus: true
 *     peace_broker: none
 *     armenian_land_lost_km2: 0
 *
 * An `over: ever` boolean outcome may also say when it first held, as a month:
 *
 *     karabakh_exodus: { value: true, date: 2023-09 }
 *
 * (`score.ts` turns the month into a turn with the scenario's calendar and
 * scores the forecast of when; a date needs `value: true`).
 *
 * or the same under `observed:`, next to the scenario it is for (checked
 * against the batch) and free-text `notes`:
 *
 *     scenario: south-caucasus
 *     notes: as of 2025-08, after the Washington summit
 *     observed:
 *       karabakh_exodus: true
 *
 * The file is read by `readYamlDocument` (data plus places) and checked by a
 * zod schema built from the batch's outcomes; each zod issue is located from
 * its path.
 */
import { z } from 'zod';
import { didYouMean, type ScenarioIssue, type SourceFile } from '@wargame/engine';
import type { BatchMeta } from '../meta.js';
import { outcomeColumns, type OutcomeColumn } from '../summary.js';
import { firstTurnColumns } from './timing.js';
import { readYamlDocument, type YamlData } from './yaml-document.js';

export type ObservedValue = boolean | string | number;

export interface ObservedOutcome {
  id: string;
  value: ObservedValue;
  /** The month an `over: ever` outcome first held (YYYY-MM), when the file gives it. */
  date?: string;
  /** Where the value was given (1-based), for messages. */
  line?: number;
  column?: number;
  /** Where the date was given. */
  dateAt?: { line: number; column: number };
  /** The outcome's path in the file (`observed.<id>` in the wrapped form), for messages. */
  path?: string[];
}

export interface Observed {
  /** The file name, as given. */
  file?: string;
  /** The scenario the file names, if it does. */
  scenario?: string;
  notes?: string;
  /** In file order. */
  outcomes: ObservedOutcome[];
}

export type ObservedParse = { ok: true; observed: Observed } | { ok: false; issues: ScenarioIssue[] };

/** Observed files are a few lines; anything this large is the wrong file. */
export const MAX_OBSERVED_BYTES = 1024 * 1024;

const WRAPPER_KEYS = ['scenario', 'notes', 'observed'];
const EXAMPLE = 'e.g. karabakh_exodus: true';
const DATED_KEYS = ['value', 'date'];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The mapping form of an `over: ever` outcome, once checked. */
interface Dated {
  value: boolean;
  date?: string;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan'}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `the ${typeof value} ${String(value)}`;
}

const isStructure = (value: unknown) => typeof value === 'object' && value !== null;

/** The month it first held: YYYY-MM, a month being a turn's unit. */
function dateSchema(key: string) {
  const expected = `the month ${key} first held: expected YYYY-MM (e.g. 2023-09)`;
  return z.string({ error: (iss) => `${expected}, got ${describe(iss.input)}` }).refine((v) => MONTH.test(v), {
    error: (iss) => {
      const text = String(iss.input);
      const day = /^(\d{4}-(0[1-9]|1[0-2]))-\d{2}$/.exec(text);
      if (day) return `${expected}, got the day ${text}: turns are months, write ${day[1]}`;
      if (/^\d{4}-\d{2}$/.test(text)) return `${expected}, got ${text}: the month must be 01–12`;
      return `${expected}, got ${describe(text)}`;
    },
  });
}

/** `{ value, date }` for an `over: ever` boolean outcome: value required, date a month and only with value true. */
function datedSchema(key: string) {
  const example = `e.g. ${key}: { value: true, date: 2023-09 }`;
  return z
    .looseObject({
      value: z.boolean({ error: (iss) => (iss.input === undefined ? `${key}: give value: true or false next to the date (${example})` : `${key}.value: expected true or false, got ${describe(iss.input)}`) }),
      date: dateSchema(key).optional(),
    })
    .superRefine(
      (v, ctx) => {
        for (const k of Object.keys(v)) {
          if (DATED_KEYS.includes(k)) continue;
          ctx.addIssue({ code: 'custom', path: [k], message: `unknown key ${JSON.stringify(k)}${didYouMean(k, DATED_KEYS)} under ${key}: expected value and date (${example})`, params: { at: 'key' } });
        }
        if (v.value === false && v.date !== undefined)
          ctx.addIssue({ code: 'custom', path: ['date'], message: `${key} is observed false, so it has no month it first held: leave the date out, or make the value true` });
      },
      { when: () => true },
    );
}

/** The schema of one outcome's observed value; every message names the outcome and what to write. */
function valueSchema(o: OutcomeColumn, ever: boolean): z.ZodType<ObservedValue | Dated> {
  const key = o.id;
  const common = (input: unknown): string | undefined => {
    if (input === null || input === undefined)
      return `no value given for ${key}: ${o.kind === 'boolean' ? 'write true or false' : o.kind === 'category' ? `write one of ${o.values.join(', ')}` : 'write a number'}, or leave the line out`;
    if (isStructure(input)) {
      const dateHint = o.kind === 'boolean' && !Array.isArray(input) ? ` (a date can be given only for an over: ever outcome, which records when it first held)` : '';
      return `expected one observed value for ${key}, got a ${Array.isArray(input) ? 'list' : 'mapping'}${dateHint}`;
    }
    return undefined;
  };
  if (o.kind === 'boolean') {
    const bool = z.boolean({
      error: (iss) => {
        const yamlOne = typeof iss.input === 'string' && /^(yes|no|y|n|on|off)$/i.test(iss.input) ? ' (YAML 1.2 reads yes/no/on/off as text)' : '';
        const dated = ever ? ` (or { value: true, date: YYYY-MM })` : '';
        return common(iss.input) ?? `${key} is a boolean outcome: expected true or false${dated}, got ${describe(iss.input)}${yamlOne}`;
      },
    });
    if (!ever) return bool;
    // A mapping is the dated form; anything else is read as a plain boolean (and its messages).
    const dated = datedSchema(key);
    return z.unknown().superRefine((input, ctx) => {
      const r = (isStructure(input) && !Array.isArray(input) ? dated : bool).safeParse(input);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, ...(issue.code === 'custom' && issue.params ? { params: issue.params } : {}) });
    }) as z.ZodType<boolean | Dated>;
  }
  if (o.kind === 'number')
    return z.number({ error: (iss) => common(iss.input) ?? `${key} is a number outcome: expected a finite number, got ${describe(iss.input)}` });
  // A category value may be written as a bare number or boolean; it is compared as text.
  const notAValue = (input: unknown) => {
    const text = typeof input === 'string' ? input : undefined;
    return (
      common(input) ??
      `${text === undefined ? describe(input) : JSON.stringify(text)} is not a value of ${key}${text === undefined ? '' : didYouMean(text, o.values)}: expected one of ${o.values.join(', ')}`
    );
  };
  return z.preprocess(
    (v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string({ error: (iss) => notAValue(iss.input) }).refine((v) => o.values.includes(v), { error: (iss) => notAValue(iss.input) }),
  );
}

/** The mapping of outcome → observed value: every outcome optional, any other key an unknown outcome. */
function bodySchema(outcomes: ReadonlyMap<string, OutcomeColumn>, ever: ReadonlySet<string>, error: string) {
  const shape = Object.fromEntries([...outcomes].map(([id, o]) => [id, valueSchema(o, ever.has(id)).optional()]));
  return z.looseObject(shape, { error }).superRefine(
    (body, ctx) => {
      if (!isStructure(body)) return;
      for (const key of Object.keys(body)) {
        if (outcomes.has(key)) continue;
        const hint = didYouMean(key, outcomes.keys());
        const list = hint === '' ? `; the batch's outcomes are ${[...outcomes.keys()].join(', ')}` : '';
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown outcome ${JSON.stringify(key)}${hint}${list}`, params: { at: 'key' } });
      }
    },
    { when: () => true },
  );
}

/** The wrapped form: `scenario` (this batch's), `notes` and `observed`, nothing else. */
function wrappedSchema(meta: BatchMeta, outcomes: ReadonlyMap<string, OutcomeColumn>, ever: ReadonlySet<string>) {
  const id = meta.scenario.id;
  return z
    .looseObject({
      scenario: z
        .string({ error: (iss) => `expected the scenario id (${id}), got ${describe(iss.input)}` })
        .refine((v) => v === id, { error: (iss) => `this file observes scenario "${String(iss.input)}", but the batch is of "${id}": score it against a batch of ${String(iss.input)}, or fix the id` })
        .optional(),
      notes: z.string({ error: (iss) => `expected notes as text, got ${isStructure(iss.input) ? 'a structure' : describe(iss.input)}` }).optional(),
      observed: bodySchema(outcomes, ever, `expected a mapping of outcome → observed value under observed (${EXAMPLE})`).optional(),
    })
    .superRefine(
      (doc, ctx) => {
        if (!isStructure(doc)) return;
        for (const key of Object.keys(doc)) {
          if (WRAPPER_KEYS.includes(key)) continue;
          ctx.addIssue({ code: 'custom', path: [key], message: `unknown key ${JSON.stringify(key)}${didYouMean(key, WRAPPER_KEYS)}: next to observed only scenario and notes may be given`, params: { at: 'key' } });
        }
        if (!Object.hasOwn(doc, 'observed')) ctx.addIssue({ code: 'custom', path: [], message: `expected observed: a mapping of outcome → observed value (${EXAMPLE})` });
      },
      { when: () => true },
    );
}

/** A zod issue at the place its path names: the key for unknown keys and empty values, else the value. */
function locateIssue(file: string, read: YamlData, issue: z.core.$ZodIssue): ScenarioIssue {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const atKey = issue.code === 'custom' && issue.params?.['at'] === 'key';
  const { line, column } = read.locate(path, atKey);
  return { file, line, column, path, message: issue.message };
}

function sortByPlace(issues: ScenarioIssue[]): ScenarioIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Reads an observed-outcomes file against the outcomes of a batch. Every problem
 * is reported at once, located at file:line:column (print them with
 * `formatIssue` from @wargame/engine).
 *
 * @example
 * const parsed = parseObserved({ name: 'observed.yaml', text }, table.meta);
 * if (!parsed.ok) for (const issue of parsed.issues) console.error(formatIssue(issue));
 */
export function parseObserved(file: SourceFile, meta: BatchMeta): ObservedParse {
  const fail = (...list: ScenarioIssue[]): ObservedParse => ({ ok: false, issues: sortByPlace(list) });
  const top = (message: string): ScenarioIssue => ({ file: file.name, line: 1, column: 1, path: [], message });

  if (file.text.length > MAX_OBSERVED_BYTES)
    return fail(top(`the file is ${(file.text.length / 1048576).toFixed(1)} MB; an observed-outcomes file is a short list of outcome: value lines`));
  const read = readYamlDocument(file, { badKey: 'expected an outcome name as the key' });
  if (!read.ok) return fail(...read.issues);
  const { data } = read;
  if (data === null) return fail(top(`the file is empty: expected one outcome: value per line, ${EXAMPLE}`));
  if (!isStructure(data) || Array.isArray(data))
    return fail({ file: file.name, ...read.locate([]), path: [], message: `expected a mapping of outcome → observed value at the top of the file (${EXAMPLE}), got ${describe(data)}` });

  const outcomes = new Map(outcomeColumns(meta).map((o) => [o.id, o]));
  const ever = new Set(firstTurnColumns(meta).keys());
  // The wrapped form, unless the scenario really has an outcome named like a wrapper key.
  const doc = data as Record<string, unknown>;
  const wrapped = Object.keys(doc).some((k) => WRAPPER_KEYS.includes(k) && !outcomes.has(k));
  const schema = wrapped ? wrappedSchema(meta, outcomes, ever) : bodySchema(outcomes, ever, `expected a mapping of outcome → observed value (${EXAMPLE})`);
  const checked = schema.safeParse(doc);
  const issues = [...read.issues, ...(checked.success ? [] : checked.error.issues.map((i) => locateIssue(file.name, read, i)))];
  if (issues.length > 0) return fail(...issues);

  const bodyPath = wrapped ? ['observed'] : [];
  const checkedBody = (wrapped ? (checked.data as { observed?: Record<string, ObservedValue | Dated> }).observed : checked.data) as Record<string, ObservedValue | Dated> | undefined;
  const observed: Observed = { file: file.name, outcomes: [] };
  if (wrapped) {
    const { scenario, notes } = checked.data as { scenario?: string; notes?: string };
    if (scenario !== undefined) observed.scenario = scenario;
    if (notes !== undefined) observed.notes = notes;
  }
  // In the file's order: zod's output lists the schema's keys first.
  const given = (wrapped ? doc['observed'] : doc) as Record<string, unknown>;
  for (const id of Object.keys(given)) {
    const v = checkedBody![id]!;
    const path = [...bodyPath, id];
    if (typeof v !== 'object') observed.outcomes.push({ id, value: v, ...read.locate(path), path });
    else observed.outcomes.push({ id, value: v.value, ...read.locate(path), path, ...(v.date === undefined ? {} : { date: v.date, dateAt: read.locate([...path, 'date']) }) });
  }
  if (observed.outcomes.length === 0)
    return fail({ file: file.name, ...read.locate(bodyPath), path: bodyPath, message: `no outcomes observed: give at least one outcome: value line (${EXAMPLE})` });
  return { ok: true, observed };
}
