/**
 * Agent commands: `outpost agent [--config FILE]` (runs until SIGTERM), `outpost agent --once` (every check
 * once, results as a JSON array), and `outpost check-config --agent FILE`. Only CliIo is touched, never process.*.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';
import { ConfigError, type ConfigResult } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createAgent } from './agent.js';
import { DEFAULT_AGENT_CONFIG_FILE, validateAgentConfigFile, type AgentConfig } from './config.js';
import { createCheckInstances, toResult } from './instances.js';
import { runAllOnce } from './scheduler.js';

type Env = CliIo['env'];
type Validator = (file: string, env: Env) => Promise<ConfigResult<unknown>>;

/**
 * What `check-config` can validate, one entry per option. The collector adds its validator here
 * (`collector: validateCollectorConfigFile`); `undefined` means "not available yet".
 */
export const CONFIG_VALIDATORS: Record<'agent' | 'collector', Validator | undefined> = {
  agent: validateAgentConfigFile,
  // loaded on use: the collector's config graph (SLA calendars, holidays) would cost the agent process ~3 MiB
  collector: async (file, env) => (await import('../collector/config.js')).validateCollectorConfigFile(file, env),
};

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

export type CheckConfigOptions = Partial<Record<keyof typeof CONFIG_VALIDATORS, string>>;

/** `check-config --agent FILE --collector FILE`: every problem listed; code 1 if any file has problems. */
export async function runCheckConfigCommand(opts: CheckConfigOptions, io: CliIo, result: { code: number }): Promise<void> {
  const given = (Object.keys(CONFIG_VALIDATORS) as Array<keyof typeof CONFIG_VALIDATORS>).filter((kind) => opts[kind] !== undefined);
  if (given.length === 0) {
    io.stderr.write('outpost: check-config needs --agent FILE or --collector FILE\n');
    result.code = 2;
    return;
  }
  let failed = false;
  for (const kind of given) {
    const file = resolve(io.cwd, opts[kind] as string);
    const validate = CONFIG_VALIDATORS[kind];
    if (!validate) {
      io.stderr.write(`outpost: check-config --${kind}: not available yet\n`);
      failed = true;
      continue;
    }
    const checked = await validate(file, io.env);
    if (checked.ok) {
      io.stdout.write(`${file}: ok (${kind} config)\n`);
    } else {
      io.stderr.write(`${new ConfigError(file, checked.problems).message}\n`);
      failed = true;
    }
  }
  result.code = failed ? 1 : 0;
}

export function registerAgentCommands(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('agent')
    .description('run the monitoring agent until SIGTERM (or every check once with --once)')
    .option('-c, --config <file>', 'agent config file', DEFAULT_AGENT_CONFIG_FILE)
    .option('--once', 'run every check once, print the results as a JSON array, exit 0 if all ok/warn, 1 otherwise')
    .action((opts: { config: string; once?: boolean }) => runAgentCommand(opts, io, result));

  program
    .command('check-config')
    .description('validate config files and list every problem; exits 1 if any file has problems')
    .option('--agent <file>', 'an agent config file (agent.yaml)')
    .option('--collector <file>', 'a collector config file')
    .action((opts: CheckConfigOptions) => runCheckConfigCommand(opts, io, result));
}
