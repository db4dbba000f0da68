/**
 * Text in, compiled scenario or every issue out. Pure: the CLI reads the files.
 */
import type { z } from 'zod';
import { checkCitations } from './citations.js';
import { compileScenarioDoc } from './compile.js';
import type { CompiledScenario } from './compiled.js';
import { didYouMean } from '../util/suggest.js';
import { sortIssues, type ScenarioIssue } from './issues.js';
import { parseScenarioYaml, type PositionIndex, type SourceFile } from './parse-yaml.js';
import { ScenarioSchema } from './schema.js';

export interface LoadOptions {
  /**
   * Reads a cited source text by file name (undefined if it cannot be found).
   * When given, every citation's quote is checked to appear verbatim in its source.
   */
  readSource?: (file: string) => string | undefined;
}

export type LoadResult = { ok: true; scenario: CompiledScenario } | { ok: false; issues: ScenarioIssue[] };

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === 'number') return Number.isNaN(input) ? 'NaN' : `the number ${input}`;
  return String(input);
}

/** One zod issue as one or more located scenario issues, with messages an author can act on. */
function fromZod(issue: z.core.$ZodIssue, positions: PositionIndex, data: unknown): ScenarioIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let input: unknown = data;
  for (const seg of path) input = input && typeof input === 'object' ? (input as Record<string | number, unknown>)[seg] : undefined;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        positions.place({ path: [...path, key], message: `unknown key "${key}"${didYouMean(key, KNOWN_KEYS)}` }, { preferKey: true }),
      );
    case 'invalid_key':
      return [positions.place({ path, message: `invalid id "${String(path.at(-1))}": ${issue.issues[0]?.message ?? 'not an id'}` }, { preferKey: true })];
    case 'invalid_type': {
      const got = input === undefined ? 'nothing (the key is missing)' : describeType(input);
      const expected = issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
      return [positions.place({ path, message: `${expected}, got ${got}` })];
    }
    case 'invalid_union': {
      return [positions.place({ path, message: `${issue.message}, got ${describeType(input)}` })];
    }
    default:
      return [positions.place({ path, message: issue.message })];
  }
}

/** Every key the format knows, for "did you mean" on a misspelt one. */
const KNOWN_KEYS = [
  'id', 'title', 'description', 'version', 'sources', 'calendar', 'parameters', 'indicators', 'relations', 'guards', 'parties',
  'events', 'outcomes', 'end', 'label', 'min', 'max', 'initial', 'default', 'key', 'unit', 'cite', 'source', 'quote', 'name',
  'seat', 'temperature', 'noise', 'interests', 'machine', 'moves', 'states', 'on', 'target', 'guard', 'when', 'reason',
  'postures', 'chance', 'effects', 'failure', 'text', 'weight', 'wants', 'raise', 'lower', 'band', 'hold', 'scale', 'of',
  'within', 'value', 'type', 'params', 'at', 'repeat', 'over', 'values', 'cases', 'start', 'turns', 'step', 'between',
  'integer', 'file', 'author', 'written', 'add', 'set',
];

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
  if (files.length === 0) return { ok: false, issues: [{ path: [], message: 'no scenario files given' }] };
  const parsed = parseScenarioYaml(files);
  if (parsed.issues.length > 0) return { ok: false, issues: sortIssues(parsed.issues) };
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

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.file}:${i.line}:${i.column}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
