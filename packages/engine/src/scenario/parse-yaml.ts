/**
 * Reads scenario YAML (one file or several that make up one scenario) into plain
 * data, keeping where every value came from so later checks can report
 * file:line:column. Pure: it takes text, not paths.
 */
import { unsafeChar } from '../util/text.js';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node as YamlNode, type YAMLError } from 'yaml';
import { formatPath, type CodedIssue, type IssueCode, type ScenarioIssue } from './issues.js';

export interface SourceFile {
  /** The name to report (usually the path as the user gave it). */
  name: string;
  text: string;
}

export interface Position {
  file: string;
  line: number;
  column: number;
  /** For scalars: offset of the first character of the value itself (after an opening quote), if on one line. */
  valueColumn?: number;
}

/** Where each path of the merged data came from (`key` is the position of the mapping key naming it). */
export class PositionIndex {
  private readonly values = new Map<string, Position>();
  private readonly keys = new Map<string, Position>();

  setValue(path: readonly (string | number)[], pos: Position): void {
    this.values.set(formatPath(path), pos);
  }
  setKey(path: readonly (string | number)[], pos: Position): void {
    this.keys.set(formatPath(path), pos);
  }

  /** The position of the path, or of its nearest ancestor that has one. */
  locate(path: readonly (string | number)[], preferKey = false): Position | undefined {
    for (let n = path.length; n >= 0; n--) {
      const p = formatPath(path.slice(0, n));
      const hit = (preferKey ? this.keys.get(p) ?? this.values.get(p) : this.values.get(p) ?? this.keys.get(p));
      if (hit) return hit;
    }
    return undefined;
  }

  /** Locates an issue; an offset into an expression is added to the column when the value sits on one line. */
  place<I extends ScenarioIssue>(issue: I, opts: { preferKey?: boolean; exprOffset?: number } = {}): I {
    const pos = this.locate(issue.path, opts.preferKey);
    if (!pos) return issue;
    const column =
      opts.exprOffset !== undefined && pos.valueColumn !== undefined ? pos.valueColumn + opts.exprOffset : pos.column;
    return { ...issue, file: pos.file, line: pos.line, column };
  }
}

/** Files larger than this are refused before parsing: no scenario is anywhere near it. */
export const MAX_SCENARIO_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 40;

/** Top-level sections that several files may each contribute entries to. */
const MERGED_MAPS = new Set(['parameters', 'indicators', 'guards', 'parties']);
const MERGED_LISTS = new Set(['sources', 'events', 'outcomes', 'history']);
const SPREADABLE = [...MERGED_MAPS, ...MERGED_LISTS].join(', ').replace(/, ([^,]*)$/, ' and $1');
const ENTRY_KIND: Record<string, string> = { parameters: 'parameter', indicators: 'indicator', guards: 'guard', parties: 'party' };

export interface ParsedYaml {
  data: Record<string, unknown>;
  positions: PositionIndex;
  issues: CodedIssue[];
}

function positionOf(lc: LineCounter, file: string, node: YamlNode | undefined | null, offset?: number): Position {
  const at = offset ?? node?.range?.[0] ?? 0;
  const { line, col } = lc.linePos(at);
  const pos: Position = { file, line, column: col };
  if (node && isScalar(node) && node.range) {
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const plain = node.type === Scalar.PLAIN;
    if (quoted || plain) {
      const end = lc.linePos(node.range[1]);
      if (end.line === line) pos.valueColumn = col + (quoted ? 1 : 0);
    }
  }
  return pos;
}

/** Records positions of every node under `node`, at `path`, shifting top-level list indices by `listOffset`. */
function indexPositions(
  lc: LineCounter,
  file: string,
  node: YamlNode | null | undefined,
  path: (string | number)[],
  positions: PositionIndex,
  depth: number,
): void {
  if (!node || depth > MAX_DEPTH) return;
  positions.setValue(path, positionOf(lc, file, node));
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const child = [...path, key];
      positions.setKey(child, positionOf(lc, file, pair.key as YamlNode));
      indexPositions(lc, file, pair.value as YamlNode, child, positions, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      indexPositions(lc, file, item as YamlNode, [...path, i], positions, depth + 1);
    });
  }
}

