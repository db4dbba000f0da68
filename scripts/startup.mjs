#!/usr/bin/env node
// Start-up as a user meets it: each command runs in an 80×24 tmux pane, and the
// figure is the time from process start to the first frame (WARGAME_TIMING=1),
// or for `--version` the wall time of the whole process, taken by the pane's shell.
// "cold" runs start with an empty scenario cache, "warm" ones after a run filled it.
//
//   node scripts/startup.mjs [--repeat N] [--cli path/to/cli.js] [--only text-of-the-command]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const repeat = Number(arg('--repeat', '5'));
const cli = resolve(arg('--cli', join(root, 'packages/tui/dist/cli.js')));
if (spawnSync('tmux', ['-V']).status !== 0) {
  console.error('tmux is needed to measure start-up in a real terminal');
  process.exit(2);
}

const socket = `wargame-startup-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(join(tmpdir(), 'wargame-startup-'));

/** Runs one command in a fresh 80×24 pane; returns the milliseconds it reports. */
async function once(args, cacheDir, kind) {
  const errFile = join(work, 'stderr');
  const done = join(work, 'done');
  rmSync(errFile, { force: true });
  rmSync(done, { force: true });
  const env = `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 WARGAME_TIMING=1 XDG_CACHE_HOME=${JSON.stringify(cacheDir)}`;
  const node = `node ${JSON.stringify(cli)} ${args}`;
  const command =
    kind === 'wall'
      ? `cd ${JSON.stringify(root)}; t0=$(date +%s%N); ${env} ${node} >/dev/null 2>${JSON.stringify(errFile)}; t1=$(date +%s%N); echo "wall $(( (t1 - t0) / 1000000 ))" >> ${JSON.stringify(errFile)}; touch ${JSON.stringify(done)}; sleep 5`
      : `cd ${JSON.stringify(work)}; ${env} ${node} 2>${JSON.stringify(errFile)}; touch ${JSON.stringify(done)}; sleep 5`;
  tmux('new-session', '-d', '-s', 'm', '-x', '80', '-y', '24', command);
  try {
    const until = Date.now() + 20_000;
    if (kind === 'frame') {
      // Wait for a frame, then quit (q, then y for a question, then Ctrl-C as a last resort).
      const screen = () => {
        try {
          return tmux('capture-pane', '-p', '-t', 'm');
        } catch {
          return ''; // the pane is gone: the command ended
        }
      };
      while (screen().trim() === '' && !existsSync(done)) {
        if (Date.now() > until) throw new Error(`no frame from: wargame ${args}`);
        await sleep(20);
      }
      const keys = ['q', 'y', 'q', 'y', 'C-c', 'C-c'];
      for (let i = 0; !existsSync(done); i++) {
        if (Date.now() > until) throw new Error(`wargame ${args} did not quit`);
        if (i % 10 === 0 && i / 10 < keys.length) spawnSync('tmux', ['-L', socket, 'send-keys', '-t', 'm', keys[i / 10]]);
        await sleep(30);
      }
    } else {
      while (!existsSync(done)) {
        if (Date.now() > until) throw new Error(`wargame ${args} did not finish`);
        await sleep(20);
      }
    }
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-session', '-t', 'm']);
  }
  const text = readFileSync(errFile, 'utf8');
  const m = kind === 'wall' ? /wall (\d+)/.exec(text) : /first frame (\d+) ms/.exec(text);
  if (!m) throw new Error(`no figure from wargame ${args}:\n${text}`);
  return Number(m[1]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const only = arg('--only', '');
const allCases = [
  ['play south-caucasus --as armenia --seed 1', 'frame'],
  ['play peace-tracks --seed 1', 'frame'],
  ['facilitate south-caucasus --seed 1 --save startup.save.json', 'frame'],
  ['--version', 'wall'],
];
const cases = allCases.filter(([args]) => args.includes(only));

try {
  console.log(`${cli}\nmedian of ${repeat} (ms; min–max)\n`);
  console.log('command'.padEnd(64) + 'cold'.padStart(18) + 'warm'.padStart(18));
  for (const [args, kind] of cases) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < repeat; i++) {
      const cache = join(work, `cache-${i}`);
      rmSync(cache, { recursive: true, force: true });
      cold.push(await once(args, cache, kind));
      warm.push(await once(args, cache, kind));
    }
    const show = (xs) => `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
    console.log(`wargame ${args}`.padEnd(64) + show(cold).padStart(18) + show(warm).padStart(18));
  }
} finally {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(work, { recursive: true, force: true });
}
