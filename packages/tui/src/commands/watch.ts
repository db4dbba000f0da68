/**
 * `wargame watch <save>`: a projector for the room in a second terminal,
 * following a facilitated session's save read-only (docs: the scenario guides'
 * agenda). The save is read and verified before anything is drawn.
 */
import { err, UserError } from '../io.js';
import { readSave } from './replay.js';
import { timerFromSave } from '../app/timer.js';

export async function watchCommand(file: string, opts: { scenario?: string }): Promise<number> {
  // Checked once before the screen opens, so a wrong file gets its message on the command line.
  readSave(file, opts.scenario);
  if (!process.stdout.isTTY) {
    err('wargame watch shows a live screen and needs a terminal; to check a save without one: wargame replay <save>');
    return 2;
  }
  const read = () => {
    try {
      const r = readSave(file, opts.scenario);
      return { ok: true as const, scenario: r.scenario, session: r.session, timer: timerFromSave(r.timer) };
    } catch (e) {
      if (e instanceof UserError) return { ok: false as const, message: e.message };
      throw e;
    }
  };
  const { runWatch } = await import('../app/watch/run-watch.js');
  await runWatch({ file, read });
  return 0;
}
