import { openSocket, WorkshopClient } from '@wargame/server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { node, ok, sochiPath, startServer, type Running } from './server-support.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

const SEED = 20261205;
const FRAMES = 3000;

/** Frames that must all be refused: malformed, oversized, binary, unknown, of the wrong role, replayed or out of turn. */
function badFrame(lastId: () => number, head: () => number): fc.Arbitrary<{ data: string | Buffer; binary?: boolean; kind: string }> {
  const text = (kind: string, a: fc.Arbitrary<string>) => a.map((data) => ({ data, kind }));
  const json = (kind: string, a: fc.Arbitrary<unknown>) => a.map((v) => ({ data: JSON.stringify(v) ?? 'null', kind }));
  return fc.oneof(
    text(
      'not-json',
      fc.string({ maxLength: 200 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
    ),
    json(
      'any-json',
      fc.jsonValue({ maxDepth: 4 }).filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && 'type' in v)),
    ),
    json('unknown-type', fc.record({ type: fc.string({ maxLength: 20 }).filter((t) => !['hello', 'ping', 'move', 'reply'].includes(t)), id: fc.nat() })),
    json(
      'wrong-types',
      fc.record({
        type: fc.constantFrom('move', 'reply', 'ping'),
        id: fc.oneof(fc.string(), fc.double(), fc.constant(-1), fc.constant(0)),
        node: fc.oneof(fc.string(), fc.constant(null)),
        move: fc.oneof(fc.nat(), fc.constant([])),
      }),
    ),
    json('extra-key', fc.record({ type: fc.constant('ping'), id: fc.constant(1e15), extra: fc.jsonValue({ maxDepth: 1 }) })),
    fc
      .integer({ min: 16 * 1024 + 1, max: 200_000 })
      .map((n) => ({ data: JSON.stringify({ type: 'move', id: 1, node: 0, move: 'x'.repeat(n) }), kind: 'huge' })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({ data: Buffer.from(b), binary: true, kind: 'binary' })),
    fc.constant(null).map(() => ({ data: JSON.stringify({ type: 'ping', id: Math.max(1, lastId()) }), kind: 'replayed-id' })),
    fc
      .nat({ max: 50 })
      .map((d) => ({ data: JSON.stringify({ type: 'move', id: lastId() + 1, node: head() + 1 + d, move: 'seek_csto_help' }), kind: 'out-of-turn' })),
    fc
      .constantFrom('advance', 'rewind', 'export', 'revoke')
      .map((t) => ({ data: JSON.stringify({ type: t, id: lastId() + 1, node: head(), turn: 0, role: 'armenia' }), kind: 'forbidden' })),
    fc.string({ minLength: 1, maxLength: 30 }).map((m) => ({
      data: JSON.stringify({ type: 'move', id: lastId() + 1, node: head(), move: `zz${m.replace(/[^a-z]/g, '')}` }),
      kind: 'unavailable-move',
    })),
    fc.constant(null).map(() => ({
      data: JSON.stringify({ type: 'reply', id: lastId() + 1, node: head(), message: 'sochi_package', reply: 'accept' }),
      kind: 'unexpected-reply',
    })),
    fc.constant(null).map(() => ({ data: JSON.stringify({ type: 'hello', code: 'AAAA-BBBB' }), kind: 'second-hello' })),
  );
}

describe('malformed frames', () => {
  it(`${FRAMES} random bad frames each get an error reply and change nothing; the server stays up (seed ${SEED})`, async () => {
    run = await startServer(sochiPath, ['armenia', 'russia'], '7', { framesPerSecond: 1e6, burst: 1e6 });
    const fac = await run.join('facilitator');
    // One turn played, so replays of the old turn exist.
    await ok(fac, { type: 'advance', node: 0, force: true });
    const team = await run.join('armenia');
    await team.waitForState((s) => s['turn'] === 1);
    const before = {
      hash: run.server.game.session.head.hash,
      journaled: run.server.journaled,
      nodes: run.server.game.session.nodes.length,
      staged: JSON.stringify(run.server.game.staged),
    };
    // The highest id the server has seen on this connection (ids of frames the fuzz sends are never above it + 1, and those are refused).
    let lastId = 0;
    const head = () => node(fac);
    const replies: Record<string, unknown>[] = [];
    team.on('frame', (f: Record<string, unknown>) => {
      if (f['type'] === 'error' || f['type'] === 'ack') replies.push(f);
    });
    const samples = fc.sample(
      badFrame(() => lastId, head),
      { seed: SEED, numRuns: FRAMES },
    );
    const kinds = new Map<string, number>();
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
      team.sendRaw(s.data, s.binary ?? false);
      // A frame with a valid id raises the connection's last id even when it is refused afterwards.
      try {
        const v = JSON.parse(typeof s.data === 'string' ? s.data : '') as { id?: unknown };
        if (typeof v.id === 'number' && Number.isSafeInteger(v.id) && v.id > lastId && s.kind !== 'extra-key' && s.kind !== 'huge' && s.kind !== 'wrong-types')
          lastId = v.id;
      } catch {
        /* not JSON */
      }
      if (i % 200 === 199) await waitFor(() => replies.length === i + 1, `replies to ${i + 1} frames (got ${replies.length})`);
    }
    await waitFor(() => replies.length === samples.length, `replies to ${samples.length} frames (got ${replies.length})`);
    expect(replies.filter((r) => r['type'] !== 'error')).toEqual([]);
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    expect({
      hash: run.server.game.session.head.hash,
      journaled: run.server.journaled,
      nodes: run.server.game.session.nodes.length,
      staged: JSON.stringify(run.server.game.staged),
    }).toEqual(before);
    // Still serving: a new client signs in and the game goes on.
    const again = new WorkshopClient(run.server.url, run.server.codes.get('russia')!);
    run.clients.push(again);
    await again.connect();
    await ok(fac, { type: 'advance', node: head(), force: true });
    await again.waitForState((s) => s['turn'] === 2);
  });

  it('an unauthenticated connection gets an error for every frame but hello, and changes nothing', async () => {
    run = await startServer(sochiPath, ['armenia']);
    const ws = openSocket(run.server.url);
    const got: Record<string, unknown>[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
    await new Promise((r) => ws.once('open', r));
    const frames = [
      { type: 'ping', id: 1 },
      { type: 'move', id: 2, node: 0, move: 'seek_csto_help' },
      { type: 'advance', id: 3, node: 0 },
      { type: 'export', id: 4 },
    ];
    for (const f of frames) ws.send(JSON.stringify(f));
    await waitFor(() => got.length === frames.length, 'answers');
    expect(got.map((f) => f['code'])).toEqual(['auth/required', 'auth/required', 'auth/required', 'auth/required']);
    ws.close();
    expect(run.server.journaled).toBe(0);
  });
});

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
