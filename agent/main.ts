#!/usr/bin/env node
/**
 * A lean entry for the agent service: the same `agent` / `check-config` commands as `outpost`, without loading
 * the collector's modules (SQLite, HTTP server, reports...), which would triple the agent's memory. The systemd
 * unit runs this file; `outpost agent` remains the same command for interactive use. Only this module touches
 * argv, env, signals and exit.
 */
import { Command, CommanderError } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import { OUTPOST_VERSION } from '../common/version.js';
import { registerAgentCommands } from './cli.js';

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
const program = new Command('outpost')
  .description('Outpost agent')
  .version(OUTPOST_VERSION, '-V, --version')
  .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  .exitOverride();
registerAgentCommands(program, io, result);
try {
  await program.parseAsync(process.argv);
  process.exitCode = result.code;
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}
