#!/usr/bin/env node
/** The `wargame` program's entry point (the bin shim imports this file). */
import { main } from './cli-main.js';

const code = await main(process.argv);
process.exitCode = code;
