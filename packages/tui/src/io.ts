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
  if (closed.stdout) return;
  const safe = terminalSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

export function err(text: string): void {
  if (closed.stderr) return;
  const safe = terminalSafe(text);
  process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** Output streams whose reader has gone (`| head`): nothing more is written to them. */
const closed = { stdout: false, stderr: false };

/**
 * `wargame batch … 2>&1 | head -1` closes the pipe after one line. That is
 * the reader's choice, not a failure of the work: from then on the stream is
 * left alone and the command goes on, so a batch still writes its file and
 * exits as it would have.
 */
export function tolerateClosedPipes(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed[name] = true;
      else throw e;
    });
  }
}

/** Whether standard error can still be written (the progress display checks before each line). */
export function stderrOpen(): boolean {
  return !closed.stderr;
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
