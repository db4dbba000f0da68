import { WorkshopClient, findCode, generateCode, normaliseCode } from '@wargame/server';
import { afterEach, describe, expect, it } from 'vitest';
import { node, offers, ok, sochiPath, startServer, type Running } from './server-support.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

const FACILITATOR_FRAMES = [
  { type: 'advance' },
  { type: 'inject', inject: { event: 'border_flareup' } },
  { type: 'clear-injects' },
  { type: 'adjudicate', party: 'armenia', effects: { border_tension: 5 } },
  { type: 'note', text: 'x' },
  { type: 'rewind', turn: 0 },
  { type: 'checkout', to: 0 },
  { type: 'pause', paused: true },
  { type: 'revoke', role: 'armenia' },
  { type: 'export' },
  { type: 'timer', seconds: 60 },
];

describe('codes', () => {
  it('are 24 symbols of Crockford base32 in six groups (120 bits), read back whatever the case, dashes or look-alike letters', () => {
    const c = generateCode();
    expect(c).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(normaliseCode(c.toLowerCase().replace(/-/g, ' '))).toBe(c);
    const codes = new Map([['armenia', c]]);
    expect(findCode(codes, c.replace(/0/g, 'O'))).toBe('armenia');
    expect(findCode(codes, generateCode())).toBeNull();
  });
});

