/**
 * Batch outputs under hostile names and races (issue 13): paths are read as
 * written, never as patterns.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-batch-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

function batch(args: string[]) {
  const r = runCli(['batch', ...args, '--quiet']);
  if (r.code !== 0) throw new Error(`wargame batch ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

describe('paths with glob characters', () => {
  it.each(['csv', 'parquet'])('%s: x[1] is read as x[1], not as the x1 beside it', (format) => {
    batch(['sochi-2021', '--runs', '5', '--seed', 'one', '--out', at(`x1.${format}`)]);
    batch(['sochi-2021', '--runs', '7', '--seed', 'other', '--out', at(`x[1].${format}`)]);
    const own = runCli(['report', at(`x[1].${format}`), '--format', 'md', '--out', at(`x-${format}.md`)]);
    expect(own.code, own.stderr).toBe(0);
    const text = readFileSync(at(`x-${format}.md`), 'utf8');
    expect(text).toMatch(/seed[^\n]*other/);
    expect(text).not.toMatch(/seed[^\n]*\bone\b/);
    // The rows too, not only the metadata beside them: x[1] has 7 runs, x1 has 5.
    expect(text).toContain('(7 runs)');
    expect(text).not.toContain('(5 runs)');
    // A name that is nothing but a pattern matches nothing: it is one missing file.
    copyFileSync(at(`x1.${format}`), at(`copy.${format}`));
    const star = runCli(['report', at(`*.${format}`)]);
    expect(star.code).toBe(1);
    expect(star.stderr).toMatch(/no such file/);
  });
});