function depthOf(value: unknown, limit: number): number {
  // Iterative, so a hostile document cannot blow the stack here.
  const stack: [unknown, number][] = [[value, 0]];
  let max = 0;
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (v && typeof v === 'object') {
      if (seen.has(v)) continue;
      seen.add(v);
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
  return max;
}

/**
 * Walks the YAML nodes (iteratively, so a hostile document cannot blow the stack)
 * for the first node nested deeper than `limit`, the first alias, an alias
 * inside the very node its anchor marks (which would make the data infinite),
 * and `__proto__` keys (which zod's records would silently drop).
 */
interface Inspection {
  deep?: YamlNode;
  firstAlias?: YamlNode;
  cyclic?: YamlNode;
  proto: YamlNode[];
  /** Keys given a second time in their mapping (found with a set: the yaml library's own check is quadratic). */
  duplicates: { node: YamlNode; key: string }[];
  /** A mapping with more keys than MAX_KEYS_PER_MAPPING. */
  crowded?: YamlNode;
  /** Keys and texts carrying a character a terminal would obey (util/text.ts). */
  controls: { node: YamlNode; code: string; index: number; multiline: boolean }[];
}

/** The keys whose text is prose and may span lines; every other key and text stays on one line. */
const MULTILINE_KEYS = new Set(['description', 'text', 'quote', 'note', 'reason']);

/** The most keys one mapping may have: the flagship's largest has under 100. docs/limits.md. */
export const MAX_KEYS_PER_MAPPING = 10_000;

function inspectNodes(doc: Document, limit: number): Inspection {
  const out: Inspection = { proto: [], duplicates: [], controls: [] };
  const root = doc.contents as YamlNode | null;
  if (!root) return out;
  const parent = new Map<unknown, unknown>();
  // Each node with the key it is the value of (an item of a list inherits its list's), for the multi-line rule.
  const stack: [YamlNode, number, string | undefined][] = [[root, 0, undefined]];
  const control = (node: YamlNode, text: string, multiline: boolean) => {
    const bad = unsafeChar(text, multiline);
    if (bad) out.controls.push({ node, ...bad, multiline });
  };
  while (stack.length > 0) {
    const [node, depth, key] = stack.pop()!;
    if (isScalar(node) && typeof node.value === 'string') control(node, node.value, key !== undefined && MULTILINE_KEYS.has(key));
    if (depth > limit) {
      out.deep ??= node;
      continue;
    }
    if (isAlias(node)) {
      out.firstAlias ??= node;
      const target = node.resolve(doc);
      for (let p = parent.get(node); p !== undefined && !out.cyclic; p = parent.get(p)) if (p === target) out.cyclic = node;
      continue;
    }
    if (isMap(node)) {
      if (node.items.length > MAX_KEYS_PER_MAPPING) out.crowded ??= node;
      const keys = new Set<string>();
      for (const pair of node.items) {
        // An alias used as a key counts as the scalar it names: `*k` must not smuggle in `__proto__`.
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        if (!isScalar(keyNode)) continue;
        const key = String(keyNode.value);
        if (key === '__proto__') out.proto.push(pair.key as YamlNode);
        if (keys.has(key)) out.duplicates.push({ node: pair.key as YamlNode, key });
        keys.add(key);
        control(pair.key as YamlNode, key, false);
      }
    }
    const children: [unknown, string | undefined][] = isMap(node)
      ? node.items.map((pair) => [pair.value, isScalar(pair.key) ? String(pair.key.value) : undefined])
      : isSeq(node)
        ? node.items.map((item) => [item, key])
        : [];
    for (let i = children.length - 1; i >= 0; i--) {
      const [child, childKey] = children[i]!;
      if (!child || typeof child !== 'object') continue;
      parent.set(child, node);
      stack.push([child as YamlNode, depth + 1, childKey]);
    }
  }
  return out;
}

/** The text of the mapping key at `offset` (for "the key … is given twice"). */
function keyAt(text: string, offset: number): string | undefined {
  const m = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:,{}[\]\n]+?)\s*:/.exec(text.slice(offset, offset + 300));
  if (!m) return undefined;
  const key = m[1]!;
  return key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key);
}

