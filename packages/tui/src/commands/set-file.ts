/**
 * `--set-file params.yaml|csv`: values for parameters or override paths from a
 * file — what `wargame calibrate` writes, or a researcher's own. YAML is a
 * mapping of name → number; CSV is two columns, `name,value` (a header row
 * `name,value` is allowed). Files are small: at most 64 kB.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { UserError } from '../io.js';

const MAX_SET_FILE_BYTES = 64 * 1024;
const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export function readSetFile(path: string): Record<string, number> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_SET_FILE_BYTES) throw new UserError(`${path}: ${size} bytes; a set file is at most ${MAX_SET_FILE_BYTES / 1024} kB`);
  const text = readFileSync(path, 'utf8');
  const out: Record<string, number> = {};
  const add = (name: string, raw: unknown, where: string) => {
    if (!NAME.test(name)) throw new UserError(`${where}: "${name.slice(0, 80)}" is not a parameter name or path (lower-case words joined by dots)`);
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) throw new UserError(`${where}: the value of ${name} must be a finite number`);
    if (Object.hasOwn(out, name)) throw new UserError(`${where}: ${name} is set twice`);
    out[name] = n;
  };
  if (/\.csv$/i.test(path)) {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '' || (i === 0 && /^\s*name\s*,\s*value\s*$/i.test(line))) return;
      const cells = line.split(',');
      if (cells.length !== 2) throw new UserError(`${path}:${i + 1}: expected two columns, name,value`);
      add(cells[0]!.trim(), cells[1]!.trim(), `${path}:${i + 1}`);
    });
  } else {
    let data: unknown;
    try {
      data = parse(text, { maxAliasCount: 0 });
    } catch (e) {
      throw new UserError(`${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${path}: expected a mapping of name: value`);
    for (const [name, value] of Object.entries(data as Record<string, unknown>)) add(name, value, path);
  }
  return out;
}
