/** Runs the play app full screen. */
import type { QuitSummary } from './GameScreen.js';
import { PlayApp, type PlayAppProps } from './PlayApp.js';
import { runFullScreen, type RenderTiming } from './run-full-screen.js';

export type { RenderTiming } from './run-full-screen.js';

export function runPlay(props: Omit<PlayAppProps, 'onQuit' | 'size'>): Promise<{ summary: QuitSummary | null; timing: RenderTiming }> {
  return runFullScreen<QuitSummary>((onQuit) => <PlayApp {...props} onQuit={onQuit} />);
}
