/** Runs the facilitator's app full screen. */
import type { RenderTiming } from '../run-full-screen.js';
import { runFullScreen } from '../run-full-screen.js';
import { FacilitateApp, type FacilitateAppProps } from './FacilitateApp.js';
import type { FacilitateSummary } from './FacilitateScreen.js';

export function runFacilitate(props: Omit<FacilitateAppProps, 'onQuit' | 'size'>): Promise<{ summary: FacilitateSummary | null; timing: RenderTiming }> {
  return runFullScreen<FacilitateSummary>((onQuit) => <FacilitateApp {...props} onQuit={onQuit} />);
}
