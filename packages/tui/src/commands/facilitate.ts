/**
 * `wargame facilitate [scenario] [--teams a,b] [--seed N] [--resume SAVE] [--save FILE]`:
 * a workshop at one machine — hot-seat teams, the facilitator's console and
 * a projector view, autosaved after every change. Arguments and saves are
 * checked before anything is drawn; the ink app loads only once it can start.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { loadSession, SAVE_FORMAT, type CompiledScenario, type Session } from '@wargame/engine';
import { resolveParty } from '../app/play-setup.js';
import { err, out, UserError, writeFileAtomic } from '../io.js';
import { shippedScenarios } from '../scenario-files.js';
import { loadForApp, loadOrFail } from './load.js';

export interface FacilitateOptions {
  teams?: string;
  seed?: string;
  resume?: string;
  save?: string;
}

/** Saves are refused above this size before reading (as `wargame replay`). */
const MAX_SAVE_BYTES = 64 * 1024 * 1024;

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

function readSave(file: string): string {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UserError(`--resume ${file} is a folder; give the save file`);
    if (st.size > MAX_SAVE_BYTES) throw new UserError(`${file}: the file is ${(st.size / 1048576).toFixed(0)} MB; saves are limited to ${MAX_SAVE_BYTES / 1048576} MB`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: cannot read the save: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Loads and verifies a save to resume (every turn replayed, every hash checked). */
export function resumeSession(file: string, scenarioArg: string | undefined): Session {
  const text = readSave(file);
  // The scenario is named inside the save; read just that field before the full check.
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: ✖ the save is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== SAVE_FORMAT)
    throw new UserError(`${file}: ✖ not a wargame save file (expected "format": "${SAVE_FORMAT}")`);
  const named = (raw as { scenario?: { id?: unknown } }).scenario?.id;
  const id = scenarioArg ?? (typeof named === 'string' ? named : undefined);
  if (id === undefined) throw new UserError(`${file}: ✖ the save does not name its scenario; give it: wargame facilitate <scenario> --resume ${file}`);
  const scenario = loadOrFail(id);
  const r = loadSession(scenario, text);
  if (!r.ok) throw new UserError(`${file}: ✖ ${r.error.message}`);
  return r.session;
}

export async function facilitateCommand(arg: string | undefined, opts: FacilitateOptions): Promise<number> {
  let scenario: CompiledScenario | undefined;
  let session: Session | undefined;
  let teams: number[] | undefined;
  let notice: string | undefined;
  if (opts.resume !== undefined) {
    if (opts.seed !== undefined) throw new UserError(`--seed cannot be given with --resume: the session goes on with the seed in ${opts.resume}`);
    session = resumeSession(opts.resume, arg);
    scenario = session.scenario;
    teams = opts.teams !== undefined ? parseTeams(scenario, opts.teams) : teamsOfSession(session);
    notice = `Resumed ${display(opts.resume)} at turn ${session.head.turn} (${session.nodes.length - 1} turns on ${session.branches().length} branch${session.branches().length === 1 ? '' : 'es'}, every hash verified).`;
  } else if (arg !== undefined) {
    scenario = loadOrFail(arg);
    if (opts.teams !== undefined) teams = parseTeams(scenario, opts.teams);
  } else if (opts.teams !== undefined) {
    throw new UserError(`--teams needs a scenario: wargame facilitate <scenario> --teams ${opts.teams} (shipped: ${shippedScenarios().map((s) => s.id).join(', ')})`);
  }
  const seed = session?.seed ?? opts.seed ?? drawSeed();
  const fixedSave = opts.save ?? opts.resume;
  if (fixedSave !== undefined && existsSync(fixedSave) && statSync(fixedSave).isDirectory()) throw new UserError(`--save ${fixedSave} is a folder; give a file name`);
  // A new session never overwrites an earlier one's save: that one may be a session to resume.
  const defaultSave = (s: CompiledScenario) => `${s.id}-facilitate-seed${seed}.save.json`;
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
  const catalog = scenario ? [] : shippedScenarios().map((s) => ({ id: s.id, title: '' }));
  if (!scenario && catalog.length === 0) throw new UserError('no shipped scenarios found: give a scenario file or folder, e.g. wargame facilitate ./my-scenario');
  const { runFacilitate } = await import('../app/facilitate/run-facilitate.js');
  const { summary, timing } = await runFacilitate({
    catalog,
    loadScenario: loadForApp,
    ...(scenario ? { scenario } : {}),
    ...(session ? { session } : {}),
    ...(teams ? { teams } : {}),
    seed,
    savePath: (s) => {
      if (fixedSave !== undefined) return fixedSave;
      // Picked in the app: never overwrite an earlier session's save.
      let path = defaultSave(s);
      for (let n = 2; existsSync(path); n++) path = `${s.id}-facilitate-seed${seed}-${n}.save.json`;
      return path;
    },
    writeFile: writeFileAtomic,
    ...(notice ? { notice } : {}),
  });
  if (summary) {
    const where = display(summary.savePath);
    if (summary.saved) out(`Session saved: ${where} (turn ${summary.turn}, state hash ${summary.hash}). Resume: wargame facilitate --resume ${where} · report: wargame report ${where} --format html · check: wargame replay ${where}`);
    else out(`✖ The last autosave to ${where} failed; the file holds the session as of the last successful save.`);
  }
  if (process.env['WARGAME_TIMING']) {
    const r = timing.renders;
    const sorted = [...r].sort((a, b) => a - b);
    err(
      `timing: first frame ${timing.firstFrameMs?.toFixed(0) ?? '?'} ms after process start; ${r.length} renders, median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    );
  }
  return 0;
}
