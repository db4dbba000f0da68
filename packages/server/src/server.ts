/**
 * The session server: HTTP for the page, WebSocket for play. One process holds
 * one workshop; every accepted input goes to the journal before its
 * acknowledgement. Bad frames get an error reply and change nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { saveSession, type CompiledScenario } from '@wargame/engine';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { findCode, generateCode } from './codes.js';
import { WorkshopGame, type Op } from './game.js';
import { PAGE_HTML, PAGE_JS } from './page.js';
import { ClientFrameSchema, MAX_FRAME_BYTES, MAX_WIRE_BYTES, type ClientFrame, type ErrorFrame } from './protocol.js';
import { Journal } from './store.js';
import { facilitatorState, roleName, spectatorState, teamState, welcome, type Role } from './views.js';

export interface Limits {
  /** Frames a connection may send per second on average… */
  framesPerSecond: number;
  /** …and in a burst. */
  burst: number;
  /** Wrong codes an address may try per window before it is refused for the rest of it. */
  authFailures: number;
  authWindowMs: number;
}

export const DEFAULT_LIMITS: Limits = { framesPerSecond: 20, burst: 40, authFailures: 10, authWindowMs: 60_000 };

/** Open connections at once: a workshop has a few dozen. More are refused (1013, try again later). */
export const MAX_CONNECTIONS = 256;
/** A connection that has not signed in within this time is closed. */
export const SIGN_IN_MS = 30_000;

export interface ServeOptions {
  scenario: CompiledScenario;
  /** How the scenario was named (kept in the journal to find it on resume). */
  scenarioRef: string;
  db: string;
  host?: string;
  port?: number;
  limits?: Partial<Limits>;
  /** A new session (omit to resume the one in `db`). */
  create?: { seed: string; teams: string[] };
  /** Called when the journal cannot be written: the process must stop (nothing unjournaled may be acknowledged). */
  onFatal?: (e: Error) => void;
}

interface Conn {
  ws: WebSocket;
  ip: string;
  role: Role | null;
  lastId: number;
  tokens: number;
  refilled: number;
}

const ROLES_BY_TYPE: Record<ClientFrame['type'], Role['kind'][]> = {
  hello: ['team', 'facilitator', 'spectator'],
  ping: ['team', 'facilitator', 'spectator'],
  move: ['team'],
  reply: ['team'],
  advance: ['facilitator'],
  inject: ['facilitator'],
  'clear-injects': ['facilitator'],
  adjudicate: ['facilitator'],
  note: ['facilitator'],
  rewind: ['facilitator'],
  checkout: ['facilitator'],
  pause: ['facilitator'],
  revoke: ['facilitator'],
  export: ['facilitator'],
  timer: ['facilitator'],
};

/** Codes for a new session: one per team, the facilitator's and the spectators'. */
export function newCodes(teams: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of teams) m.set(t, generateCode());
  m.set('facilitator', generateCode());
  m.set('spectator', generateCode());
  return m;
}

function roleOf(name: string): Role {
  return name === 'facilitator' ? { kind: 'facilitator' } : name === 'spectator' ? { kind: 'spectator' } : { kind: 'team', party: name };
}

export class WorkshopServer {
  readonly game: WorkshopGame;
  readonly codes: Map<string, string>;
  readonly limits: Limits;
  private readonly journal: Journal;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly failures = new Map<string, { count: number; since: number }>();
  private seq = 0;
  /** The facilitator's countdown for the current turn (by the server's clock; not journaled: it decides nothing). */
  private timer: { node: number; endsAt: number } | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  url = '';
  /** Frames answered with an error since start (for tests and the operator). */
  errors = 0;

