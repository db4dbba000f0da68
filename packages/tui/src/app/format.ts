/**
 * Text helpers for the terminal screens: numbers, bars, sparklines and
 * wrapping. Every piece of information they draw is in the characters
 * themselves (▲▼, █░, ✔✖), never only in a colour, so NO_COLOR loses nothing.
 */
import stringWidth from 'string-width';

/** A value as a person reads it: whole numbers plain, others to one decimal. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const r = Math.round(x * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

/** A change with its direction in the glyph: ▲+2, ▼−3.5, or · for none. */
export function formatChange(d: number): string {
  const r = Math.round(d * 10) / 10;
  if (r === 0) return '·';
  return r > 0 ? `▲+${formatValue(r)}` : `▼−${formatValue(-r)}`;
}

/** A signed amount: +2, −3.5, ±0. */
export function formatSigned(d: number): string {
  const r = Math.round(d * 10) / 10;
  if (r === 0) return '±0';
  return r > 0 ? `+${formatValue(r)}` : `−${formatValue(-r)}`;
}

/** A utility with three decimals and its sign. */
export function formatUtility(u: number): string {
  const r = Math.round(u * 1000) / 1000;
  if (r === 0) return ' 0.000';
  return r > 0 ? `+${r.toFixed(3)}` : `−${Math.abs(r).toFixed(3)}`;
}

/** A percentage of a share in [0, 1], whole, or "<1%" for small non-zero shares. */
export function formatPercent(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  if (share < 1 && share > 0.995) return '>99%';
  return `${Math.round(share * 100)}%`;
}

/** 2,000 */
export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A horizontal meter of `width` cells for a value in [min, max], in eighths of
 * a cell, padded with light shade so the empty part is visible without colour.
 */
export function meterBar(value: number, min: number, max: number, width: number): string {
  if (width <= 0) return '';
  const span = max - min;
  const share = span > 0 ? Math.min(1, Math.max(0, (value - min) / span)) : 0;
  const eighths = Math.round(share * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8]!;
  const used = full + (part ? 1 : 0);
  return '█'.repeat(full) + part + '░'.repeat(Math.max(0, width - used));
}

const TICKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A sparkline of the last `width` values. The scale is the series' own range,
 * but never narrower than `minSpan` (e.g. 5% of the indicator's declared
 * range, given as `bounds`), so noise in a flat series does not look like a swing.
 */
export function sparkline(values: readonly number[], width: number, minSpan = 0, bounds?: { min: number; max: number }): string {
  if (width <= 0 || values.length === 0) return '';
  const shown = values.slice(-width);
  let lo = Math.min(...shown);
  let hi = Math.max(...shown);
  if (hi - lo < minSpan) {
    const mid = (hi + lo) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
    // A widened scale stays inside the declared range, so a series flat at its minimum draws low, not mid-height.
    if (bounds && lo < bounds.min) [lo, hi] = [bounds.min, bounds.min + minSpan];
    if (bounds && hi > bounds.max) [lo, hi] = [bounds.max - minSpan, bounds.max];
  }
  if (hi - lo <= 0) return TICKS[3]!.repeat(shown.length);
  return shown.map((v) => TICKS[Math.min(7, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 7)))]!).join('');
}

/**
 * A series squeezed to `width` points covering all of it: each point is the
 * mean of its share of the series (first and last values kept as they are),
 * so a sparkline of the result spans the start to the end, not the last
 * `width` values.
 */
export function resample(values: readonly number[], width: number): number[] {
  if (width <= 0) return [];
  if (values.length <= width) return [...values];
  if (width === 1) return [values[values.length - 1]!];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    if (i === 0) out.push(values[0]!);
    else if (i === width - 1) out.push(values[values.length - 1]!);
    else {
      const from = Math.floor((i * values.length) / width);
      const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
      let sum = 0;
      for (let k = from; k < to; k++) sum += values[k]!;
      out.push(sum / (to - from));
    }
  }
  return out;
}

/**
 * The cells a text takes in a terminal: wide characters (⚡, CJK) take two,
 * combining marks none. Lines are cut and padded by this, not by characters:
 * a line one cell too wide wraps, the frame grows past the screen, and the
 * terminal scrolls under ink's redraw (rows then overwrite each other).
 */
export function cells(text: string): number {
  return stringWidth(text);
}

/** Cuts text to `width` terminal cells, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (cells(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = cells(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Pads (or cuts) to exactly `width` terminal cells. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - cells(t)));
}

/** Wraps text at word boundaries into lines of at most `width` characters (long words are cut). */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const w = cells(word) > width ? truncate(word, width) : word;
      if (line === '') line = w;
      else if (cells(line) + 1 + cells(w) <= width) line += ` ${w}`;
      else {
        lines.push(line);
        line = w;
      }
    }
    lines.push(line);
  }
  return lines;
}
