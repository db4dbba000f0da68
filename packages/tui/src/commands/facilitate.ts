/**
 * `wargame facilitate [scenario] [--teams a,b] [--seed N] [--resume SAVE] [--save FILE]`:
 * a workshop at one machine — hot-seat teams, the facilitator's console and
 * a projector view, autosaved after every change. Arguments and saves are
 * checked before anything is drawn; the ink app loads only once it can start.
 */
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { CompiledScenario, Session, TurnInputs } from '@wargame/engine';
import { parseStartMonth, resolveParty } from '../app/play-setup.js';
import { err, firstFreePath, out, UserError, writeFileAtomic } from '../io.js';
import { shippedCatalog, shippedScenarios } from '../scenario-files.js';
import { formatTiming } from '../app/timing.js';
import { loadForApp, loadOrFail } from './load.js';
import { readSave } from './replay.js';
import { turnName } from '../app/turn-name.js';
import { timerFromSave, type PhaseTimer } from '../app/timer.js';

export interface FacilitateOptions {
  teams?: string;
  seed?: string;
  resume?: string;
  /** Start at this month (YYYY-MM), the turns before it following the history track. */
  from?: string;
  save?: string;
}

function drawSeed(): string {
  return String(Math.floor(Math.random() * 1_000_000));
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** `armenia,azerbaijan` → party indices in the given order; `none` → no team. */
export function parseTeams(scenario: CompiledScenario, text: string): number[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0]!.toLowerCase() === 'none') return [];
  if (names.length === 0) throw new UserError(`--teams is empty: give party ids separated by commas (e.g. --teams ${scenario.parties.slice(0, 2).map((p) => p.id).join(',')}) or none`);
  const out: number[] = [];
  for (const name of names) {
    const p = resolveParty(scenario, name);
    if (!p.ok) throw new UserError(`--teams: ${p.message}`);
    if (out.includes(p.value)) throw new UserError(`--teams names ${scenario.parties[p.value]!.id} twice`);
    out.push(p.value);
  }
  return out;
}

/** The teams of a resumed session: the parties whose moves were chosen at the keyboard, in the scenario's order. */
export function teamsOfSession(session: Session): number[] {
  const ids = new Set<string>();
  for (const n of session.nodes) for (const id of Object.keys(n.inputs?.choices ?? {})) ids.add(id);
  return session.scenario.parties.filter((p) => ids.has(p.id)).map((p) => p.index);
}

/** Loads and verifies a save to resume (every turn replayed, every hash checked). */
export function resumeSession(file: string, scenarioArg: string | undefined): ReturnType<typeof readSave> {
  return readSave(file, scenarioArg, `give it: wargame facilitate <scenario> --resume ${file}`);
}

/** What a resumed save holds of the round in progress, for the opening notice ("" when none). */
function roundNotice(pending: TurnInputs | undefined): string {
  if (!pending) return '';
  const staged = (pending.inject?.length ?? 0) + Object.keys(pending.adjudicate ?? {}).length;
  const chosen = Object.keys(pending.choices ?? {}).length;
  const parts = [
    ...(staged > 0 ? [`${staged} staged change${staged === 1 ? '' : 's'}`] : []),
    ...(chosen > 0 ? [`${chosen} team${chosen === 1 ? '' : 's'}' choice${chosen === 1 ? '' : 's'}`] : []),
  ];
  return parts.length > 0 ? ` The round in progress is restored: ${parts.join(' and ')}.` : '';
}