  private constructor(private readonly opts: ServeOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    if (opts.create) {
      const teams = opts.scenario.parties.filter((p) => opts.create!.teams.includes(p.id)).map((p) => p.id);
      this.codes = newCodes(teams);
      this.journal = Journal.create(
        opts.db,
        { scenarioRef: opts.scenarioRef, scenarioId: opts.scenario.id, scenarioHash: opts.scenario.hash, seed: opts.create.seed, teams },
        this.codes,
      );
      this.game = new WorkshopGame({ scenario: opts.scenario, seed: opts.create.seed, teams });
    } else {
      this.journal = Journal.open(opts.db);
      const setup = this.journal.setup();
      if (setup.scenarioHash !== opts.scenario.hash)
        throw new Error(
          `${opts.db} was played on another version of ${setup.scenarioId} (scenario hash ${setup.scenarioHash.slice(0, 12)}…, now ${opts.scenario.hash.slice(0, 12)}…)`,
        );
      this.codes = this.journal.codes();
      this.game = new WorkshopGame({ scenario: opts.scenario, seed: setup.seed, teams: setup.teams });
      for (const e of this.journal.entries()) {
        const r = this.game.apply(e.op);
        if (!r.ok) throw new Error(`${opts.db}: journal entry ${e.seq} (${e.op.op}) no longer applies: ${r.message}`);
        if (this.game.session.head.hash !== e.hash)
          throw new Error(`${opts.db}: after journal entry ${e.seq} the state hash is ${this.game.session.head.hash}, the journal says ${e.hash}`);
        this.seq = e.seq;
      }
    }
    this.http = createServer((req, res) => this.serveHttp(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/ws', maxPayload: MAX_WIRE_BYTES });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  /** Starts a server (a new session with `create`, else the one journaled in `db`) and resolves once it listens. */
  static async start(opts: ServeOptions): Promise<WorkshopServer> {
    const s = new WorkshopServer(opts);
    // Resumed without a port: where it listened before, so clients reconnect by themselves.
    const port = opts.port ?? (opts.create ? 0 : (s.journal.listen()?.port ?? 0));
    await new Promise<void>((resolve, reject) => {
      s.http.once('error', reject);
      s.http.listen(port, opts.host ?? '127.0.0.1', () => resolve());
    });
    const a = s.http.address() as AddressInfo;
    s.journal.setListen(opts.host ?? '127.0.0.1', a.port);
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    s.url = `http://${host}:${a.port}/`;
    s.heartbeat = setInterval(() => {
      for (const c of s.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.ping();
    }, 20_000);
    s.heartbeat.unref();
    return s;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** Journaled ops so far. */
  get journaled(): number {
    return this.seq;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    // Browsers keep idle HTTP connections open; they must not hold the shutdown.
    const closed = new Promise<void>((r) => this.http.close(() => r()));
    this.http.closeAllConnections();
    await closed;
    this.journal.close();
  }

  private serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const headers = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'",
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    if (path === '/' || path === '/index.html') res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    else if (path === '/app.js') res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(PAGE_JS);
    else if (path === '/healthz') res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end('ok');
    else res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    if (this.conns.size >= MAX_CONNECTIONS) {
      ws.close(1013, `the server holds ${MAX_CONNECTIONS} connections, its most`);
      return;
    }
    const conn: Conn = { ws, ip: req.socket.remoteAddress ?? '?', role: null, lastId: 0, tokens: this.limits.burst, refilled: Date.now() };
    this.conns.add(conn);
    const signIn = setTimeout(() => {
      if (!conn.role) ws.close(4008, 'no code given in time');
    }, SIGN_IN_MS);
    signIn.unref();
    ws.on('close', () => clearTimeout(signIn));
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
  }

  /** Sends a frame (handlers return what this returns: true when sent). */
  private send(conn: Conn, frame: Record<string, unknown>): boolean {
    if (conn.ws.readyState !== conn.ws.OPEN) return false;
    conn.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Answers a refused frame; handlers return its result (false: nothing was applied). */
  private fail(conn: Conn, id: number | undefined, code: string, message: string, extra: Record<string, unknown> = {}): false {
    this.errors++;
    const frame: ErrorFrame = { type: 'error', ...(id !== undefined ? { id } : {}), code, message, ...extra };
    this.send(conn, frame);
    return false;
  }

  private takeToken(conn: Conn): boolean {
    const now = Date.now();
    conn.tokens = Math.min(this.limits.burst, conn.tokens + ((now - conn.refilled) / 1000) * this.limits.framesPerSecond);
    conn.refilled = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    try {
      this.handleFrame(conn, data, isBinary);
    } catch (e) {
      // A bug must not bring the workshop down: answer and go on (the game changed nothing unless journaled).
      this.fail(conn, undefined, 'server/internal', `internal error: ${(e as Error).message}`);
    }
  }

  /** Handles one frame; true when it was accepted. */
  private handleFrame(conn: Conn, data: RawData, isBinary: boolean): boolean {
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (!this.takeToken(conn)) {
      // The frame's id, when cheap to find, so the client can tell which request was refused.
      const head = !isBinary && Buffer.isBuffer(data) ? data.subarray(0, 200).toString('utf8') : '';
      const m = /"id"\s*:\s*(\d{1,15})\b/.exec(head);
      return this.fail(
        conn,
        m ? Number(m[1]) : undefined,
        'rate/limited',
        `too many frames: at most ${this.limits.framesPerSecond} a second (bursts of ${this.limits.burst}); wait a moment`,
      );
    }
    if (isBinary) return this.fail(conn, undefined, 'frame/binary', 'binary frames are not accepted: send JSON text');
    if (bytes > MAX_FRAME_BYTES) return this.fail(conn, undefined, 'frame/too-large', `a frame is at most ${MAX_FRAME_BYTES} bytes (this one: ${bytes})`);
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch {
      return this.fail(conn, undefined, 'frame/not-json', 'the frame is not JSON');
    }
    const rawId = raw && typeof raw === 'object' && Number.isSafeInteger((raw as { id?: unknown }).id) ? (raw as { id: number }).id : undefined;
    const parsed = ClientFrameSchema.safeParse(raw);
    if (!parsed.success) return this.fail(conn, rawId, 'frame/invalid', z.prettifyError(parsed.error).slice(0, 600));
    const f = parsed.data;
    if (f.type === 'hello') return this.hello(conn, f.code);
    if (!conn.role) return this.fail(conn, f.id, 'auth/required', 'send { "type": "hello", "code": "<your code>" } first');
    if (f.id <= conn.lastId) return this.fail(conn, f.id, 'frame/replayed', `frame ${f.id} comes after frame ${conn.lastId}: ids must increase`);
    conn.lastId = f.id;
    if (!ROLES_BY_TYPE[f.type].includes(conn.role.kind)) return this.fail(conn, f.id, 'role/forbidden', `a ${conn.role.kind} cannot send "${f.type}"`);
    if (f.type === 'ping') return this.send(conn, { type: 'ack', id: f.id });
    if ('node' in f && f.node !== this.game.session.head.id)
      return this.fail(
        conn,
        f.id,
        'frame/out-of-turn',
        `this frame was written for node ${f.node}; the game is at node ${this.game.session.head.id} (turn ${this.game.session.head.turn})`,
      );
    if (f.type === 'export') return this.send(conn, { type: 'ack', id: f.id, save: saveSession(this.game.session) });
    if (f.type === 'revoke') return this.revoke(conn, f.id, f.role);
    if (f.type === 'timer') {
      this.timer = f.seconds > 0 ? { node: f.node, endsAt: Date.now() + f.seconds * 1000 } : null;
      this.send(conn, { type: 'ack', id: f.id });
      this.broadcast();
      return true;
    }
    const party = conn.role.kind === 'team' ? conn.role.party : '';
    const op: Op =
      f.type === 'move'
        ? { op: 'move', party, move: f.move }
        : f.type === 'reply'
          ? { op: 'reply', party, message: f.message, reply: f.reply }
          : f.type === 'advance'
            ? { op: 'advance', force: f.force ?? false }
            : f.type === 'inject'
              ? { op: 'inject', inject: f.inject }
              : f.type === 'clear-injects'
                ? { op: 'clear-injects' }
                : f.type === 'adjudicate'
                  ? { op: 'adjudicate', party: f.party, effects: f.effects }
                  : f.type === 'note'
                    ? { op: 'note', text: f.text }
                    : f.type === 'rewind'
                      ? { op: 'rewind', turn: f.turn }
                      : f.type === 'checkout'
                        ? { op: 'checkout', to: f.to }
                        : { op: 'pause', paused: f.paused };
    const r = this.game.apply(op);
    if (!r.ok) {
      const { ok: _ok, code, message, ...extra } = r;
      return this.fail(conn, f.id, code, message, extra);
    }
    try {
      this.journal.append(this.seq + 1, op, this.game.session.head.hash);
      this.seq++;
    } catch (e) {
      // Applied in memory but not on disk: acknowledge nothing and stop; resume rebuilds from the journal.
      this.fail(conn, f.id, 'store/failed', `the session database could not be written: ${(e as Error).message}`);
      (
        this.opts.onFatal ??
        ((err: Error) => {
          throw err;
        })
      )(e as Error);
      return false;
    }
    this.send(conn, { type: 'ack', id: f.id, node: this.game.session.head.id, turn: this.game.session.head.turn, ...(r.note ? { note: r.note } : {}) });
    this.broadcast();
    return true;
  }

  private hello(conn: Conn, code: string): boolean {
    if (conn.role) return this.fail(conn, undefined, 'auth/already', `this connection is already signed in as ${roleName(conn.role)}`);
    const now = Date.now();
    // Forget addresses whose window has passed, so the table stays as small as the recent failures.
    if (this.failures.size > 1000) for (const [ip, v] of this.failures) if (now - v.since > this.limits.authWindowMs) this.failures.delete(ip);
    const f = this.failures.get(conn.ip);
    if (f && now - f.since > this.limits.authWindowMs) this.failures.delete(conn.ip);
    const current = this.failures.get(conn.ip);
    if (current && current.count >= this.limits.authFailures)
      return this.fail(
        conn,
        undefined,
        'auth/rate-limited',
        `too many wrong codes from this address: try again in ${Math.ceil((this.limits.authWindowMs - (now - current.since)) / 1000)} s`,
      );
    const name = findCode(this.codes, code);
    if (name === null) {
      if (current) current.count++;
      else this.failures.set(conn.ip, { count: 1, since: now });
      return this.fail(conn, undefined, 'auth/refused', 'this code is not valid: check it with the facilitator');
    }
    const role = roleOf(name);
    // A second connection with a team's or the facilitator's code replaces the first (a laptop that woke up).
    if (role.kind !== 'spectator')
      for (const c of this.conns) if (c !== conn && c.role && roleName(c.role) === name) c.ws.close(4001, 'replaced by a new connection with the same code');
    conn.role = role;
    this.send(conn, welcome(this.game, role));
    return this.send(conn, this.stateFor(role, new Map()));
  }

  private revoke(conn: Conn, id: number, name: string): boolean {
    if (!this.codes.has(name)) return this.fail(conn, id, 'role/unknown', `no code for "${name}": ${[...this.codes.keys()].join(', ')}`);
    const code = generateCode();
    try {
      this.journal.setCode(name, code);
    } catch (e) {
      this.fail(conn, id, 'store/failed', `the session database could not be written: ${(e as Error).message}`);
      (
        this.opts.onFatal ??
        ((err: Error) => {
          throw err;
        })
      )(e as Error);
      return false;
    }
    this.codes.set(name, code);
    for (const c of this.conns) if (c.role && roleName(c.role) === name && c !== conn) c.ws.close(4003, 'code revoked by the facilitator');
    this.send(conn, { type: 'ack', id, role: name, code });
    this.broadcast();
    return true;
  }

  private stateFor(role: Role, cache: Map<string, string | Record<string, unknown>>): Record<string, unknown> {
    const key = roleName(role);
    const hit = cache.get(key);
    if (hit && typeof hit !== 'string') return hit;
    const base =
      role.kind === 'team' ? teamState(this.game, role.party) : role.kind === 'spectator' ? spectatorState(this.game) : facilitatorState(this.game, this.codes);
    const t = this.timer;
    // Seconds left rather than a time of day, so a client's clock need not agree with the server's.
    const s = { ...base, timer: t && t.node === this.game.session.head.id ? { secondsLeft: Math.max(0, Math.round((t.endsAt - Date.now()) / 1000)) } : null };
    cache.set(key, s);
    return s;
  }

  private broadcast(): void {
    const cache = new Map<string, string | Record<string, unknown>>();
    const text = new Map<string, string>();
    for (const c of this.conns) {
      if (!c.role || c.ws.readyState !== c.ws.OPEN) continue;
      const key = roleName(c.role);
      let t = text.get(key);
      if (t === undefined) {
        t = JSON.stringify(this.stateFor(c.role, cache));
        text.set(key, t);
      }
      c.ws.send(t);
    }
  }
}
