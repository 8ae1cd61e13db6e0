#!/usr/bin/env node
/**
 * A lean entry for the agent service: the same `agent` / `check-config` commands as `outpost`, without loading
 * the collector's modules (SQLite, HTTP server, reports...) or commander, which would add to the agent's memory
 * (BENCHMARKS.md "Agent footprint"). The systemd unit runs this file; `outpost agent` remains the same command
 * for interactive use. Only this module touches argv, env, signals and exit.
 */
import { CliError, type CliIo } from '../common/cli.js';
import { OUTPOST_VERSION } from '../common/version.js';
import { runAgentCommand, runCheckConfigCommand } from './cli.js';
import { MAIN_USAGE, parseMainArgs } from './main-args.js';

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
const command = parseMainArgs(process.argv.slice(2));
try {
  switch (command.kind) {
    case 'version':
      io.stdout.write(`${OUTPOST_VERSION}\n`);
      break;
    case 'help':
      io.stdout.write(MAIN_USAGE);
      break;
    case 'error':
      io.stderr.write(`outpost: ${command.message}\n`);
      result.code = 2;
      break;
    case 'agent':
      await runAgentCommand(command, io, result);
      break;
    case 'check-config':
      await runCheckConfigCommand(command, io, result);
      break;
  }
  process.exitCode = result.code;
} catch (error) {
  process.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
