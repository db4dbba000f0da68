import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectCitations, normaliseText } from '@wargame/engine';
import { load, root, shippedIds, yamlFiles } from './helpers/scenarios.js';

const sourcesDir = join(root, 'sources');
const ids = shippedIds();

describe('shipped scenarios', () => {
  it('there is at least one', () => {
    expect(ids.length).toBeGreaterThan(0);
  });

  describe.each(ids)('%s', (id) => {
    const scenario = load(`scenarios/${id}`);

    it('has the id of its folder', () => {
      expect(scenario.id).toBe(id);
    });

    it('every citation quote is found verbatim (whitespace-normalised) in the named source file', () => {
      const missing: string[] = [];
      const cites = collectCitations(scenario.doc);
      expect(cites.length).toBeGreaterThan(0);
      for (const { path, cite } of cites) {
        const file = join(sourcesDir, cite.source);
        if (!existsSync(file)) missing.push(`${path.join('.')}: no source file ${cite.source}`);
        else if (!normaliseText(readFileSync(file, 'utf8')).includes(normaliseText(cite.quote))) missing.push(`${path.join('.')}: "${cite.quote}" is not in ${cite.source}`);
      }
      expect(missing).toEqual([]);
    });

    it('every party, interest, move, event and posture change has a citation', () => {
      const uncited: string[] = [];
      for (const [pid, p] of Object.entries(scenario.doc.parties)) {
        if (!p.cite?.length) uncited.push(`parties.${pid}`);
        for (const it of p.interests) if (!it.cite.length) uncited.push(`parties.${pid}.interests.${it.id}`);
        for (const m of p.moves) if (!m.cite.length) uncited.push(`parties.${pid}.moves.${m.id}`);
      }
      for (const e of scenario.doc.events) if (!e.cite.length) uncited.push(`events.${e.id}`);
      expect(uncited).toEqual([]);
    });

    it('every file references the JSON Schema for editor completion', () => {
      for (const file of yamlFiles(join(root, 'scenarios', id))) {
        const first = readFileSync(file, 'utf8').split('\n')[0];
        const rel = relative(join(file, '..'), join(root, 'schema', 'scenario.schema.json'));
        expect(first, relative(root, file)).toBe(`# yaml-language-server: $schema=${rel}`);
      }
    });
  });
});

describe('source texts', () => {
  it('the repository copy of the sources is identical to the shared originals (when present)', () => {
    const shared = join(root, '..', 'shared', 'sources');
    if (!existsSync(shared)) return expect(existsSync(sourcesDir)).toBe(true);
    for (const f of readdirSync(shared)) expect(readFileSync(join(sourcesDir, f), 'utf8'), f).toBe(readFileSync(join(shared, f), 'utf8'));
  });
});
