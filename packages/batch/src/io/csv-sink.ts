/**
 * CSV as RFC 4180 with one fixed dialect, so files are byte-deterministic and
 * read back exactly: a header of column names; `,` and `\n`; every text field
 * quoted (`""` escapes a quote), so a seed such as `"1.10"` is text in the file
 * itself; null as an empty field and the empty string as `""`; booleans
 * `true`/`false` (pandas and R read them as logical);
 * numbers in JS's shortest round-trip form (`0.1`, `1e-7`, integers without
 * `.0`; `NaN`, `Infinity`, `-Infinity` for the non-finite; −0 is written `0`).
 */
import type { Cell, Column } from '../columns.js';
import { readFirstLine } from './atomic.js';
import type { FormatWriter } from './sink.js';
import { openLineWriter } from './text-sink.js';
import { BatchOutputError } from '../errors.js';

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Text that a spreadsheet would run as a formula (OWASP's "CSV injection"):
 * a cell starting with `=`, `+`, `-`, `@`, tab or CR. Such text is written with
 * a leading `'`, which spreadsheets show as text; so that this stays
 * reversible, text that starts with `'` gets one too, and the batch reader
 * (duck.ts readerSql) removes exactly one. A seed `-1` is written `"'-1"`.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

/** One field, already checked against its column's type. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return `"${(FORMULA_START.test(cell) ? `'${cell}` : cell).replaceAll('"', '""')}"`;
  return String(cell);
}

/** The header: column names (ids), quoted only where they must be. */
export function csvHeader(columns: readonly Column[]): string {
  return `${columns.map((c) => (NEEDS_QUOTES.test(c.name) || c.name === '' ? `"${c.name.replaceAll('"', '""')}"` : c.name)).join(',')}\n`;
}

/** @internal */
export function openCsvWriter(path: string, columns: readonly Column[]): FormatWriter {
  const header = csvHeader(columns);
  return openLineWriter(path, {
    format: 'csv',
    prelude: header,
    line(row) {
      let text = csvField(row[0]!);
      for (let i = 1; i < row.length; i++) text += `,${csvField(row[i]!)}`;
      return `${text}\n`;
    },
  });
}

/** Throws unless the CSV at `path` starts with the header of these columns (DuckDB, given the columns, would not look). */
export function checkCsvHeader(path: string, columns: readonly Column[]): void {
  const header = csvHeader(columns);
  const found = readFirstLine(path, Buffer.byteLength(header) + 1);
  if (found === null) throw new BatchOutputError('it is empty (a batch CSV starts with its header)', 'mismatched-output');
  if (`${found}\n` !== header) throw new BatchOutputError(`its header differs from the batch's columns (expected ${JSON.stringify(header.trimEnd())})`, 'mismatched-output');
}
