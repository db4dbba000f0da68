/** Shared by the server tests: a server on loopback in a temporary folder, and signed-in clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkshopClient, WorkshopServer, type Frame, type Limits } from '@wargame/server';
import type { CompiledScenario } from '@wargame/engine';
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
