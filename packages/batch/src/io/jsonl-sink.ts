/**
 * JSON Lines: one object per run, keys the column names in column order,
 * nothing else on the line. Numbers in JS's shortest round-trip form; JSON has
 * no NaN or infinities, so those are the strings "NaN", "Infinity" and
 * "-Infinity" (the protobuf JSON convention, which DuckDB reads back as DOUBLE).
 */
import type { Cell, Column } from '../columns.js';
import { readFirstLine } from './atomic.js';
import type { FormatWriter } from './sink.js';
import { openLineWriter } from './text-sink.js';
import { BatchOutputError } from '../errors.js';

/** One value, already checked against its column's type. */
export function jsonValue(cell: Cell): string {
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : `"${String(cell)}"`;
  return JSON.stringify(cell);
}

/** @internal */
export function openJsonlWriter(path: string, columns: readonly Column[]): FormatWriter {
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  return openLineWriter(path, {
    format: 'jsonl',
    prelude: '',
    line(row) {
      let text = '';
      for (let i = 0; i < row.length; i++) text += keys[i]! + jsonValue(row[i]!);
      return `${text}}\n`;
    },
  });
}

/** Throws unless the first line of the JSONL at `path` has the keys of these columns, in order (DuckDB, given the columns, would read other keys as nulls). */
export function checkJsonlKeys(path: string, columns: readonly Column[]): void {
  const first = readFirstLine(path);
  if (first === null) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(first);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BatchOutputError('its first line is not a JSON object', 'mismatched-output');
  const found = Object.keys(parsed);
  const expected = columns.map((c) => c.name);
  if (found.join('\0') !== expected.join('\0'))
    throw new BatchOutputError(`its first line's keys differ from the batch's columns (expected ${expected.join(', ')}; found ${found.join(', ')})`, 'mismatched-output');
}
