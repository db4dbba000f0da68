/** Runs the watch screen full screen. */
import { runFullScreen } from '../run-full-screen.js';
import { WatchScreen, type WatchScreenProps } from './WatchScreen.js';

export async function runWatch(props: Pick<WatchScreenProps, 'file' | 'read'>): Promise<void> {
  await runFullScreen<null>(() => <WatchScreen {...props} />);
}
