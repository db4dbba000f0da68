/** A real terminal for end-to-end tests: a private tmux server, panes to type into and read. */
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A screen with its runs of blanks and line breaks as one space, for matching text that wraps. */
export const flat = (s: string) => s.replace(/\s+/g, ' ');

/** A tmux server of this test process's own (`-L`), so parallel tests never share sessions. */
export function tmuxServer(name: string) {
  const socket = `wargame-${name}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** A pane to read (`screen`), type keys (`keys`) or literal text (`text`) into, and wait on. */
  function pane(target: string) {
    const screen = () => tmux('capture-pane', '-p', '-t', target);
    const keys = (...k: string[]) => tmux('send-keys', '-t', target, ...k);
    const text = (t: string) => tmux('send-keys', '-t', target, '-l', t);
    async function waitFor(ok: (s: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (ok(s)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
        await sleep(30);
      }
    }
    return { screen, keys, text, waitFor };
  }
  const kill = () => spawnSync('tmux', ['-L', socket, 'kill-server']);
  return { socket, tmux, pane, kill };
}
