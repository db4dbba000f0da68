/**
 * `--design design.csv`: a design made elsewhere (SALib, the EMA Workbench,
 * pyDOE, R's lhs), one row per cell. The first line names the columns, each a
 * declared parameter or a path (`party.russia.noise`); every other line is one
 * cell's numbers. Commas, semicolons or tabs separate the fields; a leading `#`
 * on the header line is dropped (numpy's `savetxt(header=…)` writes one), and
 * later lines starting with `#` are comments. At most 64 MB and
 * {@link MAX_DESIGN_CELLS} rows (docs/limits.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { MAX_DESIGN_CELLS, type DesignFile } from '@wargame/batch';
import { UserError } from '../io.js';

export const MAX_DESIGN_FILE_BYTES = 64 * 1024 * 1024;
const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Reads and checks a design file's shape and numbers; names and ranges are checked against the scenario by `buildDesign`. */
export function readDesignFile(path: string): DesignFile {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_DESIGN_FILE_BYTES) throw new UserError(`--design ${path}: ${size.toLocaleString('en')} bytes; a design file is at most ${MAX_DESIGN_FILE_BYTES / 1024 / 1024} MB`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--design ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').replace(/^#\s*/, '');
  let records: string[][];
  try {
    records = parse(text, { delimiter: [',', ';', '\t'], comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true, max_record_size: 1 << 20 });
  } catch (e) {
    const where = (e as { lines?: number }).lines;
    throw new UserError(`--design ${path}${where ? `:${where}` : ''}: not a CSV file: ${(e as Error).message.split('\n')[0]}`);
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0) throw new UserError(`--design ${path}: expected a header line naming the columns, then one line of numbers per cell`);
  for (const [i, name] of header.entries()) {
    if (!NAME.test(name)) throw new UserError(`--design ${path}:1: column ${i + 1} is "${name.slice(0, 60)}", not a parameter name or path (lower-case words joined by dots, e.g. western_pressure or party.russia.noise)`);
  }
  if (rows.length > MAX_DESIGN_CELLS) throw new UserError(`--design ${path}: ${rows.length.toLocaleString('en')} rows; a design has at most ${MAX_DESIGN_CELLS.toLocaleString('en')} cells`);
  // The line of each row: csv-parse skips comments and blank lines, so count them from the text instead of guessing.
  const lineOf = dataLines(text);
  const numbers = rows.map((row, r) => {
    const line = lineOf[r + 1] ?? r + 2;
    if (row.length !== header.length) throw new UserError(`--design ${path}:${line}: ${row.length} fields, but the header names ${header.length} columns`);
    return row.map((field, c) => {
      const v = field === '' ? NaN : Number(field);
      if (!Number.isFinite(v)) throw new UserError(`--design ${path}:${line}: column ${header[c]}: expected a number, got "${field.slice(0, 40)}"`);
      return v;
    });
  });
  return { path, hash: createHash('sha256').update(bytes).digest('hex'), columns: header, rows: numbers };
}

/** The 1-based line number of each record (header first): lines that are neither blank nor comments. */
function dataLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) out.push(i + 1);
  });
  return out;
}
