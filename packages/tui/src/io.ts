/** Terminal and file effects of the CLI, kept in one place. */
import { existsSync } from 'node:fs';
import { writeFileAtomic as writeAtomic } from '@wargame/batch/atomic';
import { terminalSafe } from '@wargame/engine';

/** An error the user can act on: printed without a stack trace, with this exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Writes a file atomically (the batch package's writer: a fresh temporary,
 * short writes looped, fsync of the file and its folder, rename), so a crash
 * never leaves half a file where a good one was; a failure is a UserError.
 */
export function writeFileAtomic(path: string, content: string): void {
  try {
    writeAtomic(path, content);
  } catch (e) {
    throw new UserError(`cannot write ${path}: ${fileErrorText(e)}`);
  }
}

/** What went wrong with a file, for a person: the usual system errors in words, with their code. */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EIO: 'an input/output error of the device',
    EFBIG: 'the file is too large for the file system',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Every line the CLI prints goes through here: what it prints quotes scenario
 * files, saves, observed files and flags written by strangers, so control
 * characters are shown as escapes, never obeyed (the CLI styles nothing itself).
 */
export function out(text: string): void {
  const safe = terminalSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

export function err(text: string): void {
  const safe = terminalSafe(text);
  process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/**
 * `<stem><suffix>`, or `<stem>-2<suffix>`, `-3`, … if taken: the default name
 * of a new save, which must never replace an earlier game's or session's.
 */
export function firstFreePath(stem: string, suffix: string): string {
  let path = `${stem}${suffix}`;
  for (let n = 2; existsSync(path); n++) path = `${stem}-${n}${suffix}`;
  return path;
}
