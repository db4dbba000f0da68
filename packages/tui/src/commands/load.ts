import { formatIssue, type CompiledScenario } from '@wargame/engine';
import { UserError } from '../io.js';
import { readScenario } from '../scenario-files.js';

/** Loads a scenario for a command, or fails with every issue listed. */
export function loadOrFail(arg: string): CompiledScenario {
  const r = readScenario(arg);
  if (!r.ok) throw new UserError(`${r.issues.map(formatIssue).join('\n')}\n✖ cannot load scenario "${arg}" (${r.issues.length} problem${r.issues.length === 1 ? '' : 's'}; run: wargame validate ${arg})`);
  return r.scenario;
}

/** Loads a scenario picked inside an app: an error is a message to show, not an exit. */
export function loadForApp(id: string): { ok: true; scenario: CompiledScenario } | { ok: false; message: string } {
  const r = readScenario(id);
  return r.ok ? { ok: true, scenario: r.scenario } : { ok: false, message: `${r.issues.map(formatIssue).join('\n')}\ncannot load scenario "${id}" (run: wargame validate ${id})` };
}
