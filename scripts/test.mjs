#!/usr/bin/env node
// Builds, type-checks and runs every test, then prints the closing line CI reads:
// "tests: N passed, M failed". Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

let failedSteps = 0;
for (const [label, cmd, args] of [
  ['build', bin('tsc'), ['-b']],
  ['bundle the CLI', process.execPath, [join(root, 'scripts', 'bundle.mjs')]],
  ['type-check tests', bin('tsc'), ['-p', 'test/tsconfig.json']],
  // The linter (Biome, biome.json): its errors fail the run like a failing test.
  ['lint', bin('biome'), ['lint']],
]) {
  console.log(`\n> ${label}`);
  if (run(cmd, args) !== 0) {
    console.log(`${label} failed`);
    failedSteps++;
  }
}

const results = join(root, '.vitest-results.json');
rmSync(results, { force: true });
const extra = process.argv.slice(2);
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra]);

let passed = 0;
let failed = failedSteps;
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  // A test file that fails to load has no failed tests of its own but must still count.
  failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
} else {
  failed += 1;
}
if (status !== 0 && failed === 0) failed = 1;
if (passed === 0 && failed === 0) failed = 1; // no test ran: that is a failure, not a pass
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
