/**
 * The errors the batch package throws, in one place. Each is an `Error`
 * subclass with a stable `code` (tests and callers branch on the code, not on
 * the prose) and a message that names the file or the request and the fix.
 *
 * Where a failure is the user's to fix (a file that cannot be read or written,
 * a question the data cannot answer) the CLI prints the message alone and exits
 * 1; a {@link BatchUsageError} is a caller breaking a contract of the API, a bug.
 * Results that are expected to fail often (opening, merging, parsing an
 * observed file) are returned as values instead, as in the engine.
 */

/** Base class: every error the package throws on purpose. */
export class BatchError<Code extends string = string> extends Error {
  constructor(
    message: string,
    readonly code: Code,
  ) {
    super(message);
  }
}

/**
 * A batch that cannot answer the question asked (no sweep for a sensitivity
 * analysis, observations of outcomes the batch does not have).
 *
 * @example
 * try { await sensitivity(table); } catch (e) { if (e instanceof BatchInputError && e.code === 'no-sweep') … }
 */
export class BatchInputError extends BatchError<'no-sweep' | 'observed-mismatch' | 'not-this-design' | 'unknown-cell'> {
  override readonly name = 'BatchInputError';
}

/** A batch output that could not be read while querying it: the message names the file and what DuckDB found. */
export class BatchReadError extends BatchError<'unreadable-output'> {
  override readonly name = 'BatchReadError';
  constructor(message: string) {
    super(message, 'unreadable-output');
  }
}

/**
 * An output that cannot be written where asked, or an existing output that
 * cannot be continued or merged: the target is left as it was.
 */
export class BatchOutputError extends BatchError<
  | 'format-mismatch'
  | 'no-directory'
  | 'is-directory'
  | 'cannot-resume'
  | 'mismatched-output'
  | 'output-busy'
> {
  override readonly name = 'BatchOutputError';
}

/** A caller broke a sink's contract (rows out of order or of the wrong shape, metadata that does not match, a closed sink): a bug, not bad input. */
export class BatchUsageError extends BatchError<'bad-columns' | 'bad-row' | 'bad-meta' | 'sink-closed'> {
  override readonly name = 'BatchUsageError';
}
