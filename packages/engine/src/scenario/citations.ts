/**
 * Grounding: every citation's quote must appear verbatim in the source text it
 * names (whitespace-normalised, so line breaks in either do not matter).
 */
import type { PlacedIssue } from './compile.js';
import type { Citation, ScenarioDoc } from './schema.js';

/** Collapses runs of whitespace, so a quote may wrap differently from its source. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Every citation in a scenario document, with its path. */
export function collectCitations(doc: ScenarioDoc): { path: (string | number)[]; cite: Citation }[] {
  const out: { path: (string | number)[]; cite: Citation }[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, [...path, i]);
      });
    }
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'cite' && Array.isArray(v))
          v.forEach((c: Citation, i) => {
            out.push({ path: [...path, 'cite', i], cite: c });
          });
        else walk(v, [...path, k]);
      }
    }
  };
  walk(doc, []);
  return out;
}

/** Checks each quote against its source; a source that cannot be read is reported once per citation. */
export function checkCitations(doc: ScenarioDoc, readSource: (file: string) => string | undefined): PlacedIssue[] {
  const texts = new Map<string, string | undefined>();
  const issues: PlacedIssue[] = [];
  for (const { path, cite } of collectCitations(doc)) {
    if (!texts.has(cite.source)) {
      const raw = readSource(cite.source);
      texts.set(cite.source, raw === undefined ? undefined : normaliseText(raw));
    }
    const text = texts.get(cite.source);
    if (text === undefined) issues.push({ code: 'source-not-found', path: [...path, 'source'], message: `source file "${cite.source}" was not found, so the quote cannot be checked` });
    else if (!text.includes(normaliseText(cite.quote)))
      issues.push({ code: 'quote-not-found', path: [...path, 'quote'], message: `the quote is not in ${cite.source} (it must be verbatim): "${cite.quote.length > 60 ? `${cite.quote.slice(0, 60)}…` : cite.quote}"` });
  }
  return issues;
}
