/** Shared set-up of the play screen tests: shipped scenarios, keys, and waiting for ink. */
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { monthIndex, type CompiledScenario } from '@wargame/engine';
import { GameScreen, type QuitSummary } from '../src/app/GameScreen.js';
import { createPlaySession } from '../src/app/play-setup.js';
import { writeFileAtomic } from '../src/io.js';
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

export interface GameOptions {
  /** Where saves go. */
  dir: string;
  party?: string;
  seed?: string;
  from?: string;
  runs?: number;
  onQuit?: (s: QuitSummary) => void;
}

let games = 0;

/** The game screen of a shipped scenario at 80×24, as `wargame play` shows it. */
export function renderGame(id: string, opts: GameOptions) {
  const scenario = shipped(id);
  const party = opts.party ?? 'armenia';
  const seed = opts.seed ?? '1';
  const partyIndex = scenario.parties.findIndex((p) => p.id === party);
  const setup = createPlaySession(scenario, { seed, ...(opts.from ? { from: monthIndex(opts.from) } : {}) });
  if (!setup.ok) throw new Error(setup.message);
  const savePath = join(opts.dir, `g${++games}.json`);
  const r = render(
    <GameScreen
      scenario={scenario}
      session={setup.value.session}
      partyIndex={partyIndex}
      startTurn={setup.value.startTurn}
      seed={seed}
      savePath={savePath}
      writeFile={writeFileAtomic}
      backgroundRuns={opts.runs ?? 0}
      replayCommand={`wargame play ${id} --as ${party} --seed ${seed}`}
      size={{ columns: 80, rows: 24 }}
      {...(opts.onQuit ? { onQuit: opts.onQuit } : {})}
    />,
  );
  return { ...r, scenario, partyIndex, session: setup.value.session, savePath, frame: () => r.lastFrame() ?? '' };
}
