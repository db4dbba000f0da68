import { readFileSync, statSync } from 'node:fs';
import { loadSession, type CompiledScenario, type Session } from '@wargame/engine';
import { out, UserError } from '../io.js';
import { loadOrFail } from './load.js';

/** Saves are refused above this size before reading: a session of 100,000 turns is far smaller. */
const MAX_SAVE_BYTES = 64 * 1024 * 1024;

/** Reads a save, loads its scenario (named inside it, or `scenario`) and replays it, verifying every hash. */
export function readSave(file: string, scenarioArg?: string): { scenario: CompiledScenario; session: Session } {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_SAVE_BYTES) throw new UserError(`${file}: the file is ${(size / 1048576).toFixed(0)} MB; saves are limited to ${MAX_SAVE_BYTES / 1048576} MB`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: cannot read the save: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // The scenario is named inside the save; read just that field before the full check.
  let id: string | undefined = scenarioArg;
  if (id === undefined) {
    try {
      const raw = JSON.parse(text) as { scenario?: { id?: unknown } };
      if (typeof raw?.scenario?.id === 'string') id = raw.scenario.id;
    } catch {
      /* loadSession reports it precisely below */
    }
  }
  if (id === undefined) throw new UserError(`${file}: the save does not name its scenario; give it with --scenario`);
  const scenario = loadOrFail(id);
  const r = loadSession(scenario, text);
  if (!r.ok) throw new UserError(`${file}: ✖ ${r.error.message}`);
  return { scenario, session: r.session };
}

/** `wargame replay <save> [--scenario S]`: replays a save from its seed and verifies the state hash at every turn. */
export function replayCommand(file: string, opts: { scenario?: string; json?: boolean }): number {
  const { scenario, session } = readSave(file, opts.scenario);
  const branches = session.branches();
  if (opts.json) {
    out(JSON.stringify({ ok: true, scenario: { id: scenario.id, hash: scenario.hash }, seed: session.seed, params: session.params, nodes: session.nodes.length, branches, head: { node: session.head.id, turn: session.head.turn, hash: session.head.hash }, outcomes: session.outcomes() }, null, 2));
  } else {
    out(`✔ ${file}: replayed ${session.nodes.length - 1} turn${session.nodes.length === 2 ? '' : 's'} on ${branches.length} branch${branches.length === 1 ? '' : 'es'} of ${scenario.id} from seed ${session.seed}; every state hash matches`);
    out(`  head: turn ${session.head.turn}, state hash ${session.head.hash}`);
  }
  return 0;
}
