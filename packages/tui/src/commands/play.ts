/**
 * `wargame play [scenario] [--as PARTY] [--seed N] [--from YYYY-MM]`: a
 * student plays one party in the terminal. Arguments are checked before
 * anything is drawn; the ink app is loaded only once a game can start.
 */
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { monthText, shellWord, type CompiledScenario } from '@wargame/engine';
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
  runs: number;
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
  if (arg === undefined && (opts.as !== undefined || opts.from !== undefined))
    throw new UserError(`${opts.as !== undefined ? '--as' : '--from'} needs a scenario: wargame play <scenario>${opts.as !== undefined ? ` --as ${opts.as}` : ''}${opts.from !== undefined ? ` --from ${opts.from}` : ''} (shipped: ${shippedScenarios().map((s) => s.id).join(', ')})`);
  if (arg !== undefined) {
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
  const seed = opts.seed ?? drawSeed();
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
    seed,
    // Chosen once, when the game starts; the default never replaces an earlier game's save.
    savePath: (s, party) => opts.save ?? firstFreePath(`${s.id}-${party}-seed${seed}`, '.save.json'),
    writeFile: writeFileAtomic,
    backgroundRuns: opts.runs,
    replayCommand: (s, party, start) => `wargame play ${shellWord(scenarioName(s))} --as ${party} --seed ${shellWord(seed)}${start !== s.calendar.start ? ` --from ${monthText(start)}` : ''}`,
  });
  if (summary?.saved) out(`Saved game: ${display(summary.savePath)}, ${summary.at}. Report: wargame report ${display(summary.savePath)} --format html · check it replays: wargame replay ${display(summary.savePath)}`);
  if (process.env['WARGAME_TIMING']) err(formatTiming(timing));
  return 0;
}
