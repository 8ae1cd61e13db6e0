#!/usr/bin/env node
/** The `outpost` executable: the only module that touches argv, env, signals and exit. */
import type { CliIo } from '../common/cli.js';
import { runProgram } from './program.js';

const io: CliIo = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  onShutdownSignal(handler) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => handler(signal));
  },
  onReloadSignal(handler) {
    process.on('SIGHUP', () => handler());
  },
};

process.exitCode = await runProgram(io, process.argv);
