/** Loading scenarios in tests: fixtures by path, shipped ones by id, as the CLI would. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenario, formatIssue, type CompiledScenario, type SourceFile } from '@wargame/engine';

export const root = join(import.meta.dirname, '..', '..');

/** The YAML files of a scenario folder, scenario.yaml first. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  const main = join(dir, 'scenario.yaml');
  return [...out.filter((f) => f === main), ...out.filter((f) => f !== main)];
}

/** The source files of a scenario (file or folder), named relative to the repository root. */
export function scenarioFiles(path: string): SourceFile[] {
  const abs = join(root, path);
  const paths = statSync(abs).isDirectory() ? yamlFiles(abs) : [abs];
  return paths.map((p) => ({ name: relative(root, p), text: readFileSync(p, 'utf8') }));
}

/** Loads a scenario or fails the test with every issue. */
export function load(path: string): CompiledScenario {
  const r = loadScenario(scenarioFiles(path));
  if (!r.ok) throw new Error(`${path} does not load:\n${r.issues.map(formatIssue).join('\n')}`);
  return r.scenario;
}

/** Ids of the shipped scenarios (folders under scenarios/ with a scenario.yaml). */
export function shippedIds(): string[] {
  return readdirSync(join(root, 'scenarios'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
