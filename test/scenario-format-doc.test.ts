/**
 * docs/scenario-format.md against the code: every key of the format's JSON
 * Schema and every function of the expression language is documented, and the
 * complete example in the document loads.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileNumber, formatIssue, loadScenario, scenarioJsonSchema, type Symbols } from '@wargame/engine';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs', 'scenario-format.md'), 'utf8');

/** Every name under a `properties` anywhere in a JSON Schema. */
function propertyNames(schema: unknown): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'properties' && child && typeof child === 'object') for (const name of Object.keys(child)) names.add(name);
        walk(child);
      }
    }
  };
  walk(schema);
  return [...names].sort();
}

const noSymbols: Symbols = { indicators: [], parameters: [], parties: [], postures: [], moves: [], moveOffset: [], events: [] };

/** The functions the expression compiler knows, as it lists them when asked for an unknown one. */
function compilerFunctions(): string[] {
  const r = compileNumber('qqqqqqqqqqqq(1)', noSymbols);
  const known = r.ok ? undefined : /; known: ([a-z_, ]+)$/.exec(r.error.message)?.[1];
  if (!known) throw new Error(`the compiler did not list its functions: ${r.ok ? 'it compiled' : r.error.message}`);
  return known.split(', ');
}

/** FUNCTIONS as written in expr/compile.ts, to be sure the list above is the whole of it. */
function sourceFunctions(): string[] {
  const source = readFileSync(join(root, 'packages', 'engine', 'src', 'expr', 'compile.ts'), 'utf8');
  const list = /const FUNCTIONS = \[([^\]]*)\]/.exec(source)?.[1];
  if (!list) throw new Error('FUNCTIONS not found in packages/engine/src/expr/compile.ts');
  return [...list.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
}

/** Rows of the markdown table under a heading, as their first cells. */
function tableKeys(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,6} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs/scenario-format.md', () => {
  it('documents every key of the scenario JSON Schema as `key`', () => {
    const names = propertyNames(scenarioJsonSchema());
    expect(names.length).toBeGreaterThan(50);
    expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('lists exactly the top-level keys of the format in its top-level table', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown> };
    expect(tableKeys('## Top level').sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it('documents every function of the expression language as `name(…)`', () => {
    const functions = compilerFunctions();
    expect(functions.sort()).toEqual(sourceFunctions().sort());
    expect(functions.filter((name) => !doc.includes(`\`${name}(`))).toEqual([]);
  });

  it('documents no function the compiler does not know', () => {
    const documented = tableKeys('### Functions').map((cell) => /^([a-z_]+)\(/.exec(cell)?.[1] ?? cell);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((name) => !compilerFunctions().includes(name))).toEqual([]);
  });

  it('has a complete example that loads without issues', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const example = blocks.at(-1)!;
    expect(example).toContain('parties:');
    const r = loadScenario([{ name: 'docs/scenario-format.md (example)', text: example }]);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
  });
});