describe('who may do what', () => {
  it("a team acts only for its own party: no facilitator action, no other party's move or answer", async () => {
    run = await startServer(sochiPath, ['armenia', 'azerbaijan', 'russia']);
    const fac = await run.join('facilitator');
    const armenia = await run.join('armenia');
    const russia = await run.join('russia');
    const azerbaijan = await run.join('azerbaijan');
    for (const f of FACILITATOR_FRAMES) {
      const r = await armenia.request({
        ...f,
        ...(f.type === 'rewind' || f.type === 'checkout' || f.type === 'pause' || f.type === 'revoke' || f.type === 'export' ? {} : { node: node(fac) }),
      });
      expect([f.type, r['code']]).toEqual([f.type, 'role/forbidden']);
    }
    // No field names another party: a move frame with a party is malformed.
    expect((await armenia.request({ type: 'move', node: 0, move: 'propose_sochi_package', party: 'russia' }))['code']).toBe('frame/invalid');
    // Another party's move is not among its offers.
    expect((await armenia.request({ type: 'move', node: 0, move: 'propose_sochi_package' }))['code']).toBe('move/unavailable');
    // Russia proposes; Armenia and Azerbaijan are asked; Russia cannot answer for them.
    await ok(russia, { type: 'move', node: 0, move: 'propose_sochi_package' });
    await ok(armenia, { type: 'move', node: 0, move: offers(armenia)[0]! });
    await ok(azerbaijan, { type: 'move', node: 0, move: offers(azerbaijan)[0]! });
    await ok(fac, { type: 'advance', node: 0 });
    await armenia.waitForState((s) => (s['pending'] as unknown[]).length > 0);
    expect((await russia.request({ type: 'reply', node: 0, message: 'sochi_package', reply: 'accept' }))['code']).toBe('reply/unexpected');
    expect((await armenia.request({ type: 'reply', node: 0, message: 'sochi_package', reply: 'propose_sochi_package' }))['code']).toBe('reply/invalid');
    expect(run.server.game.staged.replies).toEqual({});
  });

  it('a spectator can submit nothing', async () => {
    run = await startServer(sochiPath, ['armenia']);
    const spec = await run.join('spectator');
    for (const f of [
      { type: 'move', node: 0, move: 'x' },
      { type: 'reply', node: 0, message: 'x', reply: 'accept' },
      ...FACILITATOR_FRAMES.map((f) => ({ ...f, node: 0 })),
    ]) {
      const frame =
        f.type === 'rewind' || f.type === 'checkout' || f.type === 'pause' || f.type === 'revoke' || f.type === 'export'
          ? Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'node'))
          : f;
      expect([f.type, (await spec.request(frame as { type: string }))['code']]).toEqual([f.type, 'role/forbidden']);
    }
    expect(run.server.journaled).toBe(0);
  });

  it('frames before signing in are refused; wrong codes get one answer that reveals nothing, then the address is rate-limited', async () => {
    run = await startServer(sochiPath, ['armenia'], '7', { authFailures: 5 });
    const url = run.server.url;
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      // The first is one symbol off the right code (the last symbol changed), the others random.
      const right = run.server.codes.get('armenia')!;
      const nearMiss = `${right.slice(0, -1)}${right.endsWith('Z') ? 'Y' : 'Z'}`;
      const c = new WorkshopClient(url, i === 0 ? nearMiss : generateCode(), { reconnect: false });
      await expect(c.connect()).rejects.toThrow();
      answers.push(String(c.refused!['message']));
      c.close();
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatchInlineSnapshot(`"this code is not valid: check it with the facilitator"`);
    // Now even the right code is refused from this address until the window passes.
    const right = new WorkshopClient(url, run.server.codes.get('armenia')!, { reconnect: false });
    await expect(right.connect()).rejects.toThrow(/auth\/rate-limited/);
    right.close();
  });

  it('a frame rate limit applies per connection', async () => {
    run = await startServer(sochiPath, ['armenia'], '7', { framesPerSecond: 5, burst: 10 });
    const team = await run.join('armenia');
    const got: Record<string, unknown>[] = [];
    team.on('frame', (f: Record<string, unknown>) => got.push(f));
    for (let id = 1; id <= 30; id++) team.sendRaw(JSON.stringify({ type: 'ping', id }));
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(30);
    expect(got.filter((f) => f['code'] === 'rate/limited').length).toBeGreaterThanOrEqual(18);
    expect(got.filter((f) => f['type'] === 'ack').length).toBeLessThanOrEqual(12);
  });

  it('the facilitator revokes and reissues a code: the old one is refused and its connection closed; a second connection with a code replaces the first', async () => {
    run = await startServer(sochiPath, ['armenia']);
    const fac = await run.join('facilitator');
    const armenia = await run.join('armenia');
    const old = run.server.codes.get('armenia')!;
    const closed = new Promise((r) => armenia.once('refused', r));
    const r = await ok(fac, { type: 'revoke', role: 'armenia' });
    expect(r['code']).not.toBe(old);
    expect(await closed).toMatchObject({ code: 'auth/revoked' });
    const again = new WorkshopClient(run.server.url, old, { reconnect: false });
    await expect(again.connect()).rejects.toThrow(/auth\/refused/);
    again.close();
    const a1 = new WorkshopClient(run.server.url, String(r['code']));
    run.clients.push(a1);
    await a1.connect();
    const replaced = new Promise((res) => a1.once('refused', res));
    const a2 = new WorkshopClient(run.server.url, String(r['code']));
    run.clients.push(a2);
    await a2.connect();
    expect(await replaced).toMatchObject({ code: 'auth/replaced' });
    expect((await a2.request({ type: 'ping' })).type).toBe('ack');
  });

  it('out-of-turn and replayed frames change nothing', async () => {
    run = await startServer(sochiPath, ['armenia']);
    const fac = await run.join('facilitator');
    const armenia = await run.join('armenia');
    await ok(fac, { type: 'advance', node: 0, force: true });
    await armenia.waitForState((s) => s['turn'] === 1);
    expect((await armenia.request({ type: 'move', node: 0, move: offers(armenia)[0]! }))['code']).toBe('frame/out-of-turn');
    armenia.sendRaw(JSON.stringify({ type: 'ping', id: 1 }));
    const replay = await new Promise<Record<string, unknown>>((res) => armenia.once('frame', res));
    expect(replay['code']).toBe('frame/replayed');
    expect(run.server.game.staged.choices).toEqual({});
  });
});
