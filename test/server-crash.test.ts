import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type WorkshopClient, WorkshopGame, type Frame, type Op } from '@wargame/server';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { load } from './helpers/scenarios.js';
import { signIn, sochiPath, spawnServe } from './server-support.js';

const TEAMS = ['armenia', 'azerbaijan', 'russia'] as const;
const dir = mkdtempSync(join(tmpdir(), 'wargame-crash-'));
/** Every server started, stopped at the end even when a test fails half-way. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A small seeded generator for the kill points. */
function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Plays the scripted session: each team picks a move, the facilitator advances,
 * asked teams answer. Every acknowledged input is recorded as the op the server
 * journals. Stops after `limit` acknowledgements.
 */
async function script(fac: WorkshopClient, teams: Record<string, WorkshopClient>, acked: Op[], limit: number): Promise<void> {
  const ack = async (c: WorkshopClient, f: Frame, op: Op) => {
    if (acked.length >= limit) return false;
    const r = await c.request(f);
    if (r.type === 'ack') acked.push(op);
    else if (r['code'] !== 'connection/lost') throw new Error(`refused: ${JSON.stringify(r)} for ${JSON.stringify(f)}`);
    return acked.length < limit;
  };
  while (acked.length < limit) {
    const s = await fac.waitForState(() => true);
    if (s['ended']) return;
    const n = s['node'] as number;
    for (const [party, t] of Object.entries(teams)) {
      const ts = await t.waitForState((x) => x['node'] === n);
      const offers = ts['offers'] as { move: string }[];
      const move = offers[(n + party.length) % offers.length]!.move;
      if (!(await ack(t, { type: 'move', node: n, move }, { op: 'move', party, move }))) return;
    }
    if (!(await ack(fac, { type: 'advance', node: n, force: true }, { op: 'advance', force: true }))) return;
    for (let round = 0; round < 3; round++) {
      const f = await fac.waitForState((x) => x['node'] !== n || (x['pending'] as unknown[]).length > 0);
      if (f['node'] !== n) break;
      for (const p of f['pending'] as { party: string; message: string }[]) {
        const t = teams[p.party]!;
        await t.waitForState((x) => (x['pending'] as { message: string }[]).some((q) => q.message === p.message));
        if (
          !(await ack(t, { type: 'reply', node: n, message: p.message, reply: 'accept' }, { op: 'reply', party: p.party, message: p.message, reply: 'accept' }))
        )
          return;
      }
      await fac.waitForState(
        (x) =>
          x['node'] !== n ||
          (x['pending'] as { party: string; message: string }[]).every((q) => !(f['pending'] as { message: string }[]).some((o) => o.message === q.message)),
      );
    }
  }
}

describe('kill -9 and resume', () => {
  it('no acknowledged input is lost, the state hash matches, and clients reconnect by themselves (4 trials)', async () => {
    const scenario = load(sochiPath);
    const random = mulberry(15);
    for (let trial = 0; trial < 4; trial++) {
      const db = join(dir, `trial-${trial}.db`);
      const first = await spawnServe(['sochi-2021', '--teams', TEAMS.join(','), '--db', db, '--seed', String(trial), '--port', '0'], started);
      const clients: WorkshopClient[] = [];
      const join_ = (role: string) => signIn(first, role, clients);
      const fac = await join_('facilitator');
      const teams: Record<string, WorkshopClient> = {};
      for (const t of TEAMS) teams[t] = await join_(t);
      const acked: Op[] = [];
      const killAt = 3 + Math.floor(random() * 30);
      await script(fac, teams, acked, killAt);
      const rejoined = clients.map((c) => new Promise((r) => c.once('welcome', r)));
      // On odd trials the kill lands while an input is on its way: journaled or not, it was never acknowledged.
      if (trial % 2 === 1) void fac.request({ type: 'note', node: fac.state!['node'] as number, text: 'in flight' });
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      const second = await spawnServe(['--resume', '--db', db], started);
      // Same URL, same codes: the clients come back by themselves.
      expect(second.url).toBe(first.url);
      expect(second.codes).toEqual(first.codes);
      const journal = Journal.open(db);
      const entries = journal.entries();
      journal.close();
      expect(entries.slice(0, acked.length).map((e) => e.op)).toEqual(acked);
      expect(entries.length).toBeLessThanOrEqual(acked.length + 1);
      const reference = new WorkshopGame({ scenario, seed: String(trial), teams: [...TEAMS] });
      for (const e of entries) expect(reference.apply(e.op).ok).toBe(true);
      await Promise.race([Promise.all(rejoined), new Promise((_, reject) => setTimeout(() => reject(new Error('clients did not reconnect')), 15_000))]);
      const back = await fac.waitForState((s) => s['hash'] === reference.session.head.hash, 15_000);
      expect(back['node']).toBe(reference.session.head.id);
      for (const t of Object.values(teams)) await t.waitForState((s) => s['node'] === reference.session.head.id, 15_000);
      // And the game goes on.
      const more: Op[] = [];
      if (!back['resolving']) await script(fac, teams, more, 4);
      for (const c of clients) c.close();
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
      if (trial === 0) {
        // The database exports to a save that wargame replay verifies to the same hash.
        const save = join(dir, 'trial-0.save.json');
        const ex = runCli(['serve', '--db', db, '--export', save]);
        expect(ex.code, ex.stderr).toBe(0);
        const rep = runCli(['replay', save, '--json']);
        expect(rep.code, rep.stderr).toBe(0);
        expect((JSON.parse(rep.stdout) as { head: { hash: string } }).head.hash).toBe(String(fac.state!['hash']));
      }
    }
  }, 180_000);
});
