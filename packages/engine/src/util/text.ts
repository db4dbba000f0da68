/**
 * Text from strangers (scenario files, saves, observed files, command-line
 * values, network frames) on its way to a terminal. A terminal obeys control
 * characters: ESC sequences retitle the window, clear the screen or move the
 * cursor back over a line ("✔ valid" drawn over an error), a carriage return or
 * a line break forges a line of the program's own output, and the Unicode
 * direction overrides reorder what a reader sees. Loaders refuse such
 * characters where the format has no use for them; printing escapes whatever
 * got through, so the rule holds on every path. docs/limits.md.
 */

/**
 * Characters no untrusted text may bring to a terminal: C0 controls except tab
 * and line feed, DEL, C1 controls (U+0080–U+009F, which some terminals read as
 * ESC sequences), line and paragraph separators, and the bidirectional
 * embeddings, overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this is for
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same, plus line breaks: for text that must stay on one line (an id, a label, a seed). A tab is harmless there. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this is for
const UNSAFE_IN_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\u001b') return '\\e';
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/**
 * Text fit for a terminal: every unsafe character is written as a visible
 * escape (`\e`, `\r`, `\u{7}`), so nothing is hidden and nothing is obeyed. Line
 * breaks and tabs are kept.
 *
 * @example
 * terminalSafe('\u001b]0;PWNED\u0007title') // → '\\e]0;PWNED\\u{7}title'
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** As terminalSafe, and line breaks escaped too: for a value printed inside a line of the program's own. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, escapeChar);
}

/**
 * The first character a piece of text must not carry, as `U+001B` with its
 * index, or null. `multiline` allows line feeds (and tabs, always allowed):
 * prose such as a description or a quote may span lines, an id or a label may not.
 */
export function unsafeChar(text: string, multiline: boolean): { index: number; code: string } | null {
  const re = multiline ? UNSAFE : UNSAFE_IN_LINE;
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  if (!m) return null;
  return { index: m.index, code: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** The longest seed: room for any seed a person types or a tool generates. */
export const MAX_SEED_LENGTH = 200;

/**
 * What is wrong with a seed, or null. A seed is printed inside lines of the
 * program's own ("seed 42 · final state hash …") and becomes part of default
 * file names, so it is one line without control characters or path separators.
 */
export function seedProblem(seed: string): string | null {
  if (seed.length === 0 || seed.length > MAX_SEED_LENGTH) return `expected a seed of 1 to ${MAX_SEED_LENGTH} characters`;
  const bad = unsafeChar(seed, false);
  if (bad || seed.includes('\t')) return `a seed holds no control characters (found ${bad?.code ?? 'U+0009'} at character ${(bad?.index ?? seed.indexOf('\t')) + 1})`;
  if (/[/\\]/.test(seed)) return 'a seed holds no / or \\ (it becomes part of file names)';
  return null;
}

/**
 * A word as a POSIX shell reads it back unchanged: left bare when it is made of
 * characters no shell treats specially, else in single quotes. For the commands
 * the program prints and stores to be pasted again (replay, resume), whose
 * paths and seeds may hold spaces, quotes or `$`.
 *
 * @example
 * shellWord("my runs/it's.csv") // → 'my runs/it'\''s.csv'
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
