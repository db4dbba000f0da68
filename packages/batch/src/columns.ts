/**
 * The tidy layout of a batch output: one row per run, one column per variable.
 * Column names carry their role as a prefix (`param_`, `outcome_`, `turn_`,
 * `final_`), so names never collide and stay plain identifiers in SQL, pandas and R.
 */
import { didYouMean, monthText, type CompiledScenario, type GameState } from '@wargame/engine';

export type ColumnType = 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';

export type ColumnRole = 'run' | 'parameter' | 'outcome' | 'turn' | 'indicator' | 'posture' | 'move';

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

/** Which run a row is about: the first columns of the runs file and of its per-turn series alike. */
const RUN_COLUMNS: readonly Column[] = [
  { name: 'run', type: 'INTEGER', role: 'run', label: 'global run index (cell × runs per cell + rep)' },
  { name: 'cell', type: 'INTEGER', role: 'run', label: 'sweep cell' },
  { name: 'rep', type: 'INTEGER', role: 'run', label: 'run within its cell' },
];

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
    ...RUN_COLUMNS,
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

/**
 * What a per-turn series holds (`--series`): the indicators named (all for
 * `turn` or `all`), and each party's posture and move when `postures`/`moves`
 * are named (both for `turn` or `all`).
 */
export interface SeriesSpec {
  /** Indicator indices, in the scenario's order. */
  indicators: number[];
  postures: boolean;
  moves: boolean;
}

/** Parses `--series turn` or a list such as `border_tension,russia_influence,postures`. */
export function parseSeriesSpec(scenario: CompiledScenario, text: string): { ok: true; value: SeriesSpec } | { ok: false; message: string } {
  const items = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const ids = scenario.indicators.map((i) => i.id);
  if (items.length === 0) return { ok: false, message: '--series expects turn (every indicator, posture and move), or a list of indicators, postures and moves' };
  if (items.some((x) => x === 'turn' || x === 'all')) {
    if (items.length > 1) return { ok: false, message: `--series ${text}: turn already means every indicator, posture and move; give it alone or list what you want` };
    return { ok: true, value: { indicators: ids.map((_, i) => i), postures: true, moves: true } };
  }
  const wanted = new Set<number>();
  let postures = false;
  let moves = false;
  for (const x of items) {
    if (x === 'postures') postures = true;
    else if (x === 'moves') moves = true;
    else {
      const i = ids.indexOf(x);
      if (i < 0) return { ok: false, message: `--series: "${x.slice(0, 60)}" is not an indicator of "${scenario.id}"${didYouMean(x, [...ids, 'postures', 'moves', 'turn'])}; its indicators are ${ids.join(', ')} (or write postures, moves, or turn for everything)` };
      wanted.add(i);
    }
  }
  return { ok: true, value: { indicators: [...wanted].sort((a, b) => a - b), postures, moves } };
}

/** The columns of a per-turn series: one row per run and turn, keyed by `run` and `turn`. */
export function seriesColumns(scenario: CompiledScenario, spec: SeriesSpec): Column[] {
  const cols: Column[] = [
    ...RUN_COLUMNS,
    { name: 'turn', type: 'INTEGER', role: 'run', label: 'turn (1 = the first turn played)' },
    { name: 'date', type: 'VARCHAR', role: 'run', label: 'the month of the turn, YYYY-MM' },
  ];
  for (const i of spec.indicators) {
    const ind = scenario.indicators[i]!;
    cols.push({ name: `ind_${ind.id}`, type: 'DOUBLE', role: 'indicator', source: ind.id, label: ind.label });
  }
  if (spec.postures) for (const p of scenario.parties) cols.push({ name: `posture_${p.id}`, type: 'VARCHAR', role: 'posture', source: p.id, label: `${p.name}: posture after the turn`, values: [...p.postures] });
  if (spec.moves) for (const p of scenario.parties) cols.push({ name: `move_${p.id}`, type: 'VARCHAR', role: 'move', source: p.id, label: `${p.name}: the move made this turn (empty: none)`, nullable: true, values: p.moves.map((m) => m.id) });
  return cols;
}

/** One series row for the state after a turn, in `seriesColumns` order. */
export function seriesRow(scenario: CompiledScenario, spec: SeriesSpec, run: number, cell: number, rep: number, s: Readonly<GameState>): Row {
  // closeTurn has moved the month on: the turn just played was one step before.
  const row: Row = [run, cell, rep, s.turn, monthText(s.month - scenario.calendar.step)];
  for (const i of spec.indicators) row.push(s.ind[i]!);
  if (spec.postures) for (const p of scenario.parties) row.push(p.postures[s.posture[p.index]!]!);
  if (spec.moves)
    for (const p of scenario.parties) {
      const m = s.lastMove[p.index]!;
      row.push(m >= 0 ? p.moves[m]!.id : null);
    }
  return row;
}
