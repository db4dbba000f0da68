/** Browsing earlier turns' news in play (issue 14): ← goes back a turn, → forward, as the party was told each turn; a new turn shows the last one again. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initialUi, reduceKey } from '../src/app/ui-state.js';
import { KEY, press, renderGame, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-news-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => cleanup());

const ctx = { ended: false, moves: 3, parties: 4, options: 0, dirty: false, page: 5 };

describe('earlier turns’ news', () => {
  it('← and → step back and forth within the turns played, and open the News view', () => {
    let ui = reduceKey(initialUi(), '', { leftArrow: true }, { ...ctx, newsTurns: 3 }).ui;
    expect(ui).toMatchObject({ newsBack: 1, tab: 'news' });
    ui = reduceKey(ui, '', { leftArrow: true }, { ...ctx, newsTurns: 3 }).ui;
    ui = reduceKey(ui, '', { leftArrow: true }, { ...ctx, newsTurns: 3 }).ui;
    expect(ui.newsBack).toBe(2);
    ui = reduceKey(ui, '', { rightArrow: true }, { ...ctx, newsTurns: 3 }).ui;
    expect(ui.newsBack).toBe(1);
    // Nothing to browse before a turn is played.
    expect(reduceKey(initialUi(), '', { leftArrow: true }, ctx).ui.newsBack).toBe(0);
  });

  it('shows an earlier turn’s news on play’s screen, and the last turn’s again after a move', async () => {
    const g = renderGame('peace-tracks', { dir });
    await press(g.stdin, KEY.escape);
    for (let t = 0; t < 3; t++) {
      await press(g.stdin, KEY.enter);
      await waitFor(g.frame, () => g.session.head.turn === t + 1);
    }
    await press(g.stdin, KEY.tab);
    expect(g.frame()).toContain('What happened in 2023-12');
    await press(g.stdin, KEY.left, KEY.left);
    const earlier = g.frame();
    expect(earlier).toContain('What happened in 2023-10');
    expect(earlier).toContain('2 turns back');
    // The news of that turn: what the player's party did then.
    const armenia = g.session.path()[1]!.log!.parties.find((p) => p.party === 'armenia')!;
    expect(earlier).toContain(`Armenia (you): ${armenia.moveLabel!.slice(0, 20)}`);
    await press(g.stdin, KEY.right);
    expect(g.frame()).toContain('What happened in 2023-11');
    // A move (here it brings a proposal to answer first) shows the last turn's news again.
    await press(g.stdin, KEY.enter);
    await waitFor(g.frame, (f) => /What happened in 202\d-\d\d · ← older\n/.test(f) && !f.includes('back;'));
  });
});
