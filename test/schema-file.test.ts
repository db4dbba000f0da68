import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '@wargame/engine';
import { root } from './helpers/scenarios.js';

describe('the JSON Schema file for editors', () => {
  it('schema/scenario.schema.json is the schema derived from the zod schemas (regenerate with "pnpm schema")', () => {
    const file = JSON.parse(readFileSync(join(root, 'schema', 'scenario.schema.json'), 'utf8'));
    expect(file, 'schema/scenario.schema.json is stale: run "pnpm schema"').toEqual(scenarioJsonSchema());
  });

  it('rejects what the zod schema rejects: unknown keys are not allowed anywhere structural', () => {
    const schema = scenarioJsonSchema() as { additionalProperties?: boolean; properties: Record<string, { additionalProperties?: unknown }> };
    expect(schema.additionalProperties).toBe(false);
  });
});
