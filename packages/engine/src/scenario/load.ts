/**
 * Text in, compiled scenario or every issue out. Pure: the CLI reads the files.
 */
import type { z } from 'zod';
import { checkCitations } from './citations.js';
import { compileScenarioDoc } from './compile.js';
import type { CompiledScenario } from './compiled.js';
import { didYouMean } from '../util/suggest.js';
import { ISSUE_CODES, sortIssues, type CodedIssue, type IssueCode } from './issues.js';
import { parseScenarioYaml, type PositionIndex, type SourceFile } from './parse-yaml.js';
import { MONTH_PATTERN, ScenarioSchema, scenarioJsonSchema } from './schema.js';

export interface LoadOptions {
  /**
   * Reads a cited source text by file name (undefined if it cannot be found).
   * When given, every citation's quote is checked to appear verbatim in its source.
   */
  readSource?: (file: string) => string | undefined;
}

export type LoadResult = { ok: true; scenario: CompiledScenario } | { ok: false; issues: CodedIssue[] };

/** What zod's type names mean to an author. */
const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  tuple: 'a list',
};

function describeType(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') {
    const keys = Object.keys(input);
    if (keys.length === 0) return 'an empty mapping';
    return `a mapping with ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
  }
  if (typeof input === 'string') return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return '.nan (not a number)';
    if (!Number.isFinite(input)) return `${input < 0 ? '-' : ''}.inf (infinity: a number too large for a double, such as 1e400, reads as infinity)`;
    return `the number ${input}`;
  }
  if (typeof input === 'boolean') return `${input}`;
  return typeof input;
}

/** "expected …" for an issue whose message is zod's default, else the scenario schema's own message. */
function expectedText(issue: z.core.$ZodIssue): string {
  const m = /^Invalid input: expected (\w+)/.exec(issue.message);
  if (m) return `expected ${TYPE_NAMES[m[1]!] ?? m[1]}`;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  return issue.message;
}

/**
 * Of a union's alternatives, the one the input was evidently meant to be: the
 * only one whose problems are all below the top (right type, known keys).
 */
function meantBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const fits = issue.errors.filter(
    (branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'unrecognized_keys' || i.code === 'invalid_value')),
  );
  return fits.length === 1 ? fits[0] : undefined;
}

/** One zod issue as one or more located scenario issues, with messages an author can act on. */
function fromZod(issue: z.core.$ZodIssue, positions: PositionIndex, data: unknown): CodedIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let input: unknown = data;
  for (const seg of path)
    input = input && typeof input === 'object' && Object.hasOwn(input, seg) ? (input as Record<string | number, unknown>)[seg] : undefined;
  const got = (message: string) => (message.includes(', got ') ? message : `${message}, got ${describeType(input)}`);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        positions.place({ code: 'unknown-key', path: [...path, key], message: `unknown key "${key}"${didYouMean(key, knownKeyNames())}` }, { preferKey: true }),
      );
    case 'invalid_key':
      return [positions.place({ code: 'invalid-id', path, message: `invalid id "${String(path.at(-1))}": ${issue.issues[0]?.message ?? 'not an id'}` }, { preferKey: true })];
    case 'invalid_type': {
      // NaN and infinities are numbers to JavaScript, but not to an author.
      const expected = typeof input === 'number' && !Number.isFinite(input) ? 'expected a finite number' : expectedText(issue);
      const last = path.at(-1);
      // A missing key is reported at the key of the entry that lacks it.
      if (input === undefined && typeof last === 'string')
        return [positions.place({ code: 'missing-key', path, message: `missing key "${last}" (${expected.replace(/^expected /, '')})` }, { preferKey: true })];
      // A YAML author gets a number or true/false where text was meant by leaving out the quotes.
      const hint = issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ' (put it in quotes to make it text)' : '';
      return [positions.place({ code: 'wrong-type', path, message: `${got(expected)}${hint}` })];
    }
    case 'invalid_union': {
      const branch = meantBranch(issue);
      if (branch) return branch.flatMap((sub) => fromZod({ ...sub, path: [...issue.path, ...sub.path] } as z.core.$ZodIssue, positions, data));
      let message = issue.message;
      if (message === 'Invalid input') {
        // A nested union without a message of its own: list what each alternative expected.
        const alternatives = issue.errors
          .map((b) => b.find((i) => i.path.length === 0))
          .filter((i): i is z.core.$ZodIssue => i !== undefined)
          .map((i) => expectedText(i).replace(/^expected /, ''));
        if (alternatives.length > 0) message = `expected ${[...new Set(alternatives)].join(' or ')}`;
      }
      // A discriminated union whose discriminator matches no alternative (an unknown outcome type) has no alternatives to report.
      return [positions.place({ code: issue.errors.length === 0 ? 'invalid-value' : 'wrong-type', path, message: got(message) })];
    }
    case 'invalid_format': {
      const code = issue.format !== 'regex' ? 'schema' : issue.pattern === String(MONTH_PATTERN) ? 'invalid-month' : 'invalid-id';
      return [positions.place({ code, path, message: issue.message.startsWith('expected') && input !== undefined ? got(issue.message) : issue.message })];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      return [positions.place({ code: 'invalid-value', path, message: got(values.length === 1 ? `expected ${values[0]}` : `expected one of ${values.join(', ')}`) })];
    }
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) return [positions.place({ code: issue.code === 'too_small' ? 'too-small' : 'too-big', path, message: got(issue.message) })];
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      const inclusive = issue.inclusive !== false;
      const limit = `${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${bound}`;
      const what =
        issue.origin === 'array' ? ` ${bound === 1 ? 'entry' : 'entries'}` : issue.origin === 'string' ? ` character${bound === 1 ? '' : 's'}` : '';
      const count = Array.isArray(input) ? `${input.length}` : typeof input === 'string' ? `${input.length}` : describeType(input);
      return [positions.place({ code: small ? 'too-small' : 'too-big', path, message: `expected ${limit}${what}, got ${count}` })];
    }
    default:
      return [positions.place({ code: customCode(issue), path, message: issue.message.startsWith('expected') && input !== undefined ? got(issue.message) : issue.message })];
  }
}

/** The code a schema rule of our own gives its issue (`params: { code }` in schema.ts), else `schema`. */
function customCode(issue: z.core.$ZodIssue): IssueCode {
  const code: unknown = issue.code === 'custom' ? issue.params?.['code'] : undefined;
  return typeof code === 'string' && code in ISSUE_CODES ? (code as IssueCode) : 'schema';
}

/** Every key the format knows, for "did you mean" on a misspelt one: read off the JSON Schema, so it never lags the format. */
let knownKeys: string[] | undefined;
function knownKeyNames(): string[] {
  if (knownKeys) return knownKeys;
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value)) {
        if (key === 'properties' && child && typeof child === 'object') for (const name of Object.keys(child)) names.add(name);
        walk(child);
      }
  };
  walk(scenarioJsonSchema());
  knownKeys = [...names];
  return knownKeys;
}

/**
 * Loads a scenario from the text of its YAML file(s): parse, validate against
 * the schema, check references, compile expressions. Returns every issue found
 * (sorted by file and line), never throws on bad input.
 *
 * @example
 * const r = loadScenario([{ name: 'demo.yaml', text }]);
 * if (!r.ok) console.error(r.issues.map(formatIssue).join('\n'));
 */
export function loadScenario(files: readonly SourceFile[], opts: LoadOptions = {}): LoadResult {
  if (files.length === 0) return { ok: false, issues: [{ code: 'no-files', path: [], message: 'no scenario files given' }] };
  const parsed = parseScenarioYaml(files);
  if (parsed.issues.length > 0) return { ok: false, issues: sortIssues(parsed.issues) };
  // Counted before the schema and the compiler see the document: 6,000 parties took 2 GB to validate.
  const crowded = sizeIssues(parsed.data).map((issue) => parsed.positions.place(issue, { preferKey: true }));
  if (crowded.length > 0) return { ok: false, issues: sortIssues(crowded) };
  const result = ScenarioSchema.safeParse(parsed.data);
  if (!result.success) {
    const issues = result.error.issues.flatMap((i) => fromZod(i, parsed.positions, parsed.data));
    return { ok: false, issues: sortIssues(dedupe(issues)) };
  }
  const { scenario, issues } = compileScenarioDoc(result.data);
  if (opts.readSource) issues.push(...checkCitations(result.data, opts.readSource));
  if (issues.length > 0) {
    const placed = issues.map(({ exprOffset, preferKey, ...issue }) =>
      parsed.positions.place(issue, { ...(exprOffset === undefined ? {} : { exprOffset }), ...(preferKey === undefined ? {} : { preferKey }) }),
    );
    return { ok: false, issues: sortIssues(dedupe(placed)) };
  }
  return { ok: true, scenario };
}

/**
 * How many of each thing a scenario may have. The cost of a turn grows with
 * parties × moves and with parties² (relations), so these bound a turn's time
 * and memory; each is several times what the flagship uses (10 parties, 42
 * indicators, 32 moves for one party). docs/limits.md.
 */
export const SCENARIO_LIMITS = {
  parties: 64,
  indicators: 1_000,
  parameters: 200,
  events: 1_000,
  outcomes: 500,
  messages: 500,
  movesPerParty: 500,
  interestsPerParty: 200,
} as const;

function sizeIssues(data: unknown): CodedIssue[] {
  const issues: CodedIssue[] = [];
  if (!data || typeof data !== 'object') return issues;
  const doc = data as Record<string, unknown>;
  const count = (v: unknown) => (Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0);
  const check = (path: (string | number)[], n: number, limit: number, what: string) => {
    if (n > limit) issues.push({ code: 'too-big', path, message: `${n} ${what}; a scenario has at most ${limit} (docs/limits.md)` });
  };
  check(['parties'], count(doc['parties']), SCENARIO_LIMITS.parties, 'parties');
  check(['indicators'], count(doc['indicators']), SCENARIO_LIMITS.indicators, 'indicators');
  check(['parameters'], count(doc['parameters']), SCENARIO_LIMITS.parameters, 'parameters');
  check(['events'], count(doc['events']), SCENARIO_LIMITS.events, 'events');
  check(['outcomes'], count(doc['outcomes']), SCENARIO_LIMITS.outcomes, 'outcomes');
  check(['messages'], count(doc['messages']), SCENARIO_LIMITS.messages, 'messages');
  const parties = doc['parties'];
  if (issues.length === 0 && parties && typeof parties === 'object' && !Array.isArray(parties))
    for (const [id, party] of Object.entries(parties)) {
      if (!party || typeof party !== 'object') continue;
      const p = party as Record<string, unknown>;
      check(['parties', id, 'moves'], count(p['moves']), SCENARIO_LIMITS.movesPerParty, 'moves for one party');
      check(['parties', id, 'interests'], count(p['interests']), SCENARIO_LIMITS.interestsPerParty, 'interests for one party');
    }
  return issues;
}

function dedupe(issues: CodedIssue[]): CodedIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.file}:${i.line}:${i.column}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
