/**
 * Numbers and shares as text: the one home of the formats the summary, score,
 * sensitivity, charts and reports print. Two number styles, for two readers:
 * {@link formatNumber} is compact for terminal tables (4 significant digits, an
 * exponent for the very large and small), {@link formatGroupedNumber} is for
 * reports (thousands grouped, digits by magnitude).
 */

/**
 * A share in [0, 1] as a percentage: one decimal, more digits only where one
 * decimal would show a non-zero share as 0.0; `—` for a non-finite share.
 *
 * @example
 * formatPercent(0.425); // '42.5%'
 * formatPercent(0.0003); // '0.03%'
 */
export function formatPercent(p: number): string {
  const x = p * 100;
  if (x !== 0 && Math.abs(x) < 0.05) return `${Number(x.toPrecision(2))}%`;
  return formatPercentFixed(p);
}

/**
 * A share as a percentage with exactly one decimal (`—` if not finite): the
 * ends of an interval, which keep one precision however close to 0 they come.
 */
export function formatPercentFixed(p: number): string {
  return Number.isFinite(p) ? `${formatPoints(p)}%` : '—';
}

/** A share as percentage points with one decimal and no sign: the ends of an interval. */
export function formatPoints(p: number): string {
  return (p * 100).toFixed(1);
}

/**
 * An interval of shares in percentage points, as the text tables print it.
 *
 * @example
 * formatInterval(0.12, 0.345); // '[12.0, 34.5]'
 */
export function formatInterval(lo: number, hi: number): string {
  return `[${formatPoints(lo)}, ${formatPoints(hi)}]`;
}

/**
 * A number for a terminal table: 4 significant digits, integers as they are
 * up to 10^9, an exponent beyond (and below 10^-4).
 *
 * @example
 * formatNumber(1234.5678); // '1235'
 * formatNumber(0.000012); // '1.20e-5'
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e9 || ax < 1e-4) return x.toExponential(2).replace('e+', 'e');
  if (ax >= 1e4) return Math.round(x).toString();
  return String(Number(x.toPrecision(4)));
}

/**
 * A number for people reading a report: thousands grouped with commas, about
 * four significant digits, no locale; `—` for a non-finite number.
 *
 * @example
 * formatGroupedNumber(12345.6); // '12,346'
 * formatGroupedNumber(3.14159); // '3.14'
 */
export function formatGroupedNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : abs === 0 ? 0 : 3;
  const [int, frac] = x.toFixed(digits).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = frac?.replace(/0+$/, '');
  return trimmed ? `${grouped}.${trimmed}` : grouped === '-0' ? '0' : grouped;
}

/**
 * A signed number with fixed decimals: `+0.25`, `-1.50`; a value that rounds
 * to zero is `+0.00`, never `-0.00`.
 *
 * @example
 * formatSigned(0.254, 2); // '+0.25'
 * formatSigned(-0.001, 2); // '+0.00'
 */
export function formatSigned(x: number, digits: number): string {
  const t = x.toFixed(digits);
  return x >= 0 || Number(t) === 0 ? `+${t.replace('-', '')}` : t;
}
