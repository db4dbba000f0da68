import { readFileSync, statSync } from 'node:fs';
import { loadSession, SAVE_FORMAT, type CompiledScenario, type SaveTimer, type Session, type TurnInputs } from '@wargame/engine';
import { err, out, UserError } from '../io.js';
import { loadOrFail } from './load.js';

/** Saves are refused above this size before reading: a session of 100,000 turns is far smaller. */
const MAX_SAVE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a save, loads its scenario (named inside it, or `scenarioArg`) and
 * replays it, verifying every hash. What is wrong is said before any scenario
 * is looked for: a folder, an unreadable or oversized file, JSON that does not
 * parse, a file that is not a save. `howToName` tells how to give the scenario
 * when the save does not name it.
 */
export function readSave(file: string, scenarioArg?: string, howToName = 'give it with --scenario'): { scenario: CompiledScenario; session: Session; pending?: TurnInputs; players?: string[]; timer?: SaveTimer } {
  let text: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UserError(`${file} is a folder; give the save file`);
    if (st.size > MAX_SAVE_BYTES) throw new UserError(`${file}: the file is ${(st.size / 1048576).toFixed(0)} MB; saves are limited to ${MAX_SAVE_BYTES / 1048576} MB`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: cannot read the save: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: ✖ the save is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== SAVE_FORMAT)
    throw new UserError(`${file}: ✖ not a wargame save file (expected "format": "${SAVE_FORMAT}")`);
  const named = (raw as { scenario?: { id?: unknown } }).scenario?.id;
  const id = scenarioArg ?? (typeof named === 'string' ? named : undefined);
  if (id === undefined) throw new UserError(`${file}: ✖ the save does not name its scenario; ${howToName}`);
  const scenario = loadOrFail(id);
  const r = loadSession(scenario, text);
  if (!r.ok) throw new UserError(`${file}: ✖ ${r.error.message}`);
  return { scenario, session: r.session, ...(r.pending ? { pending: r.pending } : {}), ...(r.players ? { players: r.players } : {}), ...(r.timer ? { timer: r.timer } : {}) };
}

/**
 * `wargame replay <save> [--scenario S] [--show]`: replays a save from its seed
 * and verifies the state hash at every turn; `--show` then steps through it turn
 * by turn on screen, for the room.
 */
export async function replayCommand(file: string, opts: { scenario?: string; json?: boolean; show?: boolean }): Promise<number> {
  const { scenario, session } = readSave(file, opts.scenario);
  if (opts.show) {
    if (opts.json) throw new UserError('--show and --json cannot be given together: --show is a screen, --json prints the check');
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      err('wargame replay --show is a screen and needs a terminal; without one, wargame replay <save> checks the save and wargame report <save> writes it out');
      return 2;
    }
    if (session.branches().every((b) => b.turns === 0)) throw new UserError(`${file}: the save has no turns played yet; there is nothing to show`);
    const { runReplayShow } = await import('../app/replay/run-replay.js');
    await runReplayShow({ scenario, session, file });
    return 0;
  }
  const branches = session.branches();
  if (opts.json) {
    out(JSON.stringify({ ok: true, scenario: { id: scenario.id, hash: scenario.hash }, seed: session.seed, params: session.params, nodes: session.nodes.length, branches, head: { node: session.head.id, turn: session.head.turn, hash: session.head.hash }, outcomes: session.outcomes() }, null, 2));
  } else {
    out(`✔ ${file}: replayed ${session.nodes.length - 1} turn${session.nodes.length === 2 ? '' : 's'} on ${branches.length} branch${branches.length === 1 ? '' : 'es'} of ${scenario.id} from seed ${session.seed}; every state hash matches`);
    out(`  head: turn ${session.head.turn}, state hash ${session.head.hash}`);
  }
  return 0;
}
