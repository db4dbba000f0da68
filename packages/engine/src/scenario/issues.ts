/** A problem found in a scenario, located as precisely as the source allows. */
export interface ScenarioIssue {
  message: string;
  /** Path in the scenario data, e.g. ['parties', 'azerbaijan', 'moves', 2, 'effects']. */
  path: (string | number)[];
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** `parties.azerbaijan.moves[2].effects` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `scenarios/demo.yaml:41:9 ✖ message → at parties.azerbaijan.moves[2].effects`, as `z.prettifyError` prints. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.file === undefined ? '' : `${issue.file}${issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`} `;
  const at = issue.path.length > 0 ? ` → at ${formatPath(issue.path)}` : '';
  return `${where}✖ ${issue.message}${at}`;
}

/** Issues in file/line order, so an author can work down the file. */
export function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}
