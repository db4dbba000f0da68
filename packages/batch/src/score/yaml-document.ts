/**
 * A small YAML reader for the batch package's own input files (the observed
 * outcomes that `wargame score` reads): plain data plus where each value and
 * key stood, so a schema's issue paths can be turned into file:line:column.
 *
 * The engine's reader (`parseScenarioYaml`) does this for scenarios, but it
 * merges scenario files and words its messages for scenarios, and exports no
 * entry point for other documents; this is the same approach (yaml's
 * `parseDocument` with a `LineCounter`) for a single document.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { formatPath, type ScenarioIssue, type SourceFile } from '@wargame/engine';

type Path = (string | number)[];

interface Place {
  line: number;
  column: number;
}

export interface YamlData {
  /** The document as plain data: mappings as null-prototype objects (the first of duplicate keys kept), lists as arrays. */
  data: unknown;
  /** Where a path stood: its value (unless empty), else its key, else the nearest ancestor's place. */
  locate(path: readonly (string | number)[], preferKey?: boolean): Place;
  /** Problems that still leave data to check (duplicate keys, keys that are not names): report them with the rest. */
  issues: ScenarioIssue[];
}

export type YamlRead = ({ ok: true } & YamlData) | { ok: false; issues: ScenarioIssue[] };

export interface ReadOptions {
  /** The message for a mapping key that is not a name (a list, a mapping, null). */
  badKey: string;
}

/** Deeper than this, a document is not an observed-outcomes file (and recursion stays bounded). */
const MAX_DEPTH = 40;
/** How many aliases may be expanded in all: stops "billion laughs" documents. */
const MAX_ALIASES = 50;

/**
 * Parses one YAML document. Syntax errors are fatal (the first per line: later
 * ones on a line mostly echo it); everything else is data for a schema.
 *
 * @example
 * const read = readYamlDocument({ name: 'observed.yaml', text }, { badKey: 'expected a name as the key' });
 * if (read.ok) schema.safeParse(read.data);
 */
export function readYamlDocument(file: SourceFile, options: ReadOptions): YamlRead {
  const lc = new LineCounter();
  const placeOf = (offset: number): Place => {
    const { line, col } = lc.linePos(offset);
    return { line, column: col };
  };
  const issueAt = (place: Place, path: Path, message: string): ScenarioIssue => ({ file: file.name, line: place.line, column: place.column, path, message });

  // Duplicate keys are found below, with the line of the first one; yaml's own check is quadratic.
  const doc = parseDocument(file.text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    const byLine = new Map<number, ScenarioIssue>();
    for (const e of doc.errors) {
      const issue = issueAt(placeOf(e.pos[0]), [], `YAML: ${e.message.split('\n')[0] ?? e.message}`);
      if (!byLine.has(issue.line!)) byLine.set(issue.line!, issue);
    }
    return { ok: false, issues: [...byLine.values()] };
  }

  const values = new Map<string, Place>();
  const keys = new Map<string, Place>();
  const issues: ScenarioIssue[] = [];
  let aliases = 0;
  let fatal: ScenarioIssue | undefined;

  const convert = (node: YamlNode | null | undefined, path: Path, depth: number): unknown => {
    if (node && isAlias(node)) {
      aliases += 1;
      if (aliases > MAX_ALIASES) {
        fatal ??= issueAt(placeOf(node.range?.[0] ?? 0), path, 'YAML: the aliases (*name) expand to too much data: write the values out');
        return null;
      }
      node = node.resolve(doc as Document) as YamlNode | undefined;
    }
    if (!node) return null;
    if (depth > MAX_DEPTH) {
      fatal ??= issueAt(placeOf(node.range?.[0] ?? 0), path, `the document is nested more than ${MAX_DEPTH} levels deep`);
      return null;
    }
    const empty = isScalar(node) && node.value === null;
    if (!empty) values.set(formatPath(path), placeOf(node.range?.[0] ?? 0));
    if (isMap(node)) {
      const out = Object.create(null) as Record<string, unknown>;
      const firstLine = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyPlace = placeOf(keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
        if (!isScalar(keyNode) || !['string', 'number', 'boolean'].includes(typeof keyNode.value)) {
          issues.push(issueAt(keyPlace, path, options.badKey));
          continue;
        }
        const key = String(keyNode.value);
        const child = [...path, key];
        if (firstLine.has(key)) {
          issues.push(issueAt(keyPlace, child, `"${key}" is given twice (first on line ${firstLine.get(key)}): keep one`));
          continue;
        }
        firstLine.set(key, keyPlace.line);
        keys.set(formatPath(child), keyPlace);
        Object.defineProperty(out, key, { value: convert(pair.value as YamlNode | null, child, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item as YamlNode | null, [...path, i], depth + 1));
    return isScalar(node) ? node.value : null;
  };
  const data = convert(doc.contents as YamlNode | null, [], 0);
  if (fatal) return { ok: false, issues: [fatal] };

  const locate = (path: readonly (string | number)[], preferKey = false): Place => {
    for (let n = path.length; n >= 0; n--) {
      const p = formatPath(path.slice(0, n));
      const hit = preferKey ? (keys.get(p) ?? values.get(p)) : (values.get(p) ?? keys.get(p));
      if (hit) return hit;
    }
    return { line: 1, column: 1 };
  };
  return { ok: true, data, locate, issues };
}
