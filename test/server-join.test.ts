import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cli.js';
import { offers, sochiPath, startServer, type Running } from './server-support.js';

let run: Running | undefined;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
  await run?.stop();
  run = undefined;
});

/** `wargame join` (built CLI) with the code in WARGAME_CODE; resolves output waits on its stdout. */
function join(url: string, code: string) {
  const child = spawn(process.execPath, [cliPath, 'join', url], { env: { ...process.env, WARGAME_CODE: code, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return {
    child,
    get out() {
      return out;
    },
    async until(re: RegExp, ms = 15_000) {
      const end = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    type(line: string) {
      child.stdin.write(`${line}\n`);
    },
  };
}

describe('wargame join (terminal)', () => {
  it('a team plays a move by its number and the facilitator advances by command; both see the new turn', async () => {
    run = await startServer(sochiPath, ['armenia', 'russia']);
    const watcher = await run.join('armenia');
    const moves = offers(watcher);
    watcher.close();
    const team = join(run.server.url, run.server.codes.get('armenia')!);
    await team.until(/Your moves \(type the number\):/);
    expect(team.out).toMatch(/Joined After Sochi .* as Armenia/);
    expect(team.out).toMatch(/Moscow's real commitment to defend Armenia +\d+ +\(your belief\)/);
    team.type('2');
    const deadline = Date.now() + 10_000;
    while (run.server.game.staged.choices['armenia'] === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(run.server.game.staged.choices).toEqual({ armenia: moves[1] });
    const fac = join(run.server.url, run.server.codes.get('facilitator')!);
    await fac.until(/state hash/);
    fac.type('advance');
    await fac.until(/waiting for russia to choose/);
    fac.type('force');
    // Russia, played by the computer, may propose the Sochi package: Armenia answers from its terminal.
    await fac.until(/turn 1 of 12|waiting for: armenia → sochi_package/);
    if (/waiting for: armenia → sochi_package/.test(fac.out) && !/turn 1 of 12/.test(fac.out)) {
      await team.until(/Answer with: reply sochi_package <answer>/);
      team.type('reply sochi_package accept');
    }
    await team.until(/turn 1 of 12/);
    await fac.until(/turn 1 of 12/);
    team.type('quit');
    fac.type('quit');
    await new Promise((r) => team.child.once('exit', r));
    expect(team.child.exitCode).toBe(0);
  }, 40_000);
});
