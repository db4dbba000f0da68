/** Shared set-up of the play screen tests: shipped scenarios, keys, and waiting for ink. */
import type { CompiledScenario } from '@wargame/engine';
import { readScenario } from '../src/scenario-files.js';

const cache = new Map<string, CompiledScenario>();

export function shipped(id: string): CompiledScenario {
  let s = cache.get(id);
  if (!s) {
    const r = readScenario(id);
    if (!r.ok) throw new Error(`cannot load ${id}: ${r.issues.map((i) => i.message).join('; ')}`);
    s = r.scenario;
    cache.set(id, s);
  }
  return s;
}

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  pageDown: '\u001B[6~',
} as const;

/** Ink handles input and re-renders on later ticks: wait a little after each key. */
export const tick = (ms = 15) => new Promise<void>((r) => setTimeout(r, ms));

export async function press(stdin: { write: (s: string) => void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

/** Waits until the last frame satisfies `ok` (the background batch, a deferred load), or fails with the frame. */
export async function waitFor(frame: () => string | undefined, ok: (f: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const f = frame() ?? '';
    if (ok(f)) {
      // The frame is drawn before React subscribes the new screen's key handlers: give it a moment.
      await tick(40);
      return frame() ?? f;
    }
    if (Date.now() > until) throw new Error(`timed out waiting; last frame:\n${f}`);
    await tick(25);
  }
}
