/**
 * A scenario guide's agenda in compressed form, in real terminals (issue 14):
 * the facilitator starts from a month, sets a timer, plays a fast month, then
 * two decision turns with the teams confirming their moves and a ruling after
 * the reveal, and forks a what-if; a projector in a second terminal follows
 * the save (the timer and the last turn); the session's report compares the
 * two branches and lists the ruling. The built CLI in tmux at 80×24.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flat, hasTmux, tmuxServer } from './helpers/tmux.js';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/tui/dist/cli.js');
const { tmux, pane, kill } = tmuxServer('agenda-test');

describe.skipIf(!hasTmux)('a workshop agenda in compressed form (tmux; skipped when tmux is not installed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-tmux-agenda-'));
  afterAll(() => {
    kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('from a month, a timer, a fast month, two decision turns with a ruling after the reveal, a fork; the projector follows; the report compares the branches', async () => {
    expect(existsSync(cli), `the CLI is not built (${cli}): run npx tsc -b first`).toBe(true);
    const save = join(dir, 'agenda.save.json');
    const run = (args: string) => `cd ${JSON.stringify(dir)} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${JSON.stringify(cli)} ${args}; sleep 30`;
    tmux('new-session', '-d', '-s', 'fac', '-x', '80', '-y', '24', run(`facilitate peace-tracks --teams armenia,azerbaijan --from 2023-12 --seed 3 --save ${JSON.stringify(save)}`));
    const f = pane('fac');
    const first = await f.waitFor((s) => s.includes('Facilitator (branch 1 of 1)'), 'the console');
    expect(first).toContain('2023-12 · turn 3 of 12');

    // The projector in a second terminal, following the save.
    tmux('new-session', '-d', '-s', 'proj', '-x', '80', '-y', '24', run(`watch ${JSON.stringify(save)}`));
    const p = pane('proj');
    await p.waitFor((s) => s.includes('Projector') && s.includes('turn 3 of 12'), 'the projector');

    // A timer for the phase: on the console and on the projector.
    f.keys('t');
    await f.waitFor((s) => s.includes('Timer for this phase'), 'the timer prompt');
    f.text('5 talks');
    f.keys('Enter');
    await f.waitFor((s) => /⏱ talks [45]:\d\d/.test(s), "the console's countdown");
    await p.waitFor((s) => /⏱ talks [45]:\d\d/.test(s), "the projector's countdown");

    // A fast month from the record.
    f.keys('m');
    await f.waitFor((s) => s.includes('Turns to play'), 'the fast-months prompt');
    f.text('1');
    f.keys('Enter');
    await f.waitFor((s) => flat(s).includes('Fast months: 1 turn, 2023-12–2023-12: the record for 1'), 'the fast month');

    /** A decision turn: each team picks (Armenia `down` moves below its first) and confirms; the reveal; `ruling` keys there; Enter resolves. */
    async function decisionTurn(turn: number, down: number, ruling: string[]) {
      f.keys('Enter');
      await f.waitFor((s) => s.includes('Pass the keyboard to Armenia'), `the hand-off to Armenia (turn ${turn})`);
      f.keys('Enter');
      await f.waitFor((s) => s.includes('Your move, Armenia'), "Armenia's screen");
      for (let i = 0; i < down; i++) f.keys('Down');
      f.keys('Enter');
      await f.waitFor((s) => s.includes('Confirm, Armenia'), "Armenia's confirmation");
      f.keys('Enter');
      await f.waitFor((s) => s.includes('Pass the keyboard to Azerbaijan'), 'the hand-off to Azerbaijan');
      f.keys('Enter');
      await f.waitFor((s) => s.includes('Your move, Azerbaijan'), "Azerbaijan's screen");
      f.keys('Down', 'Enter');
      await f.waitFor((s) => s.includes('Confirm, Azerbaijan'), "Azerbaijan's confirmation");
      f.keys('Enter');
      const reveal = await f.waitFor((s) => s.includes(`Every move of turn ${turn}`), `the reveal of turn ${turn}`);
      for (const line of reveal.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
      for (const k of ruling) f.keys(k);
      if (ruling.length > 0) await f.waitFor((s) => s.includes("Ruled: Azerbaijan's move fails"), 'the ruling');
      f.keys('Enter');
      return f.waitFor((s) => s.includes(`Turn ${turn} (`) && s.includes('resolved'), `turn ${turn} resolved`);
    }

    // Two decision turns: a ruling after the reveal on the first (the cursor is on Azerbaijan, the last team to choose).
    await decisionTurn(4, 1, ['f']);
    await decisionTurn(5, 0, []);
    await p.waitFor((s) => s.includes('turn 6 of 12'), 'the projector after the decision turns');

    // A what-if: fork after turn 4, and play turn 5 again with other choices.
    f.keys('f');
    await f.waitFor((s) => s.includes('Fork a what-if from…'), 'the fork list');
    f.keys('Up', 'Enter');
    await f.waitFor((s) => s.includes('What-if from after turn 4'), 'the what-if');
    await decisionTurn(5, 2, []);
    await f.waitFor((s) => s.includes('Facilitator (branch 2 of 2)'), 'the new branch');

    f.keys('q');
    await f.waitFor((s) => s.includes('End the session?'), 'the quit question');
    f.keys('y');
    await f.waitFor((s) => s.includes('Session saved:'), 'the saved line');

    // The saved ruling is the reveal's: Azerbaijan's move, ruled a failure, replayed exactly.
    const saved = JSON.parse(readFileSync(save, 'utf8')) as { timer?: { minutes: number }; nodes: { turn: number; inputs: { adjudicate?: Record<string, unknown> } | null }[] };
    expect(saved.timer).toMatchObject({ minutes: 5 });
    expect(saved.nodes.filter((n) => n.inputs?.adjudicate?.['azerbaijan'] !== undefined).map((n) => n.turn)).toEqual([4]);
    const replay = JSON.parse(execFileSync('node', [cli, 'replay', save, '--json'], { encoding: 'utf8' })) as { ok: boolean; branches: unknown[] };
    expect(replay).toMatchObject({ ok: true });
    expect(replay.branches).toHaveLength(2);

    // The report of the two branches.
    execFileSync('node', [cli, 'report', save, '--format', 'md', '--runs', '50', '--out', join(dir, 'agenda.md')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const md = readFileSync(join(dir, 'agenda.md'), 'utf8');
    expect(md).toContain('## Branches side by side');
    expect(md).toMatch(/\| Turns \| 1–5 \| forked after turn 4: 5–5 \|/);
    expect(md).toContain('## Rulings and injects');
    expect(md).toMatch(/ruling on Azerbaijan's .* \| ruled a failure/);
  });
});
