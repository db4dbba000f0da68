/** The `wargame` program: its commands and the error boundary (cli.ts runs it). */
import { Command, InvalidArgumentError, Option } from 'commander';
// Commands that need the batch package (DuckDB, vega, worker pools) or ink are imported when run,
// so `wargame run` or `wargame play` do not pay for the others' modules at start-up.
import { parseShard, parseSweep } from '@wargame/batch/design';
import type { MergeOptions } from './commands/analyse.js';
import type { BatchOptions } from './commands/batch.js';
import type { FacilitateOptions } from './commands/facilitate.js';
import type { ServeCommandOptions } from './commands/serve.js';
import type { CalibrateOptions } from './commands/calibrate.js';
import type { BacktestOptions } from './commands/backtest.js';
import type { BriefOptions } from './commands/brief.js';
import type { DiscoverOptions } from './commands/discover.js';
import { VERSION } from './version.js';
import { historyFitCommand } from './commands/history-fit.js';
import { timingCommand, type TimingOptions } from './commands/timing.js';
import { inspectCommand } from './commands/inspect.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { err, tolerateClosedPipes, UserError } from './io.js';
import { seedProblem, terminalSafe } from '@wargame/engine';

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100000) throw new InvalidArgumentError('expected a whole number from 1 to 100000.');
  return Number(value);
}

