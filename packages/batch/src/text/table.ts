/**
 * Plain-text tables for a terminal: columns measured by display width
 * (`string-width`: East Asian wide characters and emoji count two cells,
 * combining marks none), separated by two spaces, trailing spaces trimmed.
 */
import stringWidth from 'string-width';
import { appendAll } from '../util/arrays.js';

export type Align = 'l' | 'r';

/** Options of the text formatters. */
export interface FormatOptions {
  /** Wrap wide tables at this many columns (default 100). */
  width?: number;
}

/** The cells a text takes in a terminal. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** Pads `text` on the right to `width` terminal cells. */
export function padEndTo(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

/** Pads `text` on the left to `width` terminal cells. */
export function padStartTo(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - textWidth(text))) + text;
}

/** The widest cell of each column. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, j) => {
      widths[j] = Math.max(widths[j] ?? 0, textWidth(c));
    });
  return widths;
}

/**
 * Lays out rows as columns separated by two spaces; trailing spaces are trimmed.
 *
 * @example
 * renderTable([['outcome', 'share'], ['war', '12.5%']], ['l', 'r']);
 * // ['outcome  share', 'war      12.5%']
 */
export function renderTable(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = columnWidths(rows);
  return rows.map((r) =>
    r
      .map((c, j) => ((align[j] ?? 'l') === 'r' ? padStartTo(c, widths[j] ?? 0) : padEndTo(c, widths[j] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A wide table in blocks no wider than `maxWidth`, each repeating the leading
 * `keep` columns (as R prints a wide data frame), blocks separated by an empty line.
 */
export function renderWide(rows: readonly (readonly string[])[], align: readonly Align[], keep: number, maxWidth: number): string[] {
  if (rows.length === 0) return [];
  const total = rows[0]!.length;
  const widths = columnWidths(rows);
  const lead = widths.slice(0, keep).reduce((s, w) => s + w + 2, 0);
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = lead;
  for (let j = keep; j < total; j++) {
    const w = (widths[j] ?? 0) + 2;
    if (current.length > 0 && used + w > maxWidth) {
      blocks.push(current);
      current = [];
      used = lead;
    }
    current.push(j);
    used += w;
  }
  if (current.length > 0 || blocks.length === 0) blocks.push(current);
  const out: string[] = [];
  blocks.forEach((cols, b) => {
    if (b > 0) out.push('');
    const pick = [...Array.from({ length: keep }, (_, j) => j), ...cols];
    appendAll(out, renderTable(rows.map((r) => pick.map((j) => r[j] ?? '')), pick.map((j) => align[j] ?? 'l')));
  });
  return out;
}
