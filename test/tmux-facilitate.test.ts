/**
 * `wargame facilitate` in a real terminal: tmux runs the built CLI in an
 * 80×24 pane; two hot-seat teams play, the facilitator injects, rewinds and
 * forks; the session is autosaved, resumed with --resume, and replayed by
 * `wargame replay --json` to the state hash shown on quitting.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flat, hasTmux, tmuxServer } from './helpers/tmux.js';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/tui/dist/cli.js');
const { tmux, pane, kill } = tmuxServer('fac-test');

describe.skipIf(!hasTmux)('wargame facilitate in a real terminal (tmux; skipped when tmux is not installed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-tmux-fac-'));
  afterAll(() => {
    kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs two hot-seat teams with an inject, a rewind and a fork; saves, resumes and replays to the same hash', async () => {
    expect(existsSync(cli), `the CLI is not built (${cli}): run npx tsc -b first`).toBe(true);
    const save = join(dir, 'workshop.save.json');
    // CI=true makes ink print only the last frame: this test is about the interactive terminal, so it is unset.
    const run = (args: string) => `cd ${JSON.stringify(dir)} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${JSON.stringify(cli)} ${args}; sleep 30`;
    tmux('new-session', '-d', '-s', 'one', '-x', '80', '-y', '24', run(`facilitate peace-tracks --teams armenia,azerbaijan --seed 3 --save ${JSON.stringify(save)}`));
    const p = pane('one');

    const first = await p.waitFor((s) => s.includes('Facilitator (branch 1 of 1)'), 'the console');
    expect(first).toContain('2023-10 · turn 1 of 12');
    expect(first).toContain('Teams at the keyboard: Armenia, Azerbaijan');
    for (const line of first.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    /** A hot-seat turn: Armenia takes the move `armeniaDown` below the first, Azerbaijan its first; nothing of Armenia's choice shows to Azerbaijan. */
    async function hotSeatTurn(turn: number, date: string, armeniaDown: number, expectResolved: string) {
      p.keys('Enter');
      await p.waitFor((s) => s.includes('Pass the keyboard to Armenia'), `the hand-off to Armenia (turn ${turn})`);
      p.keys('Enter');
      await p.waitFor((s) => s.includes('Your move, Armenia'), "Armenia's private screen");
      for (let i = 0; i < armeniaDown; i++) p.keys('Down');
      if (armeniaDown > 0) await p.waitFor((s) => s.includes(`❯ ${armeniaDown + 1}.`), "Armenia's cursor");
      const label = /❯ \d+\. (.+?)(?:…| \[on the record\]|$)/m.exec(p.screen())![1]!.trim().slice(0, 20);
      p.keys('Enter');
      // The team sees its choice and confirms it.
      await p.waitFor((s) => s.includes('Confirm, Armenia'), "Armenia's confirmation");
      p.keys('Enter');
      const handoff = await p.waitFor((s) => s.includes('Pass the keyboard to Azerbaijan'), 'the hand-off to Azerbaijan');
      expect(handoff).not.toContain(label);
      p.keys('Enter');
      const theirs = await p.waitFor((s) => s.includes('Your move, Azerbaijan'), "Azerbaijan's private screen");
      expect(theirs).not.toContain(label);
      p.keys('Enter');
      await p.waitFor((s) => s.includes('Confirm, Azerbaijan'), "Azerbaijan's confirmation");
      p.keys('Enter');
      // The reveal: every move, for the facilitator to rule on; Enter resolves.
      const reveal = await p.waitFor((s) => s.includes(`Every move of turn ${turn}`), `the reveal of turn ${turn}`);
      expect(flat(reveal)).toContain(`Armenia (team): ${label}`);
      p.keys('Enter');
      const after = await p.waitFor((s) => s.includes(expectResolved), `turn ${turn} (${date}) resolved`);
      expect(flat(after)).toContain(`Armenia: ${label}`);
      return after;
    }

    await hotSeatTurn(1, '2023-10', 1, 'Turn 1 (2023-10) resolved');

    // Inject a scenario event into turn 2.
    p.keys('i');
    await p.waitFor((s) => s.includes('Inject an event'), 'the inject menu');
    p.keys('e');
    await p.waitFor((s) => s.includes('Scenario events (8)'), 'the event list');
    p.keys('Enter');
    await p.waitFor((s) => s.includes('⚡ inject The World Court'), 'the staged inject');
    const second = await hotSeatTurn(2, '2023-11', 0, 'Turn 2 (2023-11) resolved');
    expect(second).toContain('(injected)');

    // Rewind one turn.
    p.keys('r');
    await p.waitFor((s) => s.includes('Rewind to…'), 'the rewind list');
    p.keys('Enter');
    await p.waitFor((s) => s.includes('2023-11 · turn 2 of 12') && s.includes('Rewound to after turn 1'), 'the rewound console');

    // Fork a what-if from there with a written event.
    p.keys('f');
    await p.waitFor((s) => s.includes('Fork a what-if from…'), 'the fork list');
    p.keys('Enter');
    await p.waitFor((s) => s.includes('What-if from after turn 1'), 'the what-if');
    p.keys('i');
    await p.waitFor((s) => s.includes('Inject an event'), 'the inject menu');
    p.keys('w');
    await p.waitFor((s) => s.includes('its headline'), 'the headline field');
    p.text('Border clash near Sotk');
    await p.waitFor((s) => s.includes('Border clash near Sotk▌'), 'the typed headline');
    p.keys('Enter');
    await p.waitFor((s) => s.includes('2/2 effects'), 'the effects editor');
    p.text('+5');
    await p.waitFor((s) => s.includes('+5▌'), 'the amount');
    p.keys('Enter');
    await p.waitFor((s) => s.includes('⚡ inject “Border clash near Sotk”'), 'the staged event');
    await hotSeatTurn(2, '2023-11', 0, 'on a new branch (2 branches)');
    const console2 = await p.waitFor((s) => s.includes('Facilitator (branch 2 of 2)'), 'the new branch in the header');
    expect(console2).toContain('⚡ Border clash near Sotk (injected)');

    // The branch tree, then quit: the last line printed names the state hash.
    p.keys('b');
    const tree = await p.waitFor((s) => s.includes('Branches (2)'), 'the branch tree');
    expect(tree).toMatch(/└─● branch 2 ◀ now · forked after turn 1/);
    p.keys('Escape');
    await p.waitFor((s) => s.includes('Next turn (3)'), 'the console');
    p.keys('q');
    await p.waitFor((s) => s.includes('End the session?'), 'the quit question');
    p.keys('y');
    const quitScreen = await p.waitFor((s) => s.includes('Session saved:'), 'the saved line');
    const hash = /state hash ([0-9a-f]{16})/.exec(quitScreen.replace(/\n/g, ''))![1]!;
    const saved = JSON.parse(readFileSync(save, 'utf8')) as { head: number; nodes: { id: number; hash: string }[] };
    expect(saved.nodes[saved.head]!.hash).toBe(hash);

    // Resume where it was.
    tmux('new-session', '-d', '-s', 'two', '-x', '80', '-y', '24', run(`facilitate --resume ${JSON.stringify(save)}`));
    const q = pane('two');
    const resumed = await q.waitFor((s) => s.includes('Facilitator (branch 2 of 2)'), 'the resumed console');
    expect(resumed).toContain('2023-12 · turn 3 of 12');
    expect(resumed).toContain('Teams at the keyboard: Armenia, Azerbaijan');
    expect(flat(resumed)).toContain('Resumed workshop.save.json, after turn 2 (2023-11)');
    q.keys('q');
    await q.waitFor((s) => s.includes('End the session?'), 'the quit question');
    q.keys('y');
    const again = await q.waitFor((s) => s.includes('Session saved:'), 'the saved line after resuming');
    expect(/state hash ([0-9a-f]{16})/.exec(again.replace(/\n/g, ''))![1]).toBe(hash);

    // The save replays to the same state.
    const replay = JSON.parse(execFileSync('node', [cli, 'replay', save, '--json'], { encoding: 'utf8' })) as { ok: boolean; branches: unknown[]; head: { turn: number; hash: string } };
    expect(replay.ok).toBe(true);
    expect(replay.branches).toHaveLength(2);
    expect(replay.head).toMatchObject({ turn: 2, hash });
  });
});
