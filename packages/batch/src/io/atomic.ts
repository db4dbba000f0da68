/**
 * Atomic file replacement: write beside the target, fsync, rename over it,
 * fsync the directory. A reader, or a crash at any instant, sees either the old
 * file or the complete new one, never a prefix.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BatchUsageError } from '../errors.js';

let sequence = 0;

/**
 * A temporary path beside `target` (same directory, so the final rename never
 * crosses filesystems): `.<name>.<pid>-<n><suffix>`. Dot-prefixed so listings
 * and globs like `*.csv` skip it; the pid names the process that left it if a
 * crash does.
 */
export function tempPathFor(target: string, suffix = '.tmp'): string {
  sequence += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}-${sequence}${suffix}`);
}

/** Flushes a file's data to the device. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames in a directory durable. Some platforms (Windows) cannot open a directory; there a rename is as durable as it gets. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on filesystems without directory fsync: nothing more to do.
  } finally {
    closeSync(fd);
  }
}

/** Renames each fsynced temporary over its target, in the order given, then syncs the directories. */
export function publish(moves: ReadonlyArray<readonly [temp: string, target: string]>): void {
  for (const [temp, target] of moves) renameSync(temp, target);
  for (const dir of new Set(moves.map(([, target]) => dirname(target)))) fsyncDir(dir);
}

/**
 * Replaces a file with `text` atomically: a fresh temporary beside it, written
 * in full (short writes looped), fsynced, renamed over the target, the folder
 * fsynced. On any failure the temporary is removed and the error rethrown: the
 * target is either the old file or the whole new one. The one atomic writer of
 * the program: saves, reports, set files and batch outputs all go through it.
 */
export function writeFileAtomic(target: string, text: string): void {
  const temp = tempPathFor(target);
  try {
    writeFileSynced(temp, text);
    publish([[temp, target]]);
  } catch (e) {
    removeFiles([temp]);
    throw e;
  }
}

/** Removes files, ignoring those already gone. */
export function removeFiles(paths: Iterable<string>): void {
  for (const path of paths) rmSync(path, { force: true, recursive: true });
}

/** Writes a whole file and fsyncs it. `wx`: a temporary path must be fresh. */
export function writeFileSynced(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `writeSync` may write less than asked; loop until all bytes are out. */
export function writeAll(fd: number, bytes: Uint8Array, length = bytes.length): void {
  let offset = 0;
  while (offset < length) offset += writeSync(fd, bytes, offset, length - offset);
}

const FLUSH_AT = 1 << 20;

/**
 * An append-only file written through a 1 MiB buffer with synchronous writes:
 * each `push` is on disk (or in the buffer) when it returns, so callers can
 * neither interleave nor outrun the disk, and memory stays bounded. A batch
 * spends far longer simulating a MiB of rows than writing it.
 */
export class BufferedFile {
  #fd: number | null;
  #buffer = Buffer.allocUnsafe(FLUSH_AT);
  #used = 0;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'wx');
  }

  push(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; encoding straight into the
    // buffer saves joining strings and a copy.
    const worst = text.length * 3;
    if (this.#used + worst > this.#buffer.length) {
      this.flush();
      if (worst > this.#buffer.length) {
        writeAll(this.#open(), Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  flush(): void {
    if (this.#used === 0) return;
    writeAll(this.#open(), this.#buffer, this.#used);
    this.#used = 0;
  }

  /** Appends the bytes of another file from byte `skip` on (after flushing what is buffered). */
  appendFile(source: string, skip = 0): void {
    this.flush();
    const fd = this.#open();
    const src = openSync(source, 'r');
    try {
      const chunk = Buffer.allocUnsafe(FLUSH_AT);
      let position = skip;
      for (;;) {
        const n = readSync(src, chunk, 0, chunk.length, position);
        if (n === 0) break;
        writeAll(fd, chunk, n);
        position += n;
      }
    } finally {
      closeSync(src);
    }
  }

  /** Flushes and fsyncs. */
  sync(): void {
    this.flush();
    fsyncSync(this.#open());
  }

  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    this.#used = 0;
    closeSync(fd);
  }

  #open(): number {
    if (this.#fd === null) throw new BatchUsageError(`${this.path} is closed`, 'sink-closed');
    return this.#fd;
  }
}

/** The first line of a file without its newline (at most `limit` bytes read), or null for an empty file. */
export function readFirstLine(path: string, limit = 1 << 24): string | null {
  const fd = openSync(path, 'r');
  try {
    const parts: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(1 << 16);
    let position = 0;
    while (position < limit) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) break;
      const nl = chunk.subarray(0, n).indexOf(10);
      if (nl >= 0) {
        parts.push(Buffer.from(chunk.subarray(0, nl)));
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(Buffer.from(chunk.subarray(0, n)));
      position += n;
    }
    return position === 0 ? null : Buffer.concat(parts).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
