/**
 * Join codes: 120 bits from node:crypto written in Crockford's base32 (no I, L,
 * O, U: nothing to misread on a projector) as six groups of four, e.g.
 * `7KQ2-M9XD-…`. A code is looked up by comparing its SHA-256 with every known
 * code's in constant time, so neither timing nor the reply tells which codes exist.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 24 symbols × 5 bits = 120 bits of randomness (≥ 96 asked for). */
const SYMBOLS = 24;

export function generateCode(): string {
  const bytes = randomBytes(SYMBOLS);
  let s = '';
  // 256 is a multiple of 32, so `b & 31` is uniform.
  for (let i = 0; i < SYMBOLS; i++) s += ALPHABET[bytes[i]! & 31];
  return s.match(/.{4}/g)!.join('-');
}

/** What a person typed → the canonical code: case, spaces and dashes ignored; O→0, I/L→1. */
export function normaliseCode(text: string): string {
  const raw = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return raw.length === SYMBOLS ? raw.match(/.{4}/g)!.join('-') : raw;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The role whose code this is, or null. Every known code is compared (constant time each) whatever matches. */
export function findCode<R extends string>(codes: ReadonlyMap<R, string>, typed: string): R | null {
  const d = digest(normaliseCode(typed.slice(0, 200)));
  let found: R | null = null;
  for (const [role, code] of codes) if (timingSafeEqual(d, digest(code)) && found === null) found = role;
  return found;
}
