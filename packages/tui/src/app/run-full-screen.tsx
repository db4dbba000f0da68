/**
 * Runs an ink app full screen: the alternate screen (so the shell's scrollback
 * is left as it was), ink's render loop, and the time to the first frame and
 * the render times (printed with WARGAME_TIMING=1 by the commands).
 */
import type { ReactElement } from 'react';
import { render } from 'ink';

export interface RenderTiming {
  /** Milliseconds from process start to the first frame written. */
  firstFrameMs: number | null;
  renders: number[];
}

/** Renders `app(onQuit)` until it exits; resolves with what the app passed to `onQuit` (null if it never did). */
export async function runFullScreen<S>(app: (onQuit: (summary: S) => void) => ReactElement): Promise<{ summary: S | null; timing: RenderTiming }> {
  const stdout = process.stdout;
  const alternate = stdout.isTTY === true;
  const timing: RenderTiming = { firstFrameMs: null, renders: [] };
  let summary: S | null = null;
  if (alternate) stdout.write('\x1b[?1049h\x1b[H');
  try {
    const instance = render(
      app((s) => (summary = s)),
      {
        exitOnCtrlC: true,
        onRender: ({ renderTime }) => {
          timing.firstFrameMs ??= performance.now();
          timing.renders.push(renderTime);
        },
      },
    );
    await instance.waitUntilExit();
  } finally {
    if (alternate) stdout.write('\x1b[?1049l');
  }
  return { summary, timing };
}
