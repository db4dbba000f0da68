/**
 * Runs the play app in the terminal: the alternate screen (so the shell's
 * scrollback is left as it was), ink's render loop, and, with
 * WARGAME_TIMING=1, the time to the first frame and the render times.
 */
import { render } from 'ink';
import type { QuitSummary } from './GameScreen.js';
import { PlayApp, type PlayAppProps } from './PlayApp.js';

export interface RenderTiming {
  /** Milliseconds from process start to the first frame written. */
  firstFrameMs: number | null;
  renders: number[];
}

export async function runPlay(props: Omit<PlayAppProps, 'onQuit' | 'size'>): Promise<{ summary: QuitSummary | null; timing: RenderTiming }> {
  const stdout = process.stdout;
  const alternate = stdout.isTTY === true;
  const timing: RenderTiming = { firstFrameMs: null, renders: [] };
  let summary: QuitSummary | null = null;
  if (alternate) stdout.write('\x1b[?1049h\x1b[H');
  try {
    const app = render(<PlayApp {...props} onQuit={(s) => (summary = s)} />, {
      exitOnCtrlC: true,
      onRender: ({ renderTime }) => {
        timing.firstFrameMs ??= performance.now();
        timing.renders.push(renderTime);
      },
    });
    await app.waitUntilExit();
  } finally {
    if (alternate) stdout.write('\x1b[?1049l');
  }
  return { summary, timing };
}
