/**
 * One writer per output. Two batches given the same `--out` would each write
 * their temporaries and rename over the other's result, and the loser's summary
 * would describe the winner's file. A claim is a lock file beside the output,
 * created with O_EXCL (`wx`), holding the pid of the process that writes; it is
 * taken before any temporary is made and released when the output is
 * published or abandoned. A claim left by a process that no longer exists
 * (killed with -9, a power cut) is taken over, and that process's temporaries
 * beside the output are removed, so a killed run leaves nothing behind once
 * the same output is written or resumed again.
 */
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BatchOutputError } from '../errors.js';

export interface OutputClaim {
  /** Temporaries of dead writers that were removed when the claim was taken. */
  readonly cleaned: readonly string[];
  /** Gives the output up. Idempotent. */
  release(): void;
}

/** The lock file of an output: dot-prefixed, so listings and `*.csv` skip it. */
export function claimPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporaries `.<name>.<pid>-<n>…` (atomic.ts tempPathFor) beside `target` whose writer is dead. */
function deadTemporaries(target: string): string[] {
  const prefix = `.${basename(target)}.`;
  const dir = dirname(target);
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-\d+/.exec(name.slice(prefix.length));
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) found.push(join(dir, name));
  }
  return found;
}

/**
 * Claims `target` for this process, or throws a BatchOutputError
 * (`output-busy`) naming the process that holds it.
 */
export function claimOutput(target: string): OutputClaim {
  const lock = claimPathFor(target);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new BatchOutputError(`${target}: cannot claim it for writing (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'output-busy');
      let holder = Number.NaN;
      try {
        holder = Number.parseInt(readFileSync(lock, 'utf8').slice(0, 32), 10);
      } catch {
        // Gone between the two calls: try again.
      }
      if (alive(holder) && holder !== process.pid)
        throw new BatchOutputError(
          `${target}: another batch (process ${holder}) is writing it; wait for it to finish or choose another --out (if no such batch runs, remove ${lock})`,
          'output-busy',
        );
      if (attempt >= 2) throw new BatchOutputError(`${target}: cannot claim it for writing: ${lock} keeps coming back`, 'output-busy');
      // Left by a writer that is gone: take it over.
      rmSync(lock, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    const cleaned = deadTemporaries(target);
    for (const path of cleaned) rmSync(path, { recursive: true, force: true });
    let held = true;
    return {
      cleaned,
      release() {
        if (!held) return;
        held = false;
        rmSync(lock, { force: true });
      },
    };
  }
}
