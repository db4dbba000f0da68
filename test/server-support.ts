/** Shared by the server tests: a server on loopback in a temporary folder, and signed-in clients. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkshopClient, WorkshopServer, type Frame, type Limits } from '@wargame/server';
import type { CompiledScenario } from '@wargame/engine';
import { cliPath } from './helpers/cli.js';
import { load } from './helpers/scenarios.js';

export const sochiPath = 'scenarios/sochi-2021';
export const actorsPath = 'test/fixtures/scenarios/actors.yaml';

export interface Running {
  server: WorkshopServer;
  scenario: CompiledScenario;
  dir: string;
  db: string;
  clients: WorkshopClient[];
  join(role: string, opts?: { onFrame?: (t: string) => void }): Promise<WorkshopClient>;
  stop(): Promise<void>;
}

export async function startServer(path: string, teams: string[], seed = '7', limits: Partial<Limits> = {}): Promise<Running> {
  const scenario = load(path);
  const dir = mkdtempSync(join(tmpdir(), 'wargame-server-'));
  const db = join(dir, 'session.db');
  const server = await WorkshopServer.start({ scenario, scenarioRef: path, db, limits, create: { seed, teams } });
  const clients: WorkshopClient[] = [];
  return {
    server,
    scenario,
    dir,
    db,
    clients,
    async join(role, opts = {}) {
      const c = new WorkshopClient(server.url, server.codes.get(role)!, { ...(opts.onFrame ? { onFrame: opts.onFrame } : {}) });
      clients.push(c);
      await c.connect();
      await c.waitForState(() => true);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends a frame and expects an ack. */
export async function ok(c: WorkshopClient, frame: Frame): Promise<Frame> {
  const r = await c.request(frame);
  if (r.type !== 'ack') throw new Error(`expected an ack for ${JSON.stringify(frame)}, got ${JSON.stringify(r)}`);
  return r;
}

export function node(c: WorkshopClient): number {
  return c.state!['node'] as number;
}

export function offers(c: WorkshopClient): string[] {
  return (c.state!['offers'] as { move: string }[]).map((o) => o.move);
}

/** A `wargame serve` process (the built CLI), with the URL and codes it printed. */
export interface Spawned {
  child: ChildProcess;
  url: string;
  codes: Map<string, string>;
}

/** Starts `wargame serve` and reads its URL and codes from its output; the process is added to `started` so the caller can kill it whatever happens. */
export function spawnServe(args: string[], started: ChildProcess[]): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let text = '';
    let errText = '';
    const timer = setTimeout(() => reject(new Error(`wargame serve did not start: ${text}${errText}`)), 20_000);
    child.stderr!.on('data', (d) => (errText += d));
    child.stdout!.on('data', (d) => {
      text += d;
      if (!text.includes('Ctrl-C stops')) return;
      clearTimeout(timer);
      const url = /Open (\S+) in a browser/.exec(text)![1]!;
      const codes = new Map([...text.matchAll(/^ {2}(\S+) +([0-9A-Z]{4}(?:-[0-9A-Z]{4}){5}) /gm)].map((m) => [m[1]!, m[2]!]));
      resolve({ child, url, codes });
    });
    child.on('exit', (code) => reject(new Error(`wargame serve exited (${code}): ${text}${errText}`)));
  });
}

/** A client signed in with a role's code, with its first state; added to `clients` to be closed later. */
export async function signIn(server: Spawned, role: string, clients: WorkshopClient[]): Promise<WorkshopClient> {
  const c = new WorkshopClient(server.url, server.codes.get(role)!);
  clients.push(c);
  await c.connect();
  await c.waitForState(() => true);
  return c;
}
