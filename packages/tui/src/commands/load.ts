import { formatIssue, type CompiledScenario } from '@wargame/engine';
import { UserError } from '../io.js';
import { readScenario } from '../scenario-files.js';

/** Loads a scenario for a command, or fails with every issue listed. */
export function loadOrFail(arg: string): CompiledScenario {
  const r = readScenario(arg);
  if (!r.ok) throw new UserError(`${r.issues.map(formatIssue).join('\n')}\n✖ cannot load scenario "${arg}" (${r.issues.length} problem${r.issues.length === 1 ? '' : 's'}; run: wargame validate ${arg})`);
  return r.scenario;
}
