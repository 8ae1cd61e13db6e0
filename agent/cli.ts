/**
 * Agent commands: `outpost agent [--config FILE]` (runs until SIGTERM), `outpost agent --once` (every check
 * once, results as a JSON array); `check-config --agent FILE` for the lean entry (agent/main.ts; `outpost check-config`
 * is bin/check-config.ts). Only CliIo is touched, never process.*.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';
import { runCheckConfig } from '../common/check-config.js';
import { ConfigError } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createAgent } from './agent.js';
import { DEFAULT_AGENT_CONFIG_FILE, validateAgentConfigFile, type AgentConfig } from './config.js';
import { createCheckInstances, toResult } from './instances.js';
import { runAllOnce } from './scheduler.js';

async function loadOrReport(file: string, io: CliIo, result: { code: number }): Promise<AgentConfig | null> {
  const loaded = await validateAgentConfigFile(file, io.env, osHostname());
  if (loaded.ok) return loaded.config;
  io.stderr.write(`outpost: ${new ConfigError(file, loaded.problems).message}\n`);
  result.code = 2;
  return null;
}

/** `--once` must work for an unprivileged user too: fall back to a temp dir if state_dir is not writable. */
function usableStateDir(stateDir: string): string {
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o750 });
    return stateDir;
  } catch {
    return mkdtempSync(join(tmpdir(), 'outpost-agent-once-'));
  }
}

async function runOnce(config: AgentConfig, io: CliIo, result: { code: number }): Promise<void> {
  const logger = createLogger({ level: 'warn', destination: io.stderr });
  const now = Date.now;
  const hostname = osHostname();
  const checks = createCheckInstances(config.checks, { logger, now, hostname, stateDir: usableStateDir(config.agent.stateDir) });
  const outcomes = await runAllOnce(checks, now);
  await Promise.allSettled(checks.map((c) => c.instance.close?.()));
  const results = outcomes.map(({ check, outcome }, index) => ({ ...toResult(config.agent.id, check, outcome), seq: index + 1, sent_at_ms: now() }));
  io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  result.code = results.every((r) => r.state === 'ok' || r.state === 'warn') ? 0 : 1;
}

async function runUntilSignal(config: AgentConfig, io: CliIo, result: { code: number }): Promise<void> {
  const logger = createLogger({ level: config.agent.logLevel, name: 'outpost-agent', destination: io.stdout });
  const signalled = new Promise<string>((resolveSignal) => io.onShutdownSignal(resolveSignal));
  const agent = createAgent({ config, logger });
  await agent.start();
  const signal = await signalled;
  logger.info({ signal }, 'shutting down');
  await agent.stop();
  logger.info('stopped');
  result.code = 0;
}

/** `agent [--config FILE] [--once]`; shared by `outpost` (commander) and the lean dist/agent/main.js. */
export async function runAgentCommand(opts: { config: string; once?: boolean }, io: CliIo, result: { code: number }): Promise<void> {
  const config = await loadOrReport(resolve(io.cwd, opts.config), io, result);
  if (!config) return;
  if (opts.once) await runOnce(config, io, result);
  else await runUntilSignal(config, io, result);
}

/** `check-config --agent FILE` as the agent's own entry runs it: agent files only (no collector modules). */
export function runAgentCheckConfig(opts: { agent?: string }, io: CliIo, result: { code: number }): Promise<void> {
  return runCheckConfig(opts, { agent: validateAgentConfigFile }, io, result);
}

export function registerAgentCommands(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('agent')
    .description('run the monitoring agent until SIGTERM (or every check once with --once)')
    .option('-c, --config <file>', 'agent config file', DEFAULT_AGENT_CONFIG_FILE)
    .option('--once', 'run every check once, print the results as a JSON array, exit 0 if all ok/warn, 1 otherwise')
    .action((opts: { config: string; once?: boolean }) => runAgentCommand(opts, io, result));
}
