#!/usr/bin/env node
/** The `outpost` executable: the only module that touches argv, env, signals and exit. */
import { CommanderError } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import { buildProgram } from './program.js';

const io: CliIo = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  onShutdownSignal(handler) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => handler(signal));
  },
};

const result = { code: 0 };
try {
  await (await buildProgram(io, result, process.argv)).parseAsync(process.argv);
  process.exitCode = result.code;
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError) {
    process.stderr.write(`outpost: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
