/**
 * `wargame play [scenario] [--as PARTY] [--seed N] [--from YYYY-MM]`: a
 * student plays one party in the terminal. Arguments are checked before
 * anything is drawn; the ink app is loaded only once a game can start.
 */
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { monthText, shellWord, type CompiledScenario, type Session } from '@wargame/engine';
import { readSave } from './replay.js';
import { parseStartMonth, resolveParty } from '../app/play-setup.js';
import { err, firstFreePath, out, UserError, writeFileAtomic } from '../io.js';
import { shippedCatalog, shippedScenarios } from '../scenario-files.js';
import { formatTiming } from '../app/timing.js';
import { loadForApp, loadOrFail } from './load.js';

export interface PlayOptions {
  as?: string;
  seed?: string;
  from?: string;
  save?: string;
  /** A saved game to go on with. */
  resume?: string;
  runs: number;
}

/** The party a saved game was played as: the one the save names, or the only one a person chose for. */
function partyOfSave(scenario: CompiledScenario, session: Session, players: readonly string[] | undefined, as: string | undefined, file: string): number {
  if (as !== undefined) {
    const p = resolveParty(scenario, as);
    if (!p.ok) throw new UserError(p.message);
    return p.value;
  }
  const ids = players ?? [...new Set(session.nodes.flatMap((n) => Object.keys(n.inputs?.choices ?? {})))];
  if (ids.length === 1) return scenario.parties.findIndex((p) => p.id === ids[0]);
  throw new UserError(`${file} does not say which party was played${ids.length > 1 ? ` (choices for ${ids.join(', ')})` : ''}: give it with --as`);
}

/** Drawn here, at the edge: the engine never draws. */
function drawSeed(): string {
  return String(Math.floor(Math.random() * 1_000_000));
}

/** A scenario's title from its main file's `title:` line, without loading it (for the picker). */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

export async function playCommand(arg: string | undefined, opts: PlayOptions): Promise<number> {
  let scenario: CompiledScenario | undefined;
  let partyIndex: number | undefined;
  let from: number | undefined;
  let resumed: { session: Session; startTurn: number } | undefined;
  if (opts.resume !== undefined) {
    for (const [flag, given] of [['--seed', opts.seed], ['--from', opts.from], ['--save', opts.save]] as const)
      if (given !== undefined) throw new UserError(`${flag} cannot be given with --resume: the game goes on with the seed and start in ${opts.resume}, and saves back to it`);
    const r = readSave(opts.resume, arg, `give it: wargame play <scenario> --resume ${opts.resume}`);
    scenario = r.scenario;
    partyIndex = partyOfSave(scenario, r.session, r.players, opts.as, opts.resume);
    // The player took over after the turns that followed the record.
    const path = r.session.path().slice(1);
    let followed = 0;
    while (followed < path.length && path[followed]!.inputs?.history === true) followed++;
    resumed = { session: r.session, startTurn: followed };
    from = scenario.calendar.start + followed * scenario.calendar.step;
  } else if (arg === undefined && (opts.as !== undefined || opts.from !== undefined))
    throw new UserError(`${opts.as !== undefined ? '--as' : '--from'} needs a scenario: wargame play <scenario>${opts.as !== undefined ? ` --as ${opts.as}` : ''}${opts.from !== undefined ? ` --from ${opts.from}` : ''} (shipped: ${shippedScenarios().map((s) => s.id).join(', ')})`);
  if (arg !== undefined && !resumed) {
    scenario = loadOrFail(arg);
    if (opts.as !== undefined) {
      const p = resolveParty(scenario, opts.as);
      if (!p.ok) throw new UserError(p.message);
      partyIndex = p.value;
    }
    if (opts.from !== undefined) {
      const f = parseStartMonth(scenario, opts.from);
      if (!f.ok) throw new UserError(f.message);
      from = f.value;
    }
  }
  if (opts.save !== undefined && existsSync(opts.save)) {
    if (statSync(opts.save).isDirectory()) throw new UserError(`--save ${opts.save} is a folder; give a file name`);
    // A saved game is never replaced by a new one: it may be the only record of a class's game.
    throw new UserError(`--save ${opts.save} exists (an earlier game): give another file name, or move that one away`);
  }
  if (!process.stdin.isTTY) {
    err('wargame play is interactive and needs a terminal, but standard input is not one (a pipe or a file).');
    err('Run it in a terminal, or play a whole game without one: wargame run <scenario> --seed N');
    return 2;
  }
  // NO_COLOR (no-color.org): ink's colour library reads FORCE_COLOR only, so turn it into that before ink loads.
  if (process.env['NO_COLOR']) process.env['FORCE_COLOR'] = '0';
  const seed = resumed?.session.seed ?? opts.seed ?? drawSeed();
  const catalog = scenario ? [] : shippedCatalog();
  if (!scenario && catalog.length === 0) throw new UserError('no shipped scenarios found: give a scenario file or folder, e.g. wargame play ./my-scenario');
  const scenarioName = (s: CompiledScenario) => arg ?? s.id;
  const { runPlay } = await import('../app/run-play.js');
  const { summary, timing } = await runPlay({
    catalog,
    loadScenario: loadForApp,
    ...(scenario ? { scenario } : {}),
    ...(partyIndex === undefined ? {} : { partyIndex }),
    ...(from === undefined ? {} : { from }),
    ...(resumed ? { resumed } : {}),
    seed,
    // Chosen once, when the game starts; the default never replaces an earlier game's save. A resumed game saves back to its file.
    savePath: (s, party) => opts.resume ?? opts.save ?? firstFreePath(`${s.id}-${party}-seed${seed}`, '.save.json'),
    writeFile: writeFileAtomic,
    backgroundRuns: opts.runs,
    replayCommand: (s, party, start) => `wargame play ${shellWord(scenarioName(s))} --as ${party} --seed ${shellWord(seed)}${start !== s.calendar.start ? ` --from ${monthText(start)}` : ''}`,
  });
  if (summary?.saved) out(`Saved game: ${display(summary.savePath)}, ${summary.at}. Report: wargame report ${display(summary.savePath)} --format html · check it replays: wargame replay ${display(summary.savePath)}`);
  if (process.env['WARGAME_TIMING']) err(formatTiming(timing));
  return 0;
}
