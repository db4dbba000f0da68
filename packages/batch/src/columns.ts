/**
 * The tidy layout of a batch output: one row per run, one column per variable.
 * Column names carry their role as a prefix (`param_`, `outcome_`, `turn_`,
 * `final_`), so names never collide and stay plain identifiers in SQL, pandas and R.
 */
import type { CompiledScenario } from '@wargame/engine';

export type ColumnType = 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';

export type ColumnRole = 'run' | 'parameter' | 'outcome' | 'turn' | 'indicator';

export interface Column {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  /** The scenario entity the column measures (parameter, outcome or indicator id). */
  source?: string;
  label?: string;
  /** Outcome kind, for outcome columns. */
  kind?: 'boolean' | 'category' | 'number';
  /** Declared values of a category outcome, in the scenario's order. */
  values?: string[];
  /** May be null (a `turn_` column when the outcome never held). */
  nullable?: boolean;
}

/** A row, in column order. */
export type Cell = number | boolean | string | null;
export type Row = Cell[];

/**
 * The column of a parameter, or of a path a design varies (`party.russia.noise`
 * → `param_party__russia__noise`, a plain identifier in SQL, pandas and R). A
 * parameter id with a double underscore could clash with a path's column:
 * `batchColumns` refuses that rather than merge two columns.
 */
export function paramColumnName(pathOrId: string): string {
  return `param_${pathOrId.replace(/\./g, '__')}`;
}

/**
 * The columns of a scenario's batch output, in a fixed order: the run, the
 * declared parameters, then any paths the design varies (`paths`), outcomes,
 * first turns and final indicators.
 */
export function batchColumns(scenario: CompiledScenario, paths: readonly string[] = []): Column[] {
  const cols: Column[] = [
    { name: 'run', type: 'INTEGER', role: 'run', label: 'global run index (cell × runs per cell + rep)' },
    { name: 'cell', type: 'INTEGER', role: 'run', label: 'sweep cell' },
    { name: 'rep', type: 'INTEGER', role: 'run', label: 'run within its cell' },
    { name: 'seed', type: 'VARCHAR', role: 'run', label: 'the run seed: `wargame run <scenario> --seed <seed> --set …` replays it' },
    { name: 'turns', type: 'INTEGER', role: 'run', label: 'turns played' },
  ];
  for (const p of scenario.parameters) cols.push({ name: paramColumnName(p.id), type: 'DOUBLE', role: 'parameter', source: p.id, label: p.label });
  for (const path of paths) {
    const name = paramColumnName(path);
    if (cols.some((c) => c.name === name)) throw new Error(`the path ${path} would share the column ${name} with a parameter`);
    cols.push({ name, type: 'DOUBLE', role: 'parameter', source: path, label: path });
  }
  for (const o of scenario.outcomes) {
    if (o.type === 'boolean') cols.push({ name: `outcome_${o.id}`, type: 'BOOLEAN', role: 'outcome', source: o.id, label: o.label, kind: 'boolean' });
    else if (o.type === 'category')
      cols.push({ name: `outcome_${o.id}`, type: 'VARCHAR', role: 'outcome', source: o.id, label: o.label, kind: 'category', values: [...o.values] });
    else cols.push({ name: `outcome_${o.id}`, type: 'DOUBLE', role: 'outcome', source: o.id, label: o.label, kind: 'number' });
  }
  for (const o of scenario.outcomes)
    if (o.type === 'boolean' && o.over === 'ever')
      cols.push({ name: `turn_${o.id}`, type: 'INTEGER', role: 'turn', source: o.id, label: `turn after which "${o.label}" first held`, nullable: true });
  for (const i of scenario.indicators) cols.push({ name: `final_${i.id}`, type: 'DOUBLE', role: 'indicator', source: i.id, label: i.label });
  return cols;
}
