/**
 * Runs the facilitator's app in the terminal: the alternate screen, ink's
 * render loop, and the render times (WARGAME_TIMING=1), as run-play does.
 */
import { render } from 'ink';
import type { RenderTiming } from '../run-play.js';
import { FacilitateApp, type FacilitateAppProps } from './FacilitateApp.js';
import type { FacilitateSummary } from './FacilitateScreen.js';

export async function runFacilitate(props: Omit<FacilitateAppProps, 'onQuit' | 'size'>): Promise<{ summary: FacilitateSummary | null; timing: RenderTiming }> {
  const stdout = process.stdout;
  const alternate = stdout.isTTY === true;
  const timing: RenderTiming = { firstFrameMs: null, renders: [] };
  let summary: FacilitateSummary | null = null;
  if (alternate) stdout.write('\x1b[?1049h\x1b[H');
  try {
    const app = render(<FacilitateApp {...props} onQuit={(s) => (summary = s)} />, {
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
