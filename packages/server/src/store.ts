/**
 * The journal: every accepted input appended to SQLite before it is
 * acknowledged (WAL, synchronous=FULL: a commit is on disk when `run` returns,
 * so a kill -9 or a power cut after the acknowledgement loses nothing). The
 * session is rebuilt by replaying the ops from the start; the state hash after
 * each turn is stored beside it and checked on resume.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Op } from './game.js';

export const STORE_FORMAT = 'wargame-server-journal';
export const STORE_VERSION = 1;

export interface StoredSetup {
  format: typeof STORE_FORMAT;
  version: number;
  /** How the scenario was named on the command line (an id, file or folder), to find it again on resume. */
  scenarioRef: string;
  scenarioId: string;
  scenarioHash: string;
  seed: string;
  teams: string[];
}

export interface JournalEntry {
  seq: number;
  op: Op;
  /** The head's state hash after the op. */
  hash: string;
}

export class Journal {
  private readonly db: Database.Database;
  private readonly insertOp: Database.Statement;
  private readonly upsertCode: Database.Statement;

  private constructor(
    readonly file: string,
    fresh: boolean,
  ) {
    this.db = new Database(file, { fileMustExist: !fresh });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ops (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS codes (role TEXT PRIMARY KEY, code TEXT NOT NULL);
    `);
    this.insertOp = this.db.prepare('INSERT INTO ops (seq, op, hash) VALUES (?, ?, ?)');
    this.upsertCode = this.db.prepare('INSERT INTO codes (role, code) VALUES (?, ?) ON CONFLICT(role) DO UPDATE SET code = excluded.code');
  }

  /** A new journal; refuses an existing file (it may be a session to resume). */
  static create(file: string, setup: Omit<StoredSetup, 'format' | 'version'>, codes: Map<string, string>): Journal {
    if (existsSync(file)) throw new Error(`${file} exists: resume it with wargame serve --resume --db ${file}, or give another --db`);
    // The file holds the join codes: only its owner may read it. Created so before SQLite opens it,
    // so its -wal and -shm files (which SQLite gives the database's mode) are private from the start.
    writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    const j = new Journal(file, true);
    const full: StoredSetup = { format: STORE_FORMAT, version: STORE_VERSION, ...setup };
    j.db.transaction(() => {
      j.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('setup', JSON.stringify(full));
      for (const [role, code] of codes) j.upsertCode.run(role, code);
    })();
    return j;
  }

  static open(file: string): Journal {
    if (!existsSync(file)) throw new Error(`${file}: no such session database`);
    const j = new Journal(file, false);
    const setup = j.setup();
    if (setup.format !== STORE_FORMAT) throw new Error(`${file} is not a wargame session database`);
    if (setup.version !== STORE_VERSION)
      throw new Error(`${file} is a session database of version ${setup.version}; this wargame reads version ${STORE_VERSION}`);
    return j;
  }

  setup(): StoredSetup {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('setup') as { value: string } | undefined;
    if (!row) throw new Error(`${this.file} is not a wargame session database (no setup)`);
    return JSON.parse(row.value) as StoredSetup;
  }

  codes(): Map<string, string> {
    const rows = this.db.prepare('SELECT role, code FROM codes ORDER BY role').all() as { role: string; code: string }[];
    return new Map(rows.map((r) => [r.role, r.code]));
  }

  /** Where the server last listened, so a resumed server comes back at the same address and clients find it. */
  listen(): { host: string; port: number } | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('listen') as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as { host: string; port: number }) : null;
  }

  setListen(host: string, port: number): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run('listen', JSON.stringify({ host, port }));
  }

  setCode(role: string, code: string): void {
    this.upsertCode.run(role, code);
  }

  append(seq: number, op: Op, hash: string): void {
    this.insertOp.run(seq, JSON.stringify(op), hash);
  }

  entries(): JournalEntry[] {
    const rows = this.db.prepare('SELECT seq, op, hash FROM ops ORDER BY seq').all() as { seq: number; op: string; hash: string }[];
    return rows.map((r) => ({ seq: r.seq, op: JSON.parse(r.op) as Op, hash: r.hash }));
  }

  close(): void {
    this.db.close();
  }
}
