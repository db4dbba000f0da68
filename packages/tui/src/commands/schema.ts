import { scenarioJsonSchema } from '@wargame/engine';
import { out, writeFileAtomic } from '../io.js';

export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** `wargame schema [--out FILE]`: the JSON Schema of the scenario format, derived from the zod schemas. */
export function schemaCommand(opts: { out?: string }): number {
  if (opts.out) {
    writeFileAtomic(opts.out, schemaText());
    out(`wrote ${opts.out}`);
  } else out(schemaText());
  return 0;
}