export async function facilitateCommand(arg: string | undefined, opts: FacilitateOptions): Promise<number> {
  let scenario: CompiledScenario | undefined;
  let session: Session | undefined;
  let teams: number[] | undefined;
  let notice: string | undefined;
  let pending: TurnInputs | undefined;
  let timer: PhaseTimer | null = null;
  let from: number | undefined;
  if (opts.resume !== undefined) {
    if (opts.seed !== undefined) throw new UserError(`--seed cannot be given with --resume: the session goes on with the seed in ${opts.resume}`);
    if (opts.from !== undefined) throw new UserError(`--from cannot be given with --resume: the session goes on where ${opts.resume} left it`);
    const resumed = resumeSession(opts.resume, arg);
    session = resumed.session;
    pending = resumed.pending;
    // A countdown still running when the session stopped goes on; one that is up is dropped.
    timer = timerFromSave(resumed.timer);
    if (timer && timer.ends <= Date.now()) timer = null;
    scenario = session.scenario;
    // The teams are the save's own (written since the round is saved), else those that made choices.
    teams = opts.teams !== undefined ? parseTeams(scenario, opts.teams) : resumed.players ? [...new Set(resumed.players)].map((id) => scenario!.parties.findIndex((p) => p.id === id)) : teamsOfSession(session);
    notice = `Resumed ${display(opts.resume)}, ${turnName(scenario, session.head.turn)} (${session.nodes.length - 1} turns on ${session.branches().length} branch${session.branches().length === 1 ? '' : 'es'}, every hash verified).${roundNotice(pending)}`;
  } else if (arg !== undefined) {
    scenario = loadOrFail(arg);
    if (opts.teams !== undefined) teams = parseTeams(scenario, opts.teams);
    if (opts.from !== undefined) {
      const f = parseStartMonth(scenario, opts.from);
      if (!f.ok) throw new UserError(f.message);
      from = f.value;
    }
  } else if (opts.from !== undefined) {
    throw new UserError(`--from needs a scenario: wargame facilitate <scenario> --from ${opts.from} (shipped: ${shippedScenarios().map((s) => s.id).join(', ')})`);
  } else if (opts.teams !== undefined) {
    throw new UserError(`--teams needs a scenario: wargame facilitate <scenario> --teams ${opts.teams} (shipped: ${shippedScenarios().map((s) => s.id).join(', ')})`);
  }
  const seed = session?.seed ?? opts.seed ?? drawSeed();
  const fixedSave = opts.save ?? opts.resume;
  if (fixedSave !== undefined && existsSync(fixedSave) && statSync(fixedSave).isDirectory()) throw new UserError(`--save ${fixedSave} is a folder; give a file name`);
  // A new session never overwrites an earlier one's save: that one may be a session to resume.
  const saveStem = (s: CompiledScenario) => `${s.id}-facilitate-seed${seed}`;
  const defaultSave = (s: CompiledScenario) => `${saveStem(s)}.save.json`;
  if (opts.resume === undefined && scenario) {
    const target = opts.save ?? defaultSave(scenario);
    if (existsSync(target)) throw new UserError(`${target} exists: resume that session with wargame facilitate --resume ${target}, or give another file with --save`);
  }
  if (!process.stdin.isTTY) {
    err('wargame facilitate is interactive and needs a terminal, but standard input is not one (a pipe or a file).');
    err('Run it in a terminal; to check a saved session without one: wargame replay <save>');
    return 2;
  }
  if (process.env['NO_COLOR']) process.env['FORCE_COLOR'] = '0';
  const catalog = scenario ? [] : shippedCatalog();
  if (!scenario && catalog.length === 0) throw new UserError('no shipped scenarios found: give a scenario file or folder, e.g. wargame facilitate ./my-scenario');
  const { runFacilitate } = await import('../app/facilitate/run-facilitate.js');
  const { summary, timing } = await runFacilitate({
    catalog,
    loadScenario: loadForApp,
    ...(scenario ? { scenario } : {}),
    ...(session ? { session } : {}),
    ...(pending ? { pending } : {}),
    ...(timer ? { timer } : {}),
    ...(from === undefined ? {} : { from }),
    ...(teams ? { teams } : {}),
    seed,
    savePath: (s) => {
      if (fixedSave !== undefined) return fixedSave;
      // Picked in the app: never overwrite an earlier session's save.
      return firstFreePath(saveStem(s), '.save.json');
    },
    writeFile: writeFileAtomic,
    ...(notice ? { notice } : {}),
  });
  if (summary) {
    const where = display(summary.savePath);
    if (summary.saved) out(`Session saved: ${where}, ${summary.at}, state hash ${summary.hash}. Resume: wargame facilitate --resume ${where} · report: wargame report ${where} --format html · check: wargame replay ${where}`);
    else out(`✖ The last autosave to ${where} failed; the file holds the session as of the last successful save.`);
  }
  if (process.env['WARGAME_TIMING']) err(formatTiming(timing));
  return 0;
}
