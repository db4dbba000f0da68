/** Small batch tables for the statistics and score tests: metadata of a toy scenario and rows in an in-memory DuckDB. */
import { afterEach } from 'vitest';
// DuckDB is a dependency of @wargame/batch, not of the workspace root: reach it through the package.
import { DuckDBInstance } from '@duckdb/node-api';
import { formatIssue } from '@wargame/engine';
import { BATCH_FORMAT, BATCH_VERSION, parseObserved, scoreBatch, type BatchMeta, type BatchTable, type Calendar, type Column, type ScoreResult, type SqlRow } from '@wargame/batch';

export type Value = number | boolean | string | null;

export interface OutcomeDef {
  id: string;
  kind: 'boolean' | 'category' | 'number';
  values?: string[];
  /** A boolean `over: ever` outcome: it also has a `turn_<id>` column. */
  ever?: boolean;
}

/** Batch metadata for the scenario "toy" with the given cells (one parameter per key) and outcomes. */
export function toyMeta(opts: { kind?: 'single' | 'grid'; sweep?: string[]; cells?: Record<string, number>[]; runsPerCell: number; outcomes: OutcomeDef[] }): BatchMeta {
  const cells = opts.cells ?? [{}];
  const params = Object.keys(cells[0] ?? {});
  const columns: Column[] = [
    { name: 'run', type: 'INTEGER', role: 'run' },
    { name: 'cell', type: 'INTEGER', role: 'run' },
    { name: 'rep', type: 'INTEGER', role: 'run' },
    { name: 'seed', type: 'VARCHAR', role: 'run' },
    { name: 'turns', type: 'INTEGER', role: 'run' },
    ...params.map((p): Column => ({ name: `param_${p}`, type: 'DOUBLE', role: 'parameter', source: p, label: p })),
    ...opts.outcomes.map(
      (o): Column => ({
        name: `outcome_${o.id}`,
        type: o.kind === 'boolean' ? 'BOOLEAN' : o.kind === 'category' ? 'VARCHAR' : 'DOUBLE',
        role: 'outcome',
        source: o.id,
        label: o.id,
        kind: o.kind,
        ...(o.values ? { values: o.values } : {}),
      }),
    ),
    ...opts.outcomes.filter((o) => o.ever).map((o): Column => ({ name: `turn_${o.id}`, type: 'INTEGER', role: 'turn', source: o.id, nullable: true })),
  ];
  const total = cells.length * opts.runsPerCell;
  return {
    format: BATCH_FORMAT,
    version: BATCH_VERSION,
    scenario: { id: 'toy', hash: 'h', title: 'Toy scenario' },
    seed: 'S',
    runsPerCell: opts.runsPerCell,
    design: { kind: opts.kind ?? 'single', fixed: {}, sweep: (opts.sweep ?? []).map((parameter) => ({ parameter })), cells: cells.map((params, cell) => ({ cell, params })) },
    total,
    shard: { k: 1, n: 1, from: 0, to: total },
    completed: total,
    columns,
    command: 'wargame batch toy',
    engine: { version: 'test' },
  };
}

function sqlValue(v: Value, type: Column['type']): string {
  if (v === null) return 'NULL';
  // Through text, so NaN and Infinity (which a bare literal cannot spell) reach the table too.
  if (type === 'DOUBLE') return `CAST('${String(v)}' AS DOUBLE)`;
  if (type === 'VARCHAR') return `'${String(v).replaceAll("'", "''")}'`;
  return String(v);
}

const open: (() => void)[] = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

/** A BatchTable over rows given by column name (run, rep, seed and turns are filled in; missing columns are null). */
export async function tableOf(meta: BatchMeta, rows: Record<string, Value>[]): Promise<BatchTable> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const cols = meta.columns;
  await connection.run(`CREATE TABLE runs (${cols.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
  const perCell = new Map<number, number>();
  const full = rows.map((r, i) => {
    const cell = Number(r.cell ?? 0);
    const rep = perCell.get(cell) ?? 0;
    perCell.set(cell, rep + 1);
    return { run: i, rep, seed: `S.${rep}`, turns: 10, ...r, cell } as Record<string, Value>;
  });
  // In chunks: one statement for thousands of rows is slow to parse.
  for (let i = 0; i < full.length; i += 500) {
    const values = full.slice(i, i + 500).map((r) => `(${cols.map((c) => sqlValue(r[c.name] ?? null, c.type)).join(', ')})`);
    await connection.run(`INSERT INTO runs VALUES ${values.join(', ')}`);
  }
  const table: BatchTable = {
    meta,
    paths: [],
    from: 'runs',
    async all(sql: string): Promise<SqlRow[]> {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
  open.push(() => table.close());
  return table;
}

/** Parses an observed file against `meta` (failing the test on issues) and scores the rows. */
export async function scoreRows(meta: BatchMeta, rows: Record<string, Value>[], observed: string, calendar?: Calendar): Promise<ScoreResult> {
  const parsed = parseObserved({ name: 'observed.yaml', text: observed }, meta);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  return scoreBatch(await tableOf(meta, rows), parsed.observed, calendar ? { calendar } : {});
}

/** The issues of an observed file, one per line as the CLI prints them, or 'ok'. */
export function observedIssues(meta: BatchMeta, text: string): string {
  const r = parseObserved({ name: 'observed.yaml', text }, meta);
  return r.ok ? 'ok' : r.issues.map(formatIssue).join('\n');
}
