/**
 * `wargame play` in a real terminal: tmux runs the built CLI in an 80×24
 * pane, scripted keys play the teaching scenario to the end, and the debrief
 * is read back from the screen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cells } from '../packages/tui/src/app/format.js';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/tui/dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const socket = `wargame-test-${process.pid}`;
const target = 'play';

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', target);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitForScreen(ok: (s: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (ok(s)) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
    await sleep(40);
  }
}

describe.skipIf(!hasTmux)('wargame play in a real terminal (tmux; skipped when tmux is not installed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wargame-tmux-'));
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays peace-tracks as Armenia to the end with scripted keys and shows the debrief', async () => {
    expect(existsSync(cli), `the CLI is not built (${cli}): run npx tsc -b first`).toBe(true);
    // CI=true makes ink print only the last frame: this test is about the interactive terminal, so it is unset.
    const command = `cd ${JSON.stringify(dir)} && env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${JSON.stringify(cli)} play peace-tracks --as armenia --seed 1; sleep 30`;
    tmux('new-session', '-d', '-s', target, '-x', '80', '-y', '24', command);

    // A new game opens on the player's goals (they scroll); any other key goes on to the briefing.
    const goals = await waitForScreen((s) => s.includes('Your goals as Armenia'), 'the goals');
    for (const line of goals.split('\n')) expect(cells(line)).toBeLessThanOrEqual(80);
    tmux('send-keys', '-t', target, 'Escape');
    const first = await waitForScreen((s) => s.includes('Your move, Armenia'), 'the first briefing');
    expect(first).toContain('2023-10 · turn 1 of 12');
    for (const line of first.split('\n')) expect(cells(line)).toBeLessThanOrEqual(80);

    // Help and the explanation are one key away, and back.
    tmux('send-keys', '-t', target, '?');
    await waitForScreen((s) => s.includes('undo your last turn'), 'the help');
    tmux('send-keys', '-t', target, 'Escape');
    await waitForScreen((s) => s.includes('Your move, Armenia'), 'the briefing after help');

    // Play every turn with the highlighted move (the second one on the first turn).
    tmux('send-keys', '-t', target, 'Down');
    await waitForScreen((s) => s.includes('❯ 2.'), 'the cursor on the second move');
    // A proposal to Armenia turns the menu into its answers ("Accept …"): the highlighted answer is taken, and the turn goes on.
    const asking = (x: string) => /\d\. Accept /.test(x);
    const turnOf = (x: string) => Number(/turn (\d+) of 12/.exec(x)?.[1] ?? 0);
    let current = turnOf(screen());
    for (let presses = 0; presses < 40; presses++) {
      const before = screen();
      tmux('send-keys', '-t', target, 'Enter');
      const s = await waitForScreen(
        (x) => x !== before && (x.includes('DEBRIEF') || turnOf(x) > current || asking(x)),
        `the turn after ${current}`,
      );
      if (s.includes('DEBRIEF')) break;
      // One key plays one turn at most.
      expect(turnOf(s) - current).toBeLessThanOrEqual(1);
      current = turnOf(s);
    }
    tmux('send-keys', '-t', target, 'w');
    await waitForScreen((s) => s.includes('Why did they do that?') && s.includes('Options'), 'the explanation');
    tmux('send-keys', '-t', target, 'Escape');

    const debrief = await waitForScreen((s) => s.includes('DEBRIEF') && s.includes('of 2,000 runs'), 'the debrief with the background runs', 30_000);
    expect(debrief).toContain('DEBRIEF — you played Armenia');
    expect(debrief).toContain('Outcomes, and how often they happen');
    expect(debrief.replace(/\n +/g, ' ')).toMatch(/Armenia and Azerbaijan agreed a treaty text: in \d+% of 2,000 runs; you (got it in \d{4}-\d\d|did not)/);
    for (const line of debrief.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    // The path against the history track is further down, past the grade and the story: page until it shows.
    const atPath = (s: string) => s.includes('Your path against the history track') || s.includes('record:');
    for (let page = 0; page < 12 && !atPath(screen()); page++) {
      tmux('send-keys', '-t', target, 'PageDown');
      await sleep(150);
    }
    await waitForScreen(atPath, 'the path against history');

    // q asks first (the turns are unsaved); s saves and quits.
    tmux('send-keys', '-t', target, 'q');
    await waitForScreen((s) => s.includes('Quit with unsaved turns?'), 'the quit question');
    tmux('send-keys', '-t', target, 's');
    const after = await waitForScreen((s) => s.includes('Saved game:'), 'the saved-game line after quitting');
    expect(after).toContain('peace-tracks-armenia-seed1.save.json');
    const save = JSON.parse(readFileSync(join(dir, 'peace-tracks-armenia-seed1.save.json'), 'utf8')) as { format: string; seed: string; nodes: unknown[] };
    expect(save).toMatchObject({ format: 'wargame-session', seed: '1' });
    expect(save.nodes.length).toBeGreaterThanOrEqual(2);
  });
});
