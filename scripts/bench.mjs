#!/usr/bin/env node
// Engine speed figures (a benchmark, not a test): whole games per second with
// each machine driver, and µs per party-turn. Usage: pnpm bench [scenario] [runs]
import { runGame } from '../packages/engine/dist/index.js';
import { readScenario } from '../packages/tui/dist/scenario-files.js';
import { formatIssue } from '../packages/engine/dist/index.js';

const [arg = 'sochi-2021', runsArg = '300'] = process.argv.slice(2);
const runs = Number(runsArg);
const r = readScenario(arg);
if (!r.ok) {
  console.error(r.issues.map(formatIssue).join('\n'));
  process.exit(1);
}
const s = r.scenario;
console.log(`scenario ${s.id}: ${s.parties.length} parties, ${s.calendar.turns} turns; ${runs} runs per driver, one core`);
for (const driver of ['table', 'xstate']) {
  // Warm up the JIT so the figure is the steady state.
  for (let i = 0; i < Math.min(50, runs); i++) runGame(s, { seed: `warm${i}`, driver });
  const t0 = process.hrtime.bigint();
  let partyTurns = 0;
  for (let i = 0; i < runs; i++) {
    const g = runGame(s, { seed: String(i), driver });
    if (!g.ok) throw new Error(`seed ${i}: ${g.error.message}`);
    partyTurns += g.run.turns.length * s.parties.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${driver.padEnd(6)}  ${(runs / seconds).toFixed(0).padStart(7)} runs/s  ${((seconds * 1e6) / partyTurns).toFixed(1).padStart(7)} µs per party-turn  (with full turn logs and a state hash per turn)`,
  );
}
console.log(`peak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
