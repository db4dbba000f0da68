import type { ExpressionErrorCode } from '../expr/parse.js';
import { oneLine } from '../util/text.js';

/**
 * Every kind of problem the loader reports, by its stable code, with what it
 * means. Tools and tests match on the code; the message around it may be
 * reworded. docs/scenario-format.md lists the same codes (a test keeps them equal).
 */
export const ISSUE_CODES = {
  // Finding and reading the files (the CLI's file-system edge reports these).
  'scenario-not-found': 'no scenario file, folder or shipped scenario of that name',
  'no-files': 'no scenario file was given, or the folder has no .yaml files',
  'too-many-files': 'a scenario folder with too many files',
  'folder-too-large': 'a scenario folder whose files are too large together',
  'unreadable-file': 'a file that cannot be read',
  'file-too-large': 'a file is over the size limit',
  'yaml-syntax': 'the YAML does not parse (indentation, quotes, a stray character)',
  'yaml-alias-cycle': 'an alias sits inside the node its anchor marks',
  'yaml-alias-bomb': 'aliases expand to too much data',
  'too-deep': 'a document or an expression is nested too deeply',
  'too-many-keys': 'a mapping has too many keys',
  'forbidden-key': 'the key `__proto__`',
  'control-character': 'a control character (ESC, a carriage return, a direction override…) in a key or a text, or a line break outside prose',
  'duplicate-key': 'a key given twice in one mapping, or a top-level key set in two files',
  'empty-file': 'the file holds no scenario',
  'not-a-mapping': 'the top of the file is not a mapping',
  // The schema.
  'unknown-key': 'a key the format does not have (often a typo)',
  'missing-key': 'a required key is absent',
  'wrong-type': 'a value of the wrong type (text for a number, a list for a mapping…)',
  'invalid-value': 'a value outside the allowed set (an outcome type, a month…)',
  'invalid-id': 'an id that is not lower_snake_case (letters, digits and `_`, starting with a letter)',
  'invalid-month': 'a month not written `YYYY-MM`',
  'too-small': 'a number, list or text below its lower bound',
  'too-big': 'a number, list or text above its upper bound',
  'reversed-range': 'a low bound above its high bound (min/max, a range [lo, hi], a band)',
  'value-out-of-range': 'a value outside its declared range (an initial value, a default, a prior)',
  'conflicting-keys': 'keys that exclude each other (at and chance of an event; two kinds of wants)',
  schema: 'any other schema rule',
  // Expressions.
  'expression-syntax': 'an expression that does not parse',
  'number-out-of-range': 'a number in an expression beyond 1e9',
  'type-mismatch': 'a number where a condition is needed, a month compared with a number…',
  'unknown-name': 'a name in an expression that is no indicator, parameter, `turn` or `date`',
  'unknown-function': 'a function the language does not have',
  'wrong-arity': 'a function given the wrong number of arguments',
  'unknown-placeholder': 'a `$name` the named guard does not declare',
  'unknown-event': 'an event id that is not defined',
  'unknown-message': 'a message id that is not defined',
  // Cross-references.
  'unknown-party': 'a party id that is not defined',
  'unknown-indicator': 'an indicator id that is not defined',
  'unknown-move': 'a move id that is not among the party’s moves',
  'unknown-path': 'a calibration path that names no number of the scenario',
  'unknown-posture': 'a posture that is not one of the party’s states',
  'unknown-state': 'a machine’s initial state or a transition’s target that is not one of its states',
  'unknown-guard': 'a named guard that is not defined under guards',
  'missing-param': 'a named guard used without one of its params',
  'unknown-param': 'a param the named guard does not take',
  'unknown-source': 'a citation of a source that is not listed under sources',
  'unknown-value': 'an outcome case or default that is not one of its values',
  'duplicate-id': 'two entries with one id (parties across files, moves, interests, events, outcomes, messages)',
  'duplicate-value': 'a category value listed twice, or a source listed twice',
  'duplicate-relation': 'one relation set twice (`rel(a,b)` and `rel(b,a)` in one effects block, or twice under relations.initial)',
  'duplicate-history-move': 'two recorded moves of one party in one turn',
  'self-relation': 'a relation of a party with itself',
  'self-message': 'a move that sends a message to its own party',
  'reserved-name': 'an indicator or parameter named like a word of the expression language',
  'name-clash': 'an indicator and a parameter with one name',
  'no-parties': 'a scenario without parties',
  'missing-weight': 'an interest with no weight for some posture and no default',
  'chance-out-of-range': 'a literal chance outside [0, 1]',
  'failure-without-chance': 'failure effects on a move that cannot fail',
  'date-outside-calendar': 'a date before the first or after the last turn',
  'date-between-turns': 'a date that falls between turns',
  'shadowed-transition': 'a transition after an unguarded one, which can never fire',
  'guard-not-inline': 'a named guard on a transition taken on a message',
  'unreachable-state': 'a posture no transition leads to',
  'belief-of-visible': 'a belief about an indicator the party can see',
  // Citations.
  'source-not-found': 'a cited source file that cannot be read',
  'quote-not-found': 'a quote that is not verbatim in its source',
} as const satisfies Record<string, string>;

/** The stable code of a kind of scenario problem (kebab-case; see ISSUE_CODES). */
export type IssueCode = keyof typeof ISSUE_CODES;

// Every code an expression error carries is a scenario issue code.
type Covers<T extends IssueCode> = T;
export type ExpressionIssueCode = Covers<ExpressionErrorCode>;

/** A problem found in a scenario, located as precisely as the source allows. */
export interface ScenarioIssue {
  /**
   * The kind of problem, stable across releases (see ISSUE_CODES). The
   * scenario loader always sets it; it is optional only so that checkers of
   * other files (an observed-outcomes file) can report in the same shape.
   */
  code?: IssueCode;
  message: string;
  /** Path in the scenario data, e.g. ['parties', 'azerbaijan', 'moves', 2, 'effects']. */
  path: (string | number)[];
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** `parties.azerbaijan.moves[2].effects` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A scenario issue as the loader returns it: always with its code. */
export type CodedIssue = ScenarioIssue & { code: IssueCode };

/** `scenarios/demo.yaml:41:9 ✖ message → at parties.azerbaijan.moves[2].effects`, as `z.prettifyError` prints. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.file === undefined ? '' : `${oneLine(issue.file)}${issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`} `;
  const at = issue.path.length > 0 ? ` → at ${formatPath(issue.path)}` : '';
  return `${where}✖ ${issue.message}${at}`;
}

/** Issues in file/line order, so an author can work down the file. */
export function sortIssues<I extends ScenarioIssue>(issues: readonly I[]): I[] {
  return [...issues].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}
