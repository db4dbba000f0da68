/**
 * `wargame serve <scenario> --teams a,b,c [--port P] [--host H] [--db FILE] [--seed S]`,
 * `wargame serve --resume --db FILE` and `wargame serve --db FILE --export SAVE`:
 * the workshop over the network. The server package (ws, better-sqlite3, a
 * native module) is loaded only here, by a specifier the bundler leaves alone.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type * as ServerModule from '@wargame/server';
import { saveSession, type CompiledScenario } from '@wargame/engine';
import { err, out, UserError, writeFileAtomic } from '../io.js';
import { shippedScenarios } from '../scenario-files.js';
import { parseTeams } from './facilitate.js';
import { loadOrFail } from './load.js';

export interface ServeCommandOptions {
  teams?: string;
  port?: number;
  host?: string;
  db?: string;
  seed?: string;
  resume?: boolean;
  export?: string;
}

export async function loadServerModule(): Promise<typeof ServerModule> {
  const spec = '@wargame/server';
  return (await import(spec)) as typeof ServerModule;
}

/** A fixed default, so the URL on the board stays the same after a resume. */
export const DEFAULT_PORT = 8417;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** How the journal names the scenario: a shipped id as is, a file or folder by its absolute path. */
function scenarioRef(arg: string): string {
  if (shippedScenarios().some((s) => s.id === arg)) return arg;
  return isAbsolute(arg) ? arg : resolve(arg);
}

export async function serveCommand(arg: string | undefined, o: ServeCommandOptions): Promise<number> {
  const mod = await loadServerModule();
  if (o.export !== undefined) {
    if (o.db === undefined) throw new UserError('--export needs the session database: wargame serve --db FILE --export SAVE');
    const { game } = openJournal(mod, o.db, arg);
    writeFileAtomic(o.export, `${JSON.stringify(saveSession(game.session), null, 2)}\n`);
    out(
      `✔ wrote ${o.export}: turn ${game.session.head.turn}, state hash ${game.session.head.hash} (replay: wargame replay ${o.export} · report: wargame report ${o.export})`,
    );
    return 0;
  }
  let host = o.host ?? '127.0.0.1';
  let server: ServerModule.WorkshopServer;
  if (o.resume) {
    if (o.db === undefined) throw new UserError('--resume needs the session database: wargame serve --resume --db FILE');
    if (o.seed !== undefined || o.teams !== undefined)
      throw new UserError('--seed and --teams cannot be given with --resume: the session goes on with those in its database');
    const { scenario, listen } = openJournal(mod, o.db, arg);
    // Where it listened before, so clients on other machines find it again.
    host = o.host ?? listen?.host ?? host;
    server = await start(mod, { scenario, scenarioRef: arg ?? scenario.id, db: o.db, host, ...(o.port !== undefined ? { port: o.port } : {}) });
    out(`Resumed ${o.db} at turn ${server.game.session.head.turn} (${server.journaled} inputs replayed, every state hash verified).`);
  } else {
    if (arg === undefined)
      throw new UserError(
        `give a scenario: wargame serve <scenario> --teams a,b (shipped: ${shippedScenarios()
          .map((s) => s.id)
          .join(', ')})`,
      );
    const scenario = loadOrFail(arg);
    if (o.teams === undefined)
      throw new UserError(
        `--teams is required: the parties played by teams, e.g. --teams ${scenario.parties
          .slice(0, 3)
          .map((p) => p.id)
          .join(',')}`,
      );
    const teams = parseTeams(scenario, o.teams).map((i) => scenario.parties[i]!.id);
    const seed = o.seed ?? String(randomInt(1_000_000));
    const db = o.db ?? `${scenario.id}-serve-seed${seed}.db`;
    if (existsSync(db)) throw new UserError(`${db} exists: resume that session with wargame serve --resume --db ${db}, or give another --db`);
    server = await start(mod, { scenario, scenarioRef: scenarioRef(arg), db, host, port: o.port ?? DEFAULT_PORT, create: { seed, teams } });
    out(`Session of ${scenario.title} (seed ${seed}), journaled to ${db}.`);
  }
  const db = o.db ?? '';
  if (!LOOPBACK.has(host))
    err(
      `⚠ listening on ${host}: anyone on this network can reach the server. Codes are the only protection and traffic is not encrypted (plain ws://): use it on a room's network you trust, never on the open internet.`,
    );
  printCodes(server);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out(
    `Server stopped at turn ${server.game.session.head.turn} (state hash ${server.game.session.head.hash}). Go on: wargame serve --resume --db ${db || '<db>'}`,
  );
  return 0;
}

function openJournal(
  mod: typeof ServerModule,
  db: string,
  arg: string | undefined,
): { scenario: CompiledScenario; game: ServerModule.WorkshopGame; listen: { host: string; port: number } | null } {
  if (!existsSync(db)) throw new UserError(`${db}: no such session database`);
  let journal: ServerModule.Journal;
  try {
    journal = mod.Journal.open(db);
  } catch (e) {
    throw new UserError(`${db}: ${(e as Error).message}`);
  }
  try {
    const setup = journal.setup();
    const scenario = loadOrFail(arg ?? setup.scenarioRef);
    if (scenario.hash !== setup.scenarioHash) throw new UserError(`${db} was played on another version of ${setup.scenarioId}: the scenario changed since`);
    const game = new mod.WorkshopGame({ scenario, seed: setup.seed, teams: setup.teams });
    for (const e of journal.entries()) {
      const r = game.apply(e.op);
      if (!r.ok || game.session.head.hash !== e.hash)
        throw new UserError(`${db}: journal entry ${e.seq} does not replay (${r.ok ? `state hash ${game.session.head.hash}, journal ${e.hash}` : r.message})`);
    }
    return { scenario, game, listen: journal.listen() };
  } finally {
    journal.close();
  }
}

async function start(mod: typeof ServerModule, opts: ServerModule.ServeOptions): Promise<ServerModule.WorkshopServer> {
  try {
    return await mod.WorkshopServer.start({
      ...opts,
      onFatal: (e) => {
        err(
          `✖ the session database could not be written (${e.message}); stopping so that nothing unsaved is acknowledged. Resume: wargame serve --resume --db ${opts.db}`,
        );
        process.exit(1);
      },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`port ${opts.port} is in use (another wargame serve?): give another with --port, e.g. --port ${(opts.port ?? DEFAULT_PORT) + 1}`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${opts.host}: not an address of this machine`);
    throw new UserError((e as Error).message);
  }
}

function printCodes(server: ServerModule.WorkshopServer): void {
  const url = server.url;
  out('');
  out(`Open ${url} in a browser (or: wargame join ${url} --code CODE) and enter a code:`);
  const width = Math.max(...[...server.codes.keys()].map((k) => k.length));
  for (const [role, code] of server.codes) {
    const what =
      role === 'facilitator'
        ? 'facilitator (controls the game: keep it to yourself)'
        : role === 'spectator'
          ? 'spectator (read-only, for the projector)'
          : `team ${server.game.scenario.parties.find((p) => p.id === role)?.name ?? role}`;
    out(`  ${role.padEnd(width)}  ${code}   ${what}`);
  }
  out('');
  out('Ctrl-C stops the server; every input is already saved.');
}
