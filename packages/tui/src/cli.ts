#!/usr/bin/env node
/** The `wargame` program's entry point (the bin shim imports its bundle, dist/cli.js). */
import { VERSION } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before the commands, the engine and their libraries are loaded: as commander would, in a tenth of the time.
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./cli-main.js');
  process.exitCode = await main(process.argv);
}
