/**
 * The page in a real browser: Debian's chromium, headless, driven over the
 * DevTools protocol (no browser is downloaded). Skipped, saying why, where
 * /usr/bin/chromium is absent (CI need not have it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkshopServer } from '@wargame/server';
import { WebSocket } from '@wargame/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, offers, ok, sochiPath, startServer, type Running } from './server-support.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const dir = mkdtempSync(join(tmpdir(), 'wargame-browser-'));
/** Set WARGAME_SCREENSHOTS to a folder to keep the screenshots. */
const shots = process.env['WARGAME_SCREENSHOTS'] ?? dir;

/** A tab, spoken to over the DevTools protocol. */
class Tab {
  private next = 1;
  private readonly waiting = new Map<number, (r: { result?: unknown; error?: { message: string } }) => void>();
  /** The page's last log lines (console and browser log), for a failure to say what the page saw. */
  readonly log: string[] = [];
  constructor(
    private readonly ws: WebSocket,
    private readonly session: string,
  ) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as {
        id?: number;
        method?: string;
        params?: { entry?: { text?: string }; args?: { value?: unknown }[] };
        sessionId?: string;
        result?: unknown;
        error?: { message: string };
      };
      if (m.sessionId !== session) return;
      if (m.id !== undefined) this.waiting.get(m.id)?.(m);
      else if (m.method === 'Log.entryAdded' || m.method === 'Runtime.consoleAPICalled') {
        const text = m.params?.entry?.text ?? (m.params?.args ?? []).map((a) => String(a.value)).join(' ');
        this.log.push(`${new Date().toISOString().slice(11, 23)} ${text}`);
        if (this.log.length > 20) this.log.shift();
      }
    });
  }
  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++ + 1_000_000 * Number(this.session.length > 0);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (r) => (r.error ? reject(new Error(`${method}: ${r.error.message}`)) : resolve(r.result as T)));
      this.ws.send(JSON.stringify({ id, method, params, sessionId: this.session }));
    });
  }
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: unknown }>('Runtime.evaluate', { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`page error in ${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }
  async until<T>(expression: string, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await this.eval<T>(expression);
      if (v) return v;
      if (Date.now() > end) {
        const seen = await this.eval<string>(
          'JSON.stringify({ status: document.getElementById("status").textContent, error: document.getElementById("lastError").textContent })',
        );
        throw new Error(`timed out after ${ms} ms waiting for ${expression}; the page shows ${seen}; its log:\n${this.log.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async key(key: string, code: string, keyCode: number, text?: string): Promise<void> {
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, windowsVirtualKeyCode: keyCode, ...(text ? { text } : {}) });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode });
  }
  async screenshot(file: string): Promise<Buffer> {
    const r = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    const png = Buffer.from(r.data, 'base64');
    writeFileSync(file, png);
    return png;
  }
}

let chrome: ChildProcess | undefined;
let browser: WebSocket | undefined;
let run: Running | undefined;

async function openTab(url: string): Promise<Tab> {
  let next = 1;
  const call = <T>(method: string, params: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = next++;
      const on = (d: Buffer) => {
        const m = JSON.parse(d.toString()) as { id?: number; sessionId?: string; result: T };
        if (m.id === id && !m.sessionId) {
          browser!.off('message', on);
          resolve(m.result);
        }
      };
      browser!.on('message', on);
      browser!.send(JSON.stringify({ id, method, params }));
    });
  // Each page in a window of its own, as each team has its own screen: a background tab would have its
  // timers slowed by the browser (its reconnect then waits on the browser, not on the page).
  const { targetId } = await call<{ targetId: string }>('Target.createTarget', { url: 'about:blank', newWindow: true });
  const { sessionId } = await call<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const tab = new Tab(browser!, sessionId);
  await tab.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
  await tab.send('Page.enable');
  await tab.send('Log.enable');
  await tab.send('Runtime.enable');
  await tab.send('Page.navigate', { url });
  await tab.until('document.readyState === "complete" && !!document.getElementById("code")');
  return tab;
}

