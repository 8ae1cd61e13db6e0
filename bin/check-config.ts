/**
 * `outpost check-config --agent FILE --collector FILE`: both kinds of file. The agent's own entry
 * (dist/agent/main.js, the systemd unit's ExecStartPre) validates agent files only and never loads this module.
 */
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';
import { runCheckConfig, type ConfigValidator } from '../common/check-config.js';

/** One validator per option; each loaded on use (the collector's config graph pulls SLA calendars and holidays). */
export const CONFIG_VALIDATORS = {
  agent: async (file, env) => (await import('../agent/config.js')).validateAgentConfigFile(file, env),
  // store.url (sqlite:PATH or postgres://…) is checked by the schema; whether the database answers is the collector's start-up.
  collector: async (file, env) => (await import('../collector/config.js')).validateCollectorConfigFile(file, env),
} as const satisfies Record<string, ConfigValidator>;

export type CheckConfigOptions = Partial<Record<keyof typeof CONFIG_VALIDATORS, string>>;

export function registerCheckConfigCommand(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('check-config')
    .description('validate config files and list every problem; exits 1 if any file has problems')
    .option('--agent <file>', 'an agent config file (agent.yaml)')
    .option('--collector <file>', 'a collector config file')
    .action((opts: CheckConfigOptions) => runCheckConfig(opts, CONFIG_VALIDATORS, io, result));
}
