/** Runs the room's replay full screen. */
import { runFullScreen } from '../run-full-screen.js';
import { ReplayScreen, type ReplayScreenProps } from './ReplayScreen.js';

export async function runReplayShow(props: Omit<ReplayScreenProps, 'size'>): Promise<void> {
  await runFullScreen<null>(() => <ReplayScreen {...props} />);
}