/** Types a code into the page's form with the keyboard and presses Enter. */
async function signIn(tab: Tab, code: string): Promise<void> {
  await tab.eval('document.getElementById("code").focus(), true');
  await tab.send('Input.insertText', { text: code });
  await tab.key('Enter', 'Enter', 13, '\r');
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(!haveChromium)('the page in a real browser (chromium headless)', () => {
  beforeAll(async () => {
    chrome = spawn(
      CHROMIUM,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--remote-debugging-port=0',
        `--user-data-dir=${join(dir, 'profile')}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let text = '';
      const t = setTimeout(() => reject(new Error(`chromium did not start: ${text}`)), 30_000);
      chrome!.stderr!.on('data', (d) => {
        text += d;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    browser = new WebSocket(endpoint);
    await new Promise((r) => browser!.once('open', r));
  }, 40_000);

  afterAll(async () => {
    await run?.stop();
    if (chrome && chrome.exitCode === null) {
      const exited = new Promise((r) => chrome!.once('exit', r));
      // Closing through the protocol lets chromium stop its helper processes too.
      browser?.send(JSON.stringify({ id: 999_999, method: 'Browser.close' }));
      const t = setTimeout(() => chrome!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    browser?.close();
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // A helper process may still be writing its profile; the folder is in the temporary directory.
    }
  });

  it('a team joins with its code, plays a move with the keyboard and answers a proposal; team view and projector at 1280×800', async () => {
    run = await startServer(sochiPath, ['armenia', 'azerbaijan', 'russia']);
    const fac = await run.join('facilitator');
    const russia = await run.join('russia');
    const azerbaijan = await run.join('azerbaijan');
    const tab = await openTab(run.server.url);

    // A wrong code is refused on the page.
    await signIn(tab, 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF');
    expect(await tab.until<string>('document.getElementById("loginError").textContent')).toMatch(/not valid/);
    await tab.eval('document.getElementById("code").value = "", true');
    await signIn(tab, run.server.codes.get('armenia')!.toLowerCase());
    await tab.until('document.querySelectorAll("#movesBody button.move").length > 0');
    expect(await tab.eval<string>('document.getElementById("who").textContent')).toMatch(/Armenia/);
    expect(await tab.eval<string>('document.getElementById("briefingBody").textContent')).toMatch(/What Armenia wants/);

    // Key 1 chooses the first move.
    await tab.key('1', 'Digit1', 49, '1');
    await tab.until('document.querySelector("#movesBody button[aria-pressed=true]") !== null');
    expect(Object.keys(run.server.game.staged.choices)).toEqual(['armenia']);

    await ok(russia, { type: 'move', node: node(fac), move: 'propose_sochi_package' });
    await ok(azerbaijan, { type: 'move', node: node(fac), move: offers(azerbaijan)[0]! });
    await ok(fac, { type: 'advance', node: node(fac) });
    // The proposal appears; Tab to "accept" and press Enter.
    await tab.until('document.querySelector("#proposalsBody button[data-reply=accept]") !== null');
    expect(await tab.eval<string>('document.getElementById("proposalsBody").textContent')).toMatch(/russia sends a proposal/);
    await tab.eval('document.querySelector("#proposalsBody button[data-reply=accept]").focus(), true');
    await tab.key('Enter', 'Enter', 13, '\r');
    await tab.until('document.querySelector("#proposalsBody button[data-reply=accept][aria-pressed=true]") !== null');
    expect(run.server.game.staged.replies).toEqual({ armenia: { sochi_package: 'accept' } });
    await ok(azerbaijan, { type: 'reply', node: node(fac), message: 'sochi_package', reply: 'reject' });
    await tab.until('/turn 1 of/.test(document.getElementById("when").textContent)');
    expect(await tab.eval<string>('document.getElementById("newsBody").textContent')).toMatch(/sochi|Sochi/);

    const team = await tab.screenshot(join(shots, 'team.png'));
    expect(pngSize(team)).toEqual({ width: 1280, height: 800 });
    const elements = await tab.eval<Record<string, boolean>>(`({
      title: document.getElementById('title').textContent.length > 0,
      world: document.querySelectorAll('#worldBody tr').length > 3,
      news: document.querySelectorAll('#newsBody li').length > 0,
      moves: document.querySelectorAll('#movesBody button.move').length > 0,
      teams: document.querySelectorAll('#teamsBody li').length === 3,
      connected: document.getElementById('status').textContent === 'connected',
    })`);
    expect(elements).toEqual({ title: true, world: true, news: true, moves: true, teams: true, connected: true });

    // The projector: the spectator code, large text, only what every party may see.
    const projector = await openTab(run.server.url);
    await signIn(projector, run.server.codes.get('spectator')!);
    await projector.until('document.body.classList.contains("projector") && document.querySelectorAll("#worldBody tr").length > 3');
    const shot = await projector.screenshot(join(shots, 'projector.png'));
    expect(pngSize(shot)).toEqual({ width: 1280, height: 800 });
    const p = await projector.eval<Record<string, unknown>>(`({
      fontSize: getComputedStyle(document.body).fontSize,
      moves: !document.getElementById('moves').hidden,
      hidden: document.getElementById('worldBody').textContent.includes("Moscow's"),
      news: document.querySelectorAll('#newsBody li').length > 0,
    })`);
    expect(p).toEqual({ fontSize: '28px', moves: false, hidden: false, news: true });

    // The facilitator's page: the console, with the hash, the codes and the branch tree.
    const console_ = await openTab(run.server.url);
    await signIn(console_, run.server.codes.get('facilitator')!);
    await console_.until('!document.getElementById("console").hidden && document.querySelectorAll("#consoleBody button").length > 5');
    const text = await console_.eval<string>('document.getElementById("consoleBody").textContent');
    expect(text).toContain(run.server.game.session.head.hash);
    expect(text).toContain(run.server.codes.get('azerbaijan')!);
    expect(text).toMatch(/branch to turn 1 · current/);
    expect(pngSize(await console_.screenshot(join(shots, 'facilitator.png')))).toEqual({ width: 1280, height: 800 });

    // The server goes away and comes back from its database on the same port: both pages reconnect by themselves.
    const port = run.server.port;
    const hash = run.server.game.session.head.hash;
    await run.server.close();
    await tab.until('document.getElementById("status").textContent !== "connected"');
    run.server = await WorkshopServer.start({ scenario: run.scenario, scenarioRef: sochiPath, db: run.db, port });
    expect(run.server.game.session.head.hash).toBe(hash);
    expect([await tab.eval('document.visibilityState'), await projector.eval('document.visibilityState')]).toEqual(['visible', 'visible']);
    await tab.until('document.getElementById("status").textContent === "connected"', 30_000);
    await projector.until('document.getElementById("status").textContent === "connected"', 30_000);
    await tab.until('document.querySelectorAll("#movesBody button.move").length > 0');
  }, 120_000);
});

if (!haveChromium)
  describe('the page in a real browser', () => {
    it.skip(`skipped: ${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`, () => {});
  });
