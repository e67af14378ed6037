#!/usr/bin/env node
// Runs the TypeScript benchmarks directly (tsx), as bin/autonomy.js runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/run.ts');
process.exitCode = await main(process.argv.slice(2));
