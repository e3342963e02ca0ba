#!/usr/bin/env node
// Entry of every simulated-node tool: `node cli.mjs <tool> args...`. The per-lab bin/ folder holds
// one small sh wrapper per tool name that execs this (see src-main/lab/sim/bin-dir.ts). Only a
// program: the tools themselves are in tools.mjs, so importing them never runs one (gameday's CLI
// bundle imports the tool names and once ran this entry as if it were the tool "lab").
import { logToolCall } from './lib/env.mjs';
import { run } from './tools.mjs';

const r = run(process.argv[2] ?? '', process.argv.slice(3));
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.code;
logToolCall(process.argv[2] ?? '', r.code);
