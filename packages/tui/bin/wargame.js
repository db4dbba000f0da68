#!/usr/bin/env node
// The installed `wargame` command. It exists before the build (pnpm links bins at
// install time, before the postinstall build has written dist/), and runs the bundled
// CLI: dist/cli.js and its chunks, written by scripts/bundle.mjs.
import '../dist/cli.js';
