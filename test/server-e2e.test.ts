import { loadSession, saveSession, Session, type TurnInputs } from '@wargame/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { node, offers, ok, sochiPath, startServer, type Running } from './server-support.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

describe('a workshop over the network', () => {
  it('three teams and a facilitator play three turns with an inject, a proposal and a rewind; the hashes equal a hot-seat session given the same inputs', async () => {
    run = await startServer(sochiPath, ['armenia', 'azerbaijan', 'russia']);
    const fac = await run.join('facilitator');
    const teams = { armenia: await run.join('armenia'), azerbaijan: await run.join('azerbaijan'), russia: await run.join('russia') };
    const spectator = await run.join('spectator');
    const reference: ({ advance: TurnInputs } | { rewind: number })[] = [];

    // Turn 1: an inject, Russia proposes the Sochi package to both, the two answer.
    await ok(fac, { type: 'inject', node: node(fac), inject: { event: 'border_flareup' } });
    await teams.russia.waitForState((s) => s['node'] === node(fac));
    expect(offers(teams.russia)).toContain('propose_sochi_package');
    const first: Record<string, string> = { russia: 'propose_sochi_package', armenia: offers(teams.armenia)[0]!, azerbaijan: offers(teams.azerbaijan)[0]! };
    for (const [party, move] of Object.entries(first)) await ok(teams[party as keyof typeof teams], { type: 'move', node: node(fac), move });
    const waiting = await ok(fac, { type: 'advance', node: node(fac) });
    expect(waiting['note']).toMatch(/waiting for answers/);
    const pendingA = await teams.armenia.waitForState((s) => (s['pending'] as unknown[]).length > 0);
    const pendingZ = await teams.azerbaijan.waitForState((s) => (s['pending'] as unknown[]).length > 0);
    expect((pendingA['pending'] as { message: string }[]).map((p) => p.message)).toEqual(['sochi_package']);
    expect((pendingZ['pending'] as { message: string }[]).map((p) => p.message)).toEqual(['sochi_package']);
    // Russia's team is not asked, and sees no one else's pending answer.
    expect(teams.russia.state!['pending']).toEqual([]);
    await ok(teams.armenia, { type: 'reply', node: node(fac), message: 'sochi_package', reply: 'accept' });
    await ok(teams.azerbaijan, { type: 'reply', node: node(fac), message: 'sochi_package', reply: 'reject' });
    reference.push({
      advance: {
        choices: first,
        inject: [{ event: 'border_flareup' }],
        replies: { armenia: { sochi_package: 'accept' }, azerbaijan: { sochi_package: 'reject' } },
      },
    });
    await fac.waitForState((s) => s['turn'] === 1);
    const news = (await teams.armenia.waitForState((s) => s['turn'] === 1))['news'] as { messages: { message: string; reply: string }[] };
    expect(news.messages.find((m) => m.message === 'sochi_package')?.reply).toBe('accept');

    // Turn 2, then a rewind to turn 1 and another turn 2 (a fork), then turn 3.
    const playTurn = async (pick: number, turn: number) => {
      for (const t of Object.values(teams)) await t.waitForState((s) => s['node'] === node(fac));
      const choices: Record<string, string> = {};
      for (const [party, t] of Object.entries(teams)) {
        const o = offers(t);
        choices[party] = o[pick % o.length]!;
        await ok(t, { type: 'move', node: node(fac), move: choices[party] });
      }
      await ok(fac, { type: 'advance', node: node(fac) });
      // A turn that asks for answers is answered "reject" by every team asked.
      const replies: Record<string, Record<string, string>> = {};
      for (let round = 0; round < 3 && fac.state!['turn'] !== turn; round++) {
        const s = await fac.waitForState((x) => x['turn'] === turn || (x['pending'] as unknown[]).length > 0);
        if (s['turn'] === turn) break;
        for (const p of s['pending'] as { party: string; message: string }[]) {
          const team = teams[p.party as keyof typeof teams];
          await team.waitForState((x) => (x['pending'] as { message: string }[]).some((q) => q.message === p.message));
          await ok(team, { type: 'reply', node: node(fac), message: p.message, reply: 'reject' });
          replies[p.party] = { ...replies[p.party], [p.message]: 'reject' };
        }
        // The facilitator's view moves on from these answers before the next round is read.
        await fac.waitForState((x) => x['turn'] === turn || JSON.stringify(x['pending']) !== JSON.stringify(s['pending']));
      }
      reference.push({ advance: Object.keys(replies).length ? { choices, replies } : { choices } });
      await fac.waitForState((s) => s['turn'] === turn);
    };
    await playTurn(1, 2);
    await ok(fac, { type: 'rewind', turn: 1 });
    reference.push({ rewind: 1 });
    await fac.waitForState((s) => s['turn'] === 1);
    await playTurn(2, 2);
    await playTurn(0, 3);

    // The hot-seat session given the same inputs.
    const hot = Session.create(run.scenario, { seed: '7' });
    if (!hot.ok) throw new Error('session');
    for (const step of reference) {
      if ('rewind' in step) expect(hot.session.rewind(step.rewind).ok).toBe(true);
      else {
        const r = hot.session.advance(step.advance);
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }
    }
    const server = run.server.game.session;
    expect(server.head.turn).toBe(3);
    expect(server.head.hash).toBe(hot.session.head.hash);
    expect(fac.state!['hash']).toBe(hot.session.head.hash);
    expect(server.nodes.map((n) => n.hash)).toEqual(hot.session.nodes.map((n) => n.hash));
    expect(server.branches()).toHaveLength(2);
    // The spectator followed, and the export is a save that replays to the same hash.
    await spectator.waitForState((s) => s['node'] === node(fac));
    const exported = await ok(fac, { type: 'export' });
    const loaded = loadSession(run.scenario, JSON.stringify(exported['save']));
    expect(loaded.ok && loaded.session.head.hash).toBe(hot.session.head.hash);
    expect(saveSession(server)).toEqual(exported['save']);
  });

  it("the facilitator's timer reaches every client as seconds left, changes no state, and ends with the turn", async () => {
    run = await startServer(sochiPath, ['armenia']);
    const fac = await run.join('facilitator');
    const team = await run.join('armenia');
    const spectator = await run.join('spectator');
    const hash = run.server.game.session.head.hash;
    await ok(fac, { type: 'timer', node: 0, seconds: 300 });
    for (const c of [fac, team, spectator]) {
      const s = await c.waitForState((x) => x['timer'] !== null);
      expect((s['timer'] as { secondsLeft: number }).secondsLeft).toBeGreaterThan(290);
    }
    expect(run.server.journaled).toBe(0);
    expect(run.server.game.session.head.hash).toBe(hash);
    await ok(fac, { type: 'advance', node: 0, force: true });
    expect((await team.waitForState((x) => x['turn'] === 1))['timer']).toBeNull();
  });
});
