/**
 * The menu is the decision point's: every move a player is offered is accepted,
 * and a message to the player's party is answered on screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { beginTurn } from '@wargame/engine';
import { createPlaySession } from '../src/app/play-setup.js';
import { KEY, press, renderGame, shipped, waitFor } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wargame-offers-'));
  return () => rmSync(dir, { recursive: true, force: true });
});
afterEach(() => cleanup());

function game(id: string, party: string, seed: string) {
  return renderGame(id, { dir, party, seed });
}

describe('play: the menu offers only what the engine accepts', () => {
  it('peace-tracks as Russia, seed 3: the third option of the second turn is played, not refused (it was, when menus came from the state before the turn)', async () => {
    const g = game('peace-tracks', 'russia', '3');
    await press(g.stdin, KEY.enter);
    await waitFor(g.frame, (f) => f.includes('you played'));
    await press(g.stdin, KEY.down, KEY.down, KEY.enter);
    const f = await waitFor(g.frame, (x) => /you played|refused/.test(x));
    expect(f).not.toContain('refused');
    expect(g.session.head.turn).toBe(2);
  });

  it('the menu lists the offers of the decision world, in order, every turn of a game', async () => {
    const g = game('peace-tracks', 'russia', '5');
    for (let turn = 0; turn < 6; turn++) {
      const ctx = beginTurn(g.scenario, g.session.state);
      if (!ctx.ok) throw new Error(ctx.error.message);
      const offers = ctx.context.parties[g.partyIndex]!.offers;
      const f = g.frame();
      // The first offer's label is on screen (the menu shows the decision world's moves).
      expect(f).toContain(offers[0]!.label.slice(0, 30));
      await press(g.stdin, ...Array.from({ length: turn % offers.length }, () => KEY.down), KEY.enter);
      await waitFor(g.frame, () => g.session.head.turn === turn + 1);
    }
  });
});

describe('play: answering a message', () => {
  it('a proposal to the player opens its answers with their effects; the answer is played', async () => {
    // sochi-2021: Russia proposes the Sochi package to Armenia and Azerbaijan when its policy draws it.
    const scenario = shipped('sochi-2021');
    let seed = '';
    for (let i = 0; i < 200 && !seed; i++) {
      const setup = createPlaySession(scenario, { seed: String(i) });
      if (!setup.ok) throw new Error(setup.message);
      const ctx = beginTurn(scenario, setup.value.session.state);
      if (ctx.ok && ctx.context.parties.find((p) => p.party === 'russia')!.policy === 'propose_sochi_package') seed = String(i);
    }
    expect(seed).not.toBe('');
    const g = game('sochi-2021', 'armenia', seed);
    await press(g.stdin, KEY.enter);
    const asked = await waitFor(g.frame, (f) => f.includes('sends you a proposal'));
    expect(asked).toContain('Accept');
    expect(asked).toContain('Reject');
    expect(g.session.head.turn).toBe(0);
    await press(g.stdin, KEY.down, KEY.enter);
    await waitFor(g.frame, (f) => f.includes('you played'));
    expect(g.session.head.turn).toBe(1);
    const log = g.session.head.log!;
    expect(log.messages!.find((m) => m.to === 'armenia')).toMatchObject({ reply: 'reject', controller: 'human' });
  });
});
