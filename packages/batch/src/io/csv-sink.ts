/**
 * CSV as RFC 4180 with one fixed dialect, so files are byte-deterministic and
 * read back exactly: a header of column names; `,` and `\n`; fields quoted only
 * when they must be (a `,`, `"`, CR or LF inside; `""` escapes a quote); null
 * as an empty field and the empty string as `""`; booleans `true`/`false`;
 * numbers in JS's shortest round-trip form (`0.1`, `1e-7`, integers without
 * `.0`; `NaN`, `Infinity`, `-Infinity` for the non-finite; −0 is written `0`).
 */
import type { Cell, Column } from '../columns.js';
import { readFirstLine } from './atomic.js';
import type { FormatWriter } from './sink.js';
import { openLineWriter } from './text-sink.js';
import { BatchOutputError } from '../errors.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, already checked against its column's type. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell === '' || NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  return String(cell);
}

export function csvHeader(columns: readonly Column[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\n`;
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
