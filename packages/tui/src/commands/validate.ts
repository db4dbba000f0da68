import { formatIssue, type ScenarioIssue } from '@wargame/engine';
import { err, out } from '../io.js';
import { readScenario, shippedScenarios } from '../scenario-files.js';

/** An issue in `--json`: its stable code first (null only where the file-system edge has none), then message and place. */
interface JsonIssue {
  code: string | null;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  path: (string | number)[];
}

function jsonIssue({ code, message, path, ...place }: ScenarioIssue): JsonIssue {
  return { code: code ?? null, message, ...place, path };
}

/** `wargame validate [scenarios…]`: every problem of each scenario, with file:line:col and path. Exit 1 if any. */
export function validateCommand(args: string[], opts: { quotes: boolean; json?: boolean }): number {
  const targets = args.length > 0 ? args : shippedScenarios().map((s) => s.id);
  let bad = 0;
  const report: { scenario: string; ok: boolean; issues: JsonIssue[] }[] = [];
  for (const target of targets) {
    const r = readScenario(target, { checkQuotes: opts.quotes });
    if (r.ok) {
      report.push({ scenario: target, ok: true, issues: [] });
      if (!opts.json) out(`✔ ${target}: ${r.scenario.id} is valid (${r.scenario.parties.length} parties, ${r.scenario.calendar.turns} turns, ${r.files.length} file${r.files.length === 1 ? '' : 's'}${opts.quotes ? ', quotes checked' : ''})`);
    } else {
      bad++;
      report.push({ scenario: target, ok: false, issues: r.issues.map(jsonIssue) });
      if (!opts.json) {
        for (const issue of r.issues) err(formatIssue(issue));
        err(`✖ ${target}: ${r.issues.length} problem${r.issues.length === 1 ? '' : 's'}`);
      }
    }
  }
  if (opts.json) out(JSON.stringify(report, null, 2));
  return bad > 0 ? 1 : 0;
}
