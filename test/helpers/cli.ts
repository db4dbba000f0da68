/** Runs the built `wargame` program as a user would (scripts/test.mjs builds it first). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './scenarios.js';

export const cliPath = join(root, 'packages', 'tui', 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "pnpm build" (pnpm test does it) before the CLI tests`);
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input ?? '',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `wargame <args>` (a batch), lets it work for `workMs` after its start
 * line (the `→` naming its output), then sends Ctrl-C (SIGINT), as a user
 * stopping it would; resolves with its exit code and what it printed on stderr.
 */
export async function interruptCli(args: string[], workMs: number): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (stderr.includes('→')) {
        clearInterval(poll);
        setTimeout(resolve, workMs);
      }
    }, 20);
    // A batch that ends before it prints its start line (an error) has nothing to interrupt.
    void closed.then(() => {
      clearInterval(poll);
      resolve();
    });
  });
  child.kill('SIGINT');
  return { code: await closed, stderr };
}