/** The parser's errors as issues, reworded where its wording is vague; one per line, as later ones are mostly echoes. */
function yamlIssues(file: SourceFile, lc: LineCounter, errors: readonly YAMLError[]): CodedIssue[] {
  const issue = (offset: number, message: string, code: IssueCode = 'yaml-syntax'): CodedIssue => {
    const { line, col } = lc.linePos(offset);
    return { code, file: file.name, line, column: col, path: [], message: `YAML: ${message}` };
  };
  // A document nested thousands deep overflows the parser's stack; it reports that at many places.
  const overflow = errors.find((e) => e.message.includes('Maximum call stack size exceeded'));
  if (overflow) return [issue(overflow.pos[0], `the document is nested too deeply to read (at most ${MAX_DEPTH} levels)`, 'too-deep')];
  const byLine = new Map<number, { issue: CodedIssue; code: string }>();
  for (const e of errors) {
    const at = e.pos[0];
    let message = e.message.split('\n')[0] ?? e.message;
    let offset = at;
    if (e.code === 'DUPLICATE_KEY') {
      const key = keyAt(file.text, at);
      if (key) message = `the key ${key} is given twice in this mapping`;
    } else if (e.code === 'MISSING_CHAR') {
      const quote = /closing (["'])quote/.exec(message)?.[1];
      // The parser notices at the end of the text it read; the author needs the opening quote.
      const open = quote ? file.text.lastIndexOf(quote, at - 1) : -1;
      if (quote && open >= 0) {
        offset = open;
        message = `the string that opens with ${quote} here is never closed: add the closing ${quote}`;
      }
    } else if (e.code === 'MULTILINE_IMPLICIT_KEY') {
      const next = lc.linePos(e.pos[1]).line;
      message = `this text runs on into line ${next} and is read as a key there: check the indentation of line ${next}`;
    } else if (e.code === 'BLOCK_AS_IMPLICIT_KEY') {
      message = `${message}: a value that contains ": " must be quoted; otherwise check the indentation of the next line`;
    }
    const item = issue(offset, message, e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax');
    const seen = byLine.get(item.line!);
    // Of two errors on one line, the run-on key explains the other.
    if (!seen || (e.code === 'MULTILINE_IMPLICIT_KEY' && seen.code === 'BLOCK_AS_IMPLICIT_KEY')) byLine.set(item.line!, { issue: item, code: e.code });
  }
  return [...byLine.values()].map((v) => v.issue);
}

function parseOne(file: SourceFile, issues: CodedIssue[]): { data: unknown; lc: LineCounter; root: YamlNode | null } | undefined {
  if (file.text.length > MAX_SCENARIO_BYTES) {
    issues.push({
      code: 'file-too-large',
      file: file.name,
      line: 1,
      column: 1,
      path: [],
      message: `the file is ${(file.text.length / 1048576).toFixed(1)} MB; scenario files are limited to ${MAX_SCENARIO_BYTES / 1048576} MB`,
    });
    return undefined;
  }
  const lc = new LineCounter();
  // Duplicate keys are found in inspectNodes with a set: the library's uniqueKeys check is quadratic in the keys of a mapping.
  const doc = parseDocument(file.text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    issues.push(...yamlIssues(file, lc, doc.errors));
    return undefined;
  }
  const at = (node: YamlNode | undefined) => {
    const { line, column } = positionOf(lc, file.name, node);
    return { file: file.name, line, column, path: [] };
  };
  const nodes = inspectNodes(doc, MAX_DEPTH);
  if (nodes.cyclic) {
    issues.push({ ...at(nodes.cyclic), code: 'yaml-alias-cycle', message: `YAML: the alias *${isAlias(nodes.cyclic) ? nodes.cyclic.source : ''} is inside the node its anchor marks, so its value would never end` });
    return undefined;
  }
  if (nodes.crowded) {
    issues.push({ ...at(nodes.crowded), code: 'too-many-keys', message: `this mapping has ${isMap(nodes.crowded) ? nodes.crowded.items.length : 'too many'} keys; a mapping has at most ${MAX_KEYS_PER_MAPPING}` });
    return undefined;
  }
  if (nodes.duplicates.length > 0) {
    for (const d of nodes.duplicates.slice(0, 20)) issues.push({ ...at(d.node), code: 'duplicate-key', message: `YAML: the key ${JSON.stringify(d.key)} is given twice in this mapping` });
    return undefined;
  }
  if (nodes.proto.length > 0) {
    for (const key of nodes.proto) issues.push({ ...at(key), code: 'forbidden-key', message: 'the key "__proto__" is not allowed in a scenario' });
    return undefined;
  }
  if (nodes.controls.length > 0) {
    for (const c of nodes.controls.slice(0, 20))
      issues.push({
        ...at(c.node),
        code: 'control-character',
        message: `this text holds the control character ${c.code} (character ${c.index + 1}), which a terminal would obey; ${c.multiline ? 'prose may hold line breaks and tabs, nothing else below a space' : 'an id, a label or a value stays on one line, with no control characters'}`,
      });
    return undefined;
  }
  if (nodes.deep) {
    issues.push({ ...at(nodes.deep), code: 'too-deep', message: `the document is nested more than ${MAX_DEPTH} levels deep` });
    return undefined;
  }
  let data: unknown;
  try {
    // Aliases are expanded here; the cap stops "billion laughs" documents.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    issues.push({
      ...at(nodes.firstAlias),
      code: /alias count/i.test(message) ? 'yaml-alias-bomb' : 'yaml-syntax',
      message: /alias count/i.test(message)
        ? 'YAML: the aliases (*name) expand to too much data, as in a "billion laughs" document: write the values out, or use fewer aliases'
        : `YAML: ${message}`,
    });
    return undefined;
  }
  // Aliases can nest what they repeat, so the expanded data is measured as well.
  if (depthOf(data, MAX_DEPTH) > MAX_DEPTH) {
    issues.push({ ...at(nodes.firstAlias), code: 'too-deep', message: `the document is nested more than ${MAX_DEPTH} levels deep (once its aliases are expanded)` });
    return undefined;
  }
  return { data, lc, root: doc.contents as YamlNode | null };
}

/**
 * Parses one or more YAML files into one scenario document. Files after the
 * first contribute entries to `parties`, `indicators`, `parameters`, `guards`
 * (maps: a key may be defined once) and `sources`, `events`, `outcomes`
 * (lists: appended in file order); any other top-level key may appear once.
 */
export function parseScenarioYaml(files: readonly SourceFile[]): ParsedYaml {
  const issues: CodedIssue[] = [];
  const positions = new PositionIndex();
  const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const origin = new Map<string, string>();

  for (const file of files) {
    const parsed = parseOne(file, issues);
    if (!parsed) continue;
    const { lc, root } = parsed;
    if (parsed.data === null || parsed.data === undefined) {
      if (files.length === 1) issues.push({ code: 'empty-file', file: file.name, line: 1, column: 1, path: [], message: 'the file is empty: expected a scenario (a mapping with id, title, calendar, indicators, parties…)' });
      continue;
    }
    if (typeof parsed.data !== 'object' || Array.isArray(parsed.data) || !isMap(root)) {
      const { line, column } = positionOf(lc, file.name, root);
      const got = Array.isArray(parsed.data)
        ? 'a list'
        : typeof parsed.data === 'string'
          ? `the text ${JSON.stringify(parsed.data.length > 40 ? `${parsed.data.slice(0, 40)}…` : parsed.data)}`
          : `the ${typeof parsed.data} ${String(parsed.data)}`;
      issues.push({ code: 'not-a-mapping', file: file.name, line, column, path: [], message: `expected a mapping at the top of the file (id, title, calendar, …), got ${got}` });
      continue;
    }
    const doc = parsed.data as Record<string, unknown>;
    positions.setValue([], positionOf(lc, file.name, root));
    for (const pair of root.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const value = doc[key];
      const valueNode = pair.value as YamlNode | null;
      if (MERGED_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
        data[key] ??= Object.create(null);
        const target = data[key] as Record<string, unknown>;
        if (typeof target !== 'object' || Array.isArray(target)) continue;
        if (!origin.has(key)) {
          origin.set(key, file.name);
          positions.setKey([key], positionOf(lc, file.name, pair.key as YamlNode));
          positions.setValue([key], positionOf(lc, file.name, valueNode));
        }
        for (const entry of isMap(valueNode) ? valueNode.items : []) {
          if (!isPair(entry) || !isScalar(entry.key)) continue;
          const name = String(entry.key.value);
          const { line, col } = lc.linePos(entry.key.range?.[0] ?? 0);
          if (Object.hasOwn(target, name)) {
            const what = ENTRY_KIND[key] ?? 'entry';
            issues.push({ code: 'duplicate-id', file: file.name, line, column: col, path: [key, name], message: `duplicate ${what} "${name}": already defined at ${origin.get(`${key}.${name}`) ?? 'another file'}` });
            continue;
          }
          target[name] = (value as Record<string, unknown>)[name];
          origin.set(`${key}.${name}`, `${file.name}:${line}:${col}`);
          positions.setKey([key, name], positionOf(lc, file.name, entry.key as YamlNode));
          indexPositions(lc, file.name, entry.value as YamlNode, [key, name], positions, 2);
        }
      } else if (MERGED_LISTS.has(key) && Array.isArray(value)) {
        data[key] ??= [];
        const target = data[key] as unknown[];
        if (!Array.isArray(target)) continue;
        if (!origin.has(key)) {
          origin.set(key, file.name);
          positions.setKey([key], positionOf(lc, file.name, pair.key as YamlNode));
          positions.setValue([key], positionOf(lc, file.name, valueNode));
        }
        const items = isSeq(valueNode) ? valueNode.items : [];
        items.forEach((item, i) => {
          indexPositions(lc, file.name, item as YamlNode, [key, target.length + i], positions, 2);
        });
        target.push(...value);
      } else {
        if (Object.hasOwn(data, key)) {
          const { line, col } = lc.linePos(pair.key.range?.[0] ?? 0);
          issues.push({
            code: 'duplicate-key',
            file: file.name,
            line,
            column: col,
            path: [key],
            message: `"${key}" is already set at ${origin.get(key) ?? 'another file'}; of the top-level keys only ${SPREADABLE} can be spread over several files`,
          });
          continue;
        }
        data[key] = value;
        const { line, col } = lc.linePos(pair.key.range?.[0] ?? 0);
        origin.set(key, `${file.name}:${line}:${col}`);
        positions.setKey([key], positionOf(lc, file.name, pair.key as YamlNode));
        indexPositions(lc, file.name, valueNode, [key], positions, 1);
      }
    }
  }
  // Plain prototype from here on: the data is handed to zod and later code as ordinary objects.
  return { data: { ...data }, positions, issues };
}
