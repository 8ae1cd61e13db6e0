#!/usr/bin/env node
/**
 * A lean entry for the agent service: the same `agent` / `check-config` commands as `outpost`, without loading
 * the collector's modules (SQLite, HTTP server, reports...) or commander, which would add to the agent's memory
 * (BENCHMARKS.md "Agent footprint"). The systemd unit runs this file; `outpost agent` remains the same command
 * for interactive use. Only this module touches argv, env, signals and exit.
 */
import Module, { createRequire } from 'node:module';
import { CliError, type CliIo } from '../common/cli.js';
import { OUTPOST_VERSION } from '../common/version.js';
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

/**
 * Registers `exports` as module `name` as resolved from package `from`, so `from`'s require() gets it. A memory
 * optimisation only: when a dependency no longer has that module, nothing is replaced and the agent starts as usual.
 */
function standIn(from: string, name: string, exports: object): void {
  let require: NodeJS.Require;
  let path: string;
  try {
    require = createRequire(createRequire(import.meta.url).resolve(from));
    path = require.resolve(name);
  } catch {
    // also in the single-file bundle (deploy/package), which has no node_modules: it ships its own stand-ins
    return;
  }
  const stub = new Module(path);
  stub.filename = path;
  stub.loaded = true;
  stub.exports = exports;
  require.cache[path] = stub;
}

/**
 * Two modules the agent never uses, loaded only because a dependency requires them at top level (~2.5 MiB of RSS
 * together; BENCHMARKS.md "Agent footprint"): mqtt.js's `worker-timers` (with @babel/runtime) is for browsers, in
 * Node it uses the native timers (mqtt/build/lib/get-timer.js, timerVariant 'auto'; we never ask for 'worker');
 * pino's `thread-stream` serves only pino.transport(), which the agent does not use (common/logger.ts).
 */
function skipUnusedModules(): void {
  standIn('mqtt', 'worker-timers', { setInterval, clearInterval, setTimeout, clearTimeout });
  standIn('pino', 'thread-stream', function ThreadStream() {
    throw new Error('pino transports are not available in the agent');
  });
}

/** No top-level await: the single-file CommonJS bundle (deploy/package) cannot have one. */
async function main(): Promise<void> {
  const result = { code: 0 };
  const command = parseMainArgs(process.argv.slice(2));
  try {
    if (command.kind === 'agent' || command.kind === 'check-config') skipUnusedModules();
    // imported after skipUnusedModules: cli.js loads mqtt and pino
    const { runAgentCommand, runAgentCheckConfig } = await import('./cli.js');
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
        await runAgentCheckConfig(command, io, result);
        break;
    }
    process.exitCode = result.code;
  } catch (error) {
    process.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}

void main();
