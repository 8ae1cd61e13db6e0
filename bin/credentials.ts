/**
 * `outpost agent credentials ID… --collector-config collector.yaml`: the MQTT password each agent id logs in with
 * under `mqtt.enrolment_secret` (base64url(HMAC-SHA256(secret, id))), one per line and nothing else, so it can be
 * pasted into agent.yaml or passed to the install script; `--mosquitto-passwd` prints a Mosquitto password file for
 * the ids instead (mosquitto_passwd's `$7$` PBKDF2-SHA512 lines). An explicit `mqtt.agents` entry wins for its id.
 */
import type { Command } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import { AGENT_ID_PATTERN } from '../common/protocol.js';
import { loadCollectorConfig } from '../collector/collector-command.js';
import { enrolmentPassword, mosquittoPasswdLine } from '../collector/enrolment.js';

interface CredentialsOptions {
  collectorConfig?: string;
  mosquittoPasswd?: boolean;
}

async function runCredentials(ids: string[], opts: CredentialsOptions, io: CliIo): Promise<void> {
  if (!opts.collectorConfig) throw new CliError('--collector-config <file> is required (the collector.yaml holding mqtt.enrolment_secret)');
  const bad = ids.filter((id) => !AGENT_ID_PATTERN.test(id));
  if (bad.length > 0) throw new CliError(`not an agent id (must match ^[a-z0-9][a-z0-9._-]{0,62}$): ${bad.join(', ')}`);
  const config = await loadCollectorConfig(opts.collectorConfig, io);
  const explicit = new Map(config.mqtt.agents.map((a) => [a.id, a.password]));
  const secret = config.mqtt.enrolment_secret;
  const revoked = ids.filter((id) => config.mqtt.revoked.includes(id));
  if (revoked.length > 0) throw new CliError(`revoked in mqtt.revoked: ${revoked.join(', ')}`);
  const passwordOf = (id: string): string => {
    const fixed = explicit.get(id);
    if (fixed !== undefined) return fixed;
    if (secret === undefined) throw new CliError(`${opts.collectorConfig}: mqtt.enrolment_secret is not set and ${id} has no mqtt.agents entry`);
    return enrolmentPassword(secret, id);
  };
  const passwords = ids.map((id) => [id, passwordOf(id)] as const);
  const lines = opts.mosquittoPasswd ? passwords.map(([id, password]) => mosquittoPasswdLine(id, password)) : passwords.map(([, password]) => password);
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** Adds `credentials` under the `agent` command (registered by agent/cli.ts). */
export function registerCredentialsCommand(program: Command, io: CliIo, result: { code: number }): void {
  const agent = program.commands.find((c) => c.name() === 'agent');
  if (!agent) return;
  agent
    .command('credentials')
    .description('print the MQTT password of agent ID under mqtt.enrolment_secret (or a Mosquitto password file)')
    .argument('<ids...>', 'agent ids')
    .option('--collector-config <file>', 'collector.yaml with mqtt.enrolment_secret (and mqtt.agents)')
    .option('--mosquitto-passwd', 'print a Mosquitto password file (user:$7$… lines) for the ids instead')
    .action(async (ids: string[], opts: CredentialsOptions) => {
      await runCredentials(ids, opts, io);
      result.code = 0;
    });
}