function seedArg(value: string): string {
  const problem = seedProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

function monthArg(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected a month as YYYY-MM, e.g. 2023-09.');
  return value;
}

function probabilityArg(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a probability between 0 and 1, e.g. 0.05.');
  return n;
}

function collectSet(value: string, acc: Record<string, number>): Record<string, number> {
  // A parameter, or a path to any number of the scenario (party.russia.noise=0.1).
  const m = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=value (e.g. western_pressure=60 or party.russia.noise=0.1), got "${value}".`);
  const n = Number(m[2]);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`the value of ${m[1]} must be a number, got "${m[2]}".`);
  return { ...acc, [m[1]!]: n };
}

function intIn(lo: number, hi: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < lo || Number(value) > hi)
      throw new InvalidArgumentError(`expected a whole number from ${lo.toLocaleString('en')} to ${hi.toLocaleString('en')}.`);
    return Number(value);
  };
}

function collectSweep(value: string, acc: string[]): string[] {
  const r = parseSweep(value);
  if (!r.ok) throw new InvalidArgumentError(`${r.message}.`);
  return [...acc, value];
}

function shardArg(value: string): string {
  const r = parseShard(value);
  if (!r.ok) throw new InvalidArgumentError(`${r.message}.`);
  return value;
}

export function buildProgram(): Command {
  const program = new Command('wargame')
    .description('Scenario war games: validate, inspect and run seeded, reproducible games.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(terminalSafe(text)) });

  program
    .command('validate')
    .description('check scenarios and report every problem with file:line:column and path (default: all shipped scenarios)')
    .argument('[scenarios...]', 'scenario files, folders or shipped ids')
    .option('--no-quotes', 'do not check that citation quotes appear verbatim in their source texts')
    .option('--json', 'print the issues as JSON')
    .action((scenarios: string[], o: { quotes: boolean; json?: boolean }) => {
      process.exitCode = validateCommand(scenarios, o);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the scenario format (for editor completion)')
    .option('--out <file>', 'write it to a file instead')
    .action((o: { out?: string }) => {
      process.exitCode = schemaCommand(o);
    });

  program
    .command('inspect')
    .description('summarise a scenario: parties, postures, interests, moves, indicators, events, outcomes, parameters, sources')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--json', 'print the summary as JSON (with --machine: the XState machine config, which createMachine takes back and Stately\'s visualiser opens)')
    .option('--machine <party>', 'print the party\'s XState machine as a Mermaid state diagram (its postures with labels, transitions with guards)')
    .option('--paths', 'list every number that --set, --sweep, --design and calibrate can vary by its path, with its value in the scenario')
    .action((scenario: string, o: { json?: boolean; machine?: string; paths?: boolean }) => {
      process.exitCode = inspectCommand(scenario, o);
    });

  program
    .command('run')
    .description('play a whole game with the computer playing every party')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--seed <seed>', 'the seed (drawn and printed if not given)', seedArg)
    .option('--turns <n>', 'stop after n turns', positiveInt)
    .option('--set <name=value>', 'set a scenario parameter (repeatable)', collectSet, {})
    .option('--json', 'print the full trajectory as JSON')
    .option('--save <file>', 'also write the run as a session save (replay it with wargame replay)')
    .option('--follow-history-until <YYYY-MM>', 'follow the history track for every turn before this month, then let the computer decide', monthArg)
    .option('--set-file <file>', 'parameters or paths from a YAML or CSV file (e.g. what wargame calibrate wrote); --set wins over it')
    .action((scenario: string, o: { seed?: string; turns?: number; set: Record<string, number>; setFile?: string; json?: boolean; save?: string; followHistoryUntil?: string }) => {
      process.exitCode = runCommand(scenario, o);
    });

  program
    .command('calibrate')
    .description('fit parameters (or any path, e.g. party.russia.noise=0:0.3) to the history track by maximum likelihood; writes a --set-file')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--params <list>', "comma-separated parameters (their declared ranges) or path=low:high (default: every parameter and the scenario's calibration list)")
    .option('--until <YYYY-MM>', 'fit only the record before this month', monthArg)
    .option('--seed <seed>', 'the seed of the noise averaging and the restarts', seedArg, 'history')
    .option('--samples <n>', 'noise samples per decision (fewer: faster, rougher)', positiveInt, 100)
    .option('--restarts <n>', 'optimiser restarts (the first from the scenario\'s values, the others seeded)', intIn(1, 50), 3)
    .option('--evaluations <n>', 'likelihood evaluations per restart', intIn(5, 100_000))
    .option('--no-quiet', 'fit the recorded moves only, not the quiet months')
    .option('--profile', 'profile-likelihood intervals: the other numbers re-fitted at each of 21 values (slower; without it the others are held at the estimate)')
    .option('--out <file>', 'the set file to write (default: <scenario>.calibrated.yaml)')
    .option('--json', 'print the result as JSON')
    .action(async (scenario: string, o: CalibrateOptions) => {
      process.exitCode = (await import('./commands/calibrate.js')).calibrateCommand(scenario, o);
    });

  program
    .command('brief')
    .description("each team's private brief for a workshop: its interests, its moves now with their expected effects, what it knows (its own view), its relations")
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--teams <parties>', 'comma-separated parties (default: every party)')
    .option('--from <YYYY-MM>', 'brief at this month, the turns before it following the history track', monthArg)
    .addOption(new Option('--format <format>', 'Markdown or HTML').choices(['md', 'html']).default('md'))
    .option('--out <file>', 'the file (one team only; default: <scenario>-brief-<party>.<format>)')
    .option('--seed <seed>', 'the seed (only matters with --from)', seedArg, 'brief')
    .action(async (scenario: string, o: BriefOptions) => {
      process.exitCode = (await import('./commands/brief.js')).briefCommand(scenario, o);
    });

  program
    .command('backtest')
    .description('forecast the record from several origins (history followed to each) and score the recorded moves of the next months against base-rate and uniform baselines')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .requiredOption('--origins <months>', 'comma-separated origins, e.g. 2022-06,2023-01,2023-06,2023-12')
    .option('--horizon <months>', 'months after each origin to score', intIn(1, 120), 6)
    .option('--runs <n>', 'forecast runs per origin', intIn(10, 1_000_000), 1000)
    .option('--seed <seed>', 'the seed of the forecast runs', seedArg, 'backtest')
    .option('--recalibrate', 'fit the parameters to the record before each origin first (rolling origin)')
    .option('--params <list>', 'with --recalibrate: what to fit (as wargame calibrate --params)')
    .option('--json', 'print the scores as JSON')
    .action(async (scenario: string, o: BacktestOptions) => {
      process.exitCode = (await import('./commands/backtest.js')).backtestCommand(scenario, o);
    });

  program
    .command('history-fit')
    .description('follow the history track with teacher forcing and report the probability the policy gave each historical move')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--seed <seed>', 'the seed for the followed run and the noise samples', seedArg, 'history')
    .option('--set <name=value>', 'set a scenario parameter (repeatable)', collectSet, {})
    .option('--samples <n>', 'noise samples per decision', positiveInt, 400)
    .option('--threshold <p>', 'flag historical moves the model finds less likely than this', probabilityArg, 0.05)
    .option('--json', 'print the table as JSON')
    .action((scenario: string, o: { seed: string; set: Record<string, number>; samples: number; threshold: number; json?: boolean }) => {
      process.exitCode = historyFitCommand(scenario, o);
    });

  program
    .command('timing')
    .description('play free runs on the batch path and report, for each major recorded event, how often it happens and the 10/50/90% quantiles of its first date beside the real date')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .option('--runs <n>', 'free runs to play', positiveInt, 1000)
    .option('--seed <seed>', 'the base seed (runs use <seed>.0, <seed>.1, …)', seedArg, '42')
    .option('--set <name=value>', 'set a scenario parameter (repeatable)', collectSet, {})
    .option('--event <outcome=YYYY-MM>', 'time this ever outcome against this real month instead of the built-in list (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the table as JSON')
    .action((scenario: string, o: TimingOptions) => {
      process.exitCode = timingCommand(scenario, o);
    });

  program
    .command('replay')
    .description('replay a save from its seed and verify the state hash at every turn')
    .argument('<save>', 'a save file')
    .option('--scenario <scenario>', 'the scenario file, folder or id (default: the one named in the save)')
    .option('--json', 'print the result as JSON')
    .option('--show', 'then step through the session turn by turn on screen, for the room (← → turns, b branches)')
    .action(async (file: string, o: { scenario?: string; json?: boolean; show?: boolean }) => {
      process.exitCode = await replayCommand(file, o);
    });

  program
    .command('batch')
    .description('play many seeded runs on every core and write one row per run (Parquet, CSV or JSONL), then print a summary')
    .argument('<scenario>', 'a scenario file, folder or shipped id')
    .requiredOption('--runs <n>', 'runs per cell (every cell plays seeds S.0 … S.n-1)', intIn(1, 100_000_000))
    .option('--seed <seed>', 'the batch seed S (drawn and printed if not given); run i plays seed S.i', seedArg)
    .option('--workers <n>', 'worker threads (default: every core); never changes the results', intIn(1, 256))
    .option('--set <name=value>', 'fix a scenario parameter (repeatable)', collectSet, {})
    .option(
      '--sweep <name=values>',
      'vary a parameter or a path (party.russia.noise, event.<id>.chance, …): name=a,b,c for a grid, name=low:high for --lhs, --sobol or --morris (repeatable; grid values are crossed with each other and with the sample)',
      collectSweep,
      [],
    )
    .option('--lhs <k>', 'sample k cells from the --sweep ranges by Latin hypercube', intIn(2, 100_000))
    .option('--sobol <n>', "Saltelli's design for Sobol indices over the --sweep ranges: n base rows, n(2k+2) cells for k ranges (read it with wargame sensitivity)", intIn(2, 100_000))
    .option('--no-second-order', 'with --sobol: first-order and total indices only, n(k+2) cells')
    .option('--morris <r>', "Morris's elementary effects over the --sweep ranges: r trajectories, r(k+1) cells (the cheap screen)", intIn(2, 100_000))
    .option('--levels <p>', 'with --morris: grid levels (default 4)', intIn(2, 100))
    .option('--series <what>', 'also write a per-turn table beside the runs (<out>.series.<ext>): turn for every indicator, posture and move, or a list such as border_tension,postures,moves')
    .option('--design <file>', 'cells from a CSV design file: a header naming parameters or paths, one row of numbers per cell (from SALib, the EMA Workbench, pyDOE or R)')
    .option('--out <file>', 'the output file (default: <scenario>-batch.parquet)')
    .addOption(new Option('--format <format>', 'output format (default: from --out, else parquet)').choices(['parquet', 'csv', 'jsonl']))
    .option('--shard <k/n>', 'run only the k-th of n equal slices of the batch (merge them with wargame merge)', shardArg)
    .option('--follow-history-until <YYYY-MM>', 'every run follows the history track for the turns before this month, then the computer plays: a forecast from that date', monthArg)
    .option('--set-file <file>', 'parameters or paths from a YAML or CSV file (e.g. what wargame calibrate wrote); --set wins over it')
    .option('--resume', 'continue an interrupted batch in --out')
    .option('--force', 'replace an existing --out')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress or notes on stderr')
    .action(async (scenario: string, o: BatchOptions) => {
      process.exitCode = await (await import('./commands/batch.js')).batchCommandRun(scenario, o);
    });

  program
    .command('merge')
    .description('combine the shards of a batch (--shard k/n outputs) into one output equal to the unsharded batch')
    .argument('<outputs...>', 'shard outputs, in any order')
    .requiredOption('--out <file>', 'the merged output')
    .option('--force', 'replace --out if it exists')
    .addOption(new Option('--format <format>', 'output format (default: from --out)').choices(['parquet', 'csv', 'jsonl']))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'print nothing but errors')
    .action(async (inputs: string[], o: MergeOptions) => {
      process.exitCode = await (await import('./commands/analyse.js')).mergeCommand(inputs, o);
    });

  program
    .command('sensitivity')
    .description(
      'which parameters move which outcomes: Sobol indices on a --sobol batch, Morris effects on a --morris batch, else regression coefficients and first-order shares; --compare a,b: two cells seed by seed',
    )
    .argument('<outputs...>', 'a batch output (or the shards of one)')
    .option('--compare <a,b>', 'compare cell b with cell a, paired over the seeds both played (differences with intervals)')
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], o: { json?: boolean; compare?: string }) => {
      process.exitCode = await (await import('./commands/analyse.js')).sensitivityCommand(paths, o);
    });

  program
    .command('discover')
    .description('scenario discovery: which combinations of swept parameters lead to an outcome, as readable rules (PRIM box with its peeling trajectory, and a CART tree)')
    .argument('<outputs...>', 'a batch output (or the shards of one) with parameters that vary')
    .requiredOption('--outcome <id>', 'the outcome to explain')
    .option('--value <value>', "which runs count: true (default) or false for a yes/no outcome, a value of a category, a comparison such as '>50' for a number")
    .option('--density <share>', 'report the PRIM box with the most coverage among those at least this dense (0–1)', probabilityArg)
    .option('--coverage <share>', 'report the densest PRIM box among those covering at least this share of the cases (0–1)', probabilityArg)
    .option('--box <n>', 'report point n of the peeling trajectory (0: all runs; default: the last, as the EMA Workbench)', intIn(0, 100_000))
    .option('--peel-alpha <share>', 'share of the box peeled per step (default 0.05)', probabilityArg)
    .option('--paste-alpha <share>', 'share pasted back per step (default 0.05)', probabilityArg)
    .option('--mass-min <share>', 'smallest share of the runs a PRIM box may hold (default 0.05)', probabilityArg)
    .option('--no-paste', 'skip PRIM’s pasting phase')
    .option('--depth <n>', 'CART: largest depth of the tree (default 3)', intIn(1, 12))
    .option('--min-leaf <share>', 'CART: smallest share of the runs in a leaf (default 0.05)', probabilityArg)
    .option('--json', 'print the result as JSON')
    .option('--html <file>', 'also write an HTML page with the coverage–density trade-off and the box')
    .action(async (paths: string[], o: DiscoverOptions) => {
      process.exitCode = await (await import('./commands/discover.js')).discoverCommand(paths, o);
    });

  program
    .command('score')
    .description("score a batch's forecasts against what happened: Brier and log scores per outcome, against a uniform baseline, and the CRPS of when dated events first held")
    .argument('<outputs...>', 'batch outputs (several: scored each, with a pooled reliability table)')
    .requiredOption('--observed <file>', 'a YAML file of observed outcomes: name: value, or name: { value: true, date: YYYY-MM } for an over: ever outcome')
    .option('--scenario <file>', "the batch's scenario, whose calendar turns observed dates into turns (default: the shipped scenario of the batch's id)")
    .option('--json', 'print the scores as JSON')
    .action(async (paths: string[], o: { observed: string; scenario?: string; json?: boolean }) => {
      process.exitCode = await (await import('./commands/analyse.js')).scoreCommand(paths, o);
    });

  program
    .command('report')
    .description('write a self-contained report with charts (Markdown or HTML) of a batch output (.parquet, .csv, .jsonl) or of a saved game')
    .argument('<file>', 'a batch output or a session save')
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'html']).default('html'))
    .option('--out <file>', 'the report file (default: beside the input, <name>.report.<format>)')
    .option('--as <party>', 'saved game: the party whose path is compared with the record (default: the parties people played)')
    .option('--runs <n>', 'saved game: computer-played runs to compare its outcomes with (0: none)', intIn(0, 100_000), 2000)
    .option('--scenario <scenario>', 'saved game: the scenario file, folder or id (default: the one named in the save)')
    .option('--team <party>', "saved game: one team's version, only what that party knew (its goals, the news as it was told, what it could see)")
    .action(async (path: string, o: { format: 'md' | 'html'; out?: string; as?: string; runs: number; scenario?: string; team?: string }) => {
      process.exitCode = await (await import('./commands/analyse.js')).reportCommand(path, o);
    });

  program
    .command('play')
    .description('play one party of a scenario in the terminal, turn by turn, against the computer (no arguments: pick scenario, party and start date)')
    .argument('[scenario]', 'a scenario file, folder or shipped id')
    .option('--as <party>', 'the party you play (id or name)')
    .option('--seed <seed>', 'the seed (drawn if not given; shown on screen)', seedArg)
    .option('--from <YYYY-MM>', 'start at this month, the turns before it following the history track', monthArg)
    .option('--save <file>', 'where s saves the game (default: <scenario>-<party>-seed<seed>.save.json)')
    .option('--resume <save>', 'go on with a saved game where it was (every turn replayed and verified); s saves back to it')
    .option('--runs <n>', 'computer-played runs in the debrief\'s background batch (0: none)', intIn(0, 100_000), 2000)
    .action(async (scenario: string | undefined, o: { as?: string; seed?: string; from?: string; save?: string; resume?: string; runs: number }) => {
      process.exitCode = await (await import('./commands/play.js')).playCommand(scenario, o);
    });

  program
    .command('facilitate')
    .description("run a workshop at one machine: hot-seat teams, the facilitator's console (inject, adjudicate, rewind, fork, notes), a projector view; autosaved after every turn")
    .argument('[scenario]', 'a scenario file, folder or shipped id')
    .option('--teams <parties>', 'parties played by teams at the keyboard, comma-separated (e.g. armenia,azerbaijan; none: the computer plays all)')
    .option('--seed <seed>', 'the seed (drawn if not given; shown in the save name)', seedArg)
    .option('--from <YYYY-MM>', 'start at this month, the turns before it following the history track (the agenda of a scenario guide)')
    .option('--resume <save>', 'go on with a saved session where it was (every turn replayed and verified)')
    .option('--save <file>', 'the autosave file (default: <scenario>-facilitate-seed<seed>.save.json; with --resume, the resumed file)')
    .action(async (scenario: string | undefined, o: FacilitateOptions) => {
      process.exitCode = await (await import('./commands/facilitate.js')).facilitateCommand(scenario, o);
    });

  program
    .command('watch')
    .description("a projector for the room: the world and the last turn's public record of a facilitated session, following its save read-only (run it in a second terminal)")
    .argument('<save>', 'the session save that wargame facilitate writes')
    .option('--scenario <scenario>', 'the scenario, if the save cannot name it')
    .action(async (save: string, o: { scenario?: string }) => {
      process.exitCode = await (await import('./commands/watch.js')).watchCommand(save, o);
    });

  program
    .command('serve')
    .description('host a workshop over the network: teams join from browsers or terminals with codes; every input journaled to SQLite (--resume after a crash, --export to a save)')
    .argument('[scenario]', 'a scenario file, folder or shipped id (with --resume/--export: default, the one in the database)')
    .option('--teams <parties>', 'parties played by teams, comma-separated (e.g. armenia,azerbaijan,russia)')
    .option('--port <n>', 'the port (default 8417; with --resume, the one used before)', intIn(0, 65535))
    .option('--host <address>', 'the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for a room\'s network)')
    .option('--db <file>', 'the session database (default: <scenario>-serve-seed<seed>.db)')
    .option('--seed <seed>', 'the seed (drawn if not given)', seedArg)
    .option('--resume', 'go on with the session in --db (after a crash or a closed laptop)')
    .option('--export <save>', 'write the session in --db as a save file (for wargame replay and report) and exit')
    .action(async (scenario: string | undefined, o: ServeCommandOptions) => {
      process.exitCode = await (await import('./commands/serve.js')).serveCommand(scenario, o);
    });

  program
    .command('join')
    .description('join a workshop from the terminal with a code: a team plays its party, the facilitator runs the game, a spectator watches')
    .argument('<url>', 'the URL wargame serve printed')
    .option('--code <code>', 'your code (or set WARGAME_CODE)')
    .action(async (url: string, o: { code?: string }) => {
      process.exitCode = await (await import('./commands/join.js')).joinCommand(url, o);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  tolerateClosedPipes();
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UserError) {
      err(e.message);
      return e.exitCode;
    }
    err(`internal error: ${(e as Error).message}`);
    if (process.env['WARGAME_DEBUG']) err((e as Error).stack ?? '');
    else err('(this is a bug in wargame; set WARGAME_DEBUG=1 for details and report it)');
    return 70;
  }
}
