/**
 * A client for the session server (Node): signs in with a code, keeps the
 * latest welcome and state, answers requests by frame id, and reconnects by
 * itself when the server goes away (a crash, a restart with --resume).
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

export type Frame = Record<string, unknown> & { type: string };

export interface ClientOptions {
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean;
  /** Called with every frame received (tests capture the wire with it). */
  onFrame?: (text: string) => void;
}

/** `http://host:port/` or `ws://host:port/ws` → the WebSocket URL. */
export function socketUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (!u.pathname.endsWith('/ws')) u.pathname = u.pathname.replace(/\/?$/, '/ws');
  return u.toString();
}

export class WorkshopClient extends EventEmitter {
  welcome: Frame | null = null;
  state: Frame | null = null;
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (f: Frame) => void>();
  private closed = false;
  private retry = 100;
  /** Set when the server refused the code or replaced/revoked this connection: no reconnect. */
  refused: Frame | null = null;

  constructor(
    readonly url: string,
    readonly code: string,
    private readonly opts: ClientOptions = {},
  ) {
    super();
  }

  /** Connects and resolves with the welcome, or rejects with the server's refusal. */
  connect(): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const onWelcome = (f: Frame) => {
        this.off('refused', onRefused);
        resolve(f);
      };
      const onRefused = (f: Frame) => {
        this.off('welcome', onWelcome);
        reject(new Error(`${String(f['code'])}: ${String(f['message'])}`));
      };
      this.once('welcome', onWelcome);
      this.once('refused', onRefused);
      this.open();
    });
  }

  private open(): void {
    const ws = new WebSocket(socketUrl(this.url));
    this.ws = ws;
    ws.on('open', () => {
      this.retry = 100;
      this.nextId = 1;
      ws.send(JSON.stringify({ type: 'hello', code: this.code }));
    });
    ws.on('message', (data) => {
      const text = data.toString();
      this.opts.onFrame?.(text);
      let f: Frame;
      try {
        f = JSON.parse(text) as Frame;
      } catch {
        return;
      }
      if (f.type === 'welcome') {
        this.welcome = f;
        this.emit('welcome', f);
      } else if (f.type === 'state') {
        this.state = f;
        this.emit('state', f);
      } else if (
        f.type === 'error' &&
        typeof f['code'] === 'string' &&
        f['code'].startsWith('auth/') &&
        f['id'] === undefined &&
        f['code'] !== 'auth/already'
      ) {
        this.refused = f;
        this.closed = true;
        this.emit('refused', f);
        ws.close();
      }
      const id = f['id'];
      if ((f.type === 'ack' || f.type === 'error') && typeof id === 'number') {
        const w = this.waiting.get(id);
        this.waiting.delete(id);
        w?.(f);
      }
      this.emit('frame', f);
    });
    ws.on('close', (code) => {
      this.emit('disconnected', code);
      for (const w of this.waiting.values()) w({ type: 'error', code: 'connection/lost', message: 'the connection was lost before an answer' });
      this.waiting.clear();
      if (code === 4001 || code === 4003) {
        this.closed = true;
        this.emit('refused', {
          type: 'error',
          code: code === 4001 ? 'auth/replaced' : 'auth/revoked',
          message: code === 4001 ? 'another connection with this code replaced this one' : 'the facilitator revoked this code',
        });
      }
      if (this.closed || this.opts.reconnect === false) return;
      setTimeout(() => {
        if (!this.closed) this.open();
      }, this.retry);
      this.retry = Math.min(this.retry * 2, 2000);
    });
    ws.on('error', () => {
      /* the close event follows */
    });
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.welcome !== null;
  }

  /** Sends a frame with the next id and resolves with its ack or error. */
  request(frame: Frame, timeoutMs = 15_000): Promise<Frame> {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        resolve({ type: 'error', code: 'connection/none', message: 'not connected' });
        return;
      }
      const id = this.nextId++;
      // An answer that never comes (a lost frame, a server gone) resolves as an error rather than hanging.
      const timer = setTimeout(() => {
        if (this.waiting.delete(id)) resolve({ type: 'error', id, code: 'connection/timeout', message: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.set(id, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  /** Sends raw text or bytes (for tests of malformed input). */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws?.send(data, { binary });
  }

  /** Resolves at the next state frame satisfying `pred` (or now if the current one does). */
  waitForState(pred: (s: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    if (this.state && pred(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('state', on);
        reject(new Error(`no matching state within ${timeoutMs} ms (last: node ${String(this.state?.['node'])})`));
      }, timeoutMs);
      const on = (s: Frame) => {
        if (pred(s)) {
          clearTimeout(t);
          this.off('state', on);
          resolve(s);
        }
      };
      this.on('state', on);
    });
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}

/** A bare WebSocket to the server, signed in as no one (tests of what an unauthenticated peer can do). */
export function openSocket(url: string): WebSocket {
  return new WebSocket(socketUrl(url));
}
