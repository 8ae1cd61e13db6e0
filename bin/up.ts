/**
 * `outpost up`: the quick start. One process runs the collector on embedded defaults (in-process MQTT broker,
 * SQLite in ./data, REST API) plus a local agent monitoring this machine, so a fresh checkout shows this host,
 * its checks and their states within a minute. An admin API token is created in the data directory on first
 * start and printed, so the API can be tried at once; likewise a console user `admin` whose password is written to
 * data_dir/admin.password (when the config names no users), so the console at http://127.0.0.1:8080 can be opened.
 * The embedded broker admits only enrolled agents: unless the config sets `mqtt.enrolment_secret` (or uses an
 * external broker), a secret is created in the data directory on first start and the local agent logs in with its
 * derived password, with nothing for the user to do. A config without SLA contracts gets a contract `default` (every
 * target, the default policy, 99.9 %, 24x7), so the SLA report works from the first minute.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { stringify } from 'yaml';
import { CliError, type CliIo } from '../common/cli.js';
import { formatProblems } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createAgent } from '../agent/agent.js';
import { parseAgentConfigText, validateAgentConfigFile, type AgentConfig } from '../agent/config.js';
import { createCollector } from '../collector/collector.js';
import { loadCollectorConfig } from '../collector/collector-command.js';
import type { CollectorConfig } from '../collector/config.js';
import { DEFAULT_CONTRACT, withDefaultContract } from '../collector/sla-service/default-contract.js';
import { enrolmentPassword, newEnrolmentSecret } from '../collector/enrolment.js';
import { hashPassword } from '../collector/api/passwords.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TOKEN_FILE = 'admin.token';
const ENROLMENT_SECRET_FILE = 'enrolment.secret';
const PASSWORD_FILE = 'admin.password';

/** The console password of user `admin` in this data directory: read, or created (0600) on first start. */
export function localAdminPassword(dataDir: string): string {
  const file = join(dataDir, PASSWORD_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(12).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Without `api.users`, a console user `admin` whose password is in data_dir/admin.password. */
async function withLocalUser(config: CollectorConfig, dataDir: string): Promise<{ config: CollectorConfig; passwordFile: string | null }> {
  if (config.api.users.length > 0) return { config, passwordFile: null };
  const password_hash = await hashPassword(localAdminPassword(dataDir));
  return { config: { ...config, api: { ...config.api, users: [{ name: 'admin', password_hash, role: 'admin' }] } }, passwordFile: join(dataDir, PASSWORD_FILE) };
}

/** The admin token of this data directory: read, or created (0600) on first start. */
export function localAdminToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** The enrolment secret of this data directory: read, or created (0600) on first start. */
export function localEnrolmentSecret(dataDir: string): string {
  const file = join(dataDir, ENROLMENT_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = newEnrolmentSecret();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The embedded broker refuses anonymous agents: without a configured secret, this data directory's own is used. */
function withLocalEnrolment(config: CollectorConfig, dataDir: string): CollectorConfig {
  if (config.mqtt.url || config.mqtt.enrolment_secret !== undefined) return config;
  return { ...config, mqtt: { ...config.mqtt, enrolment_secret: localEnrolmentSecret(dataDir) } };
}

/** The local agent logs in under its own id with the derived password, unless its config brings credentials. */
function withEnrolledLogin(agent: AgentConfig, config: CollectorConfig): AgentConfig {
  if (config.mqtt.url || agent.mqtt.username !== undefined || agent.mqtt.password !== undefined) return agent;
  const explicit = config.mqtt.agents.find((a) => a.id === agent.agent.id)?.password;
  const secret = config.mqtt.enrolment_secret;
  const password = explicit ?? (secret !== undefined ? enrolmentPassword(secret, agent.agent.id) : undefined);
  return password === undefined ? agent : { ...agent, mqtt: { ...agent.mqtt, username: agent.agent.id, password } };
}

/** What the local agent checks when no agent config is given: this host, the collector's own endpoints, loopback. */
export function defaultLocalAgentYaml(opts: { mqttPort: number; apiPort: number; stateDir: string; withPing: boolean }): string {
  const checks: Array<Record<string, unknown>> = [
    { type: 'host', name: 'host', interval: '15s' },
    { type: 'tcp', name: 'collector-mqtt', interval: '15s', host: '127.0.0.1', port: opts.mqttPort },
    { type: 'http', name: 'collector-api', interval: '15s', url: `http://127.0.0.1:${opts.apiPort}/healthz` },
  ];
  // iputils-ping is not on a fresh Debian: only add the ping check where the binary exists.
  if (opts.withPing) checks.push({ type: 'ping', name: 'loopback-ping', interval: '15s', host: '127.0.0.1', count: 3 });
  return stringify({
    agent: { state_dir: opts.stateDir, log_level: 'info' },
    mqtt: { url: `mqtt://127.0.0.1:${opts.mqttPort}` },
    checks,
  });
}

function withLocalToken(config: CollectorConfig, dataDir: string): { config: CollectorConfig; token: string | null } {
  if (config.api.tokens.length > 0) return { config, token: null };
  const token = localAdminToken(dataDir);
  return { config: { ...config, api: { ...config.api, tokens: [{ name: 'local-admin', token, role: 'admin' }] } }, token };
}

async function localAgentConfig(file: string | undefined, io: CliIo, defaults: Parameters<typeof defaultLocalAgentYaml>[0]): Promise<AgentConfig> {
  const loaded = file
    ? await validateAgentConfigFile(isAbsolute(file) ? file : resolve(io.cwd, file), io.env)
    : parseAgentConfigText(defaultLocalAgentYaml(defaults), io.env, osHostname());
  if (!loaded.ok) {
    io.stderr.write(`${file ?? 'built-in agent config'}:\n${formatProblems(loaded.problems)}\n`);
    throw new CliError(`invalid agent config: ${loaded.problems.length} problem(s)`);
  }
  return loaded.config;
}

export function registerUpCommand(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('up')
    .description('quick start: collector on embedded defaults (broker, SQLite, API) plus a local agent monitoring this machine')
    .option('-c, --config <file>', 'collector.yaml (default: embedded defaults)')
    .option('--agent-config <file>', 'agent.yaml for the local agent (default: host, collector endpoints, loopback)')
    .option('--no-agent', 'run the collector only')
    .action(async (opts: { config?: string; agentConfig?: string; agent: boolean }) => {
      const loaded = await loadCollectorConfig(opts.config, io);
      const dataDir = isAbsolute(loaded.data_dir) ? loaded.data_dir : resolve(io.cwd, loaded.data_dir);
      const contracted = withDefaultContract(withLocalEnrolment({ ...loaded, data_dir: dataDir }, dataDir));
      const withToken = withLocalToken(contracted.config, dataDir);
      const token = withToken.token;
      const { config, passwordFile } = await withLocalUser(withToken.config, dataDir);
      const level = io.env.OUTPOST_LOG_LEVEL ?? 'info';
      const logger = createLogger({ level: (LEVELS.includes(level) ? level : 'info') as LevelWithSilent, name: 'outpost', destination: io.stdout });
      if (contracted.added) {
        logger.info({ contract: DEFAULT_CONTRACT, policy: config.sla.default_policy }, `no SLA contract configured: added contract "${DEFAULT_CONTRACT}" (every target, 99.9 %, 24x7); try: outpost report sla --contract ${DEFAULT_CONTRACT}`);
      }
      let running;
      try {
        running = await createCollector({ config, logger }).start();
      } catch (error) {
        throw new CliError(`collector failed to start: ${error instanceof Error ? error.message : String(error)}`, 1);
      }
      let agent: ReturnType<typeof createAgent> | null = null;
      if (opts.agent) {
        const mqttPort = running.mqttPort ?? config.mqtt.listen.port;
        const agentConfig = await localAgentConfig(opts.agentConfig, io, {
          mqttPort,
          apiPort: running.apiPort,
          stateDir: join(dataDir, 'agent'),
          withPing: existsSync('/usr/bin/ping') || existsSync('/bin/ping'),
        }).catch(async (error: unknown) => {
          await running.stop();
          throw error;
        });
        agent = createAgent({ config: withEnrolledLogin(agentConfig, config), logger: logger.child({ local_agent: agentConfig.agent.id }) });
        await agent.start();
      }
      const api = `http://${config.api.listen.host}:${running.apiPort}`;
      const tokenFile = join(dataDir, TOKEN_FILE);
      if (passwordFile) logger.info({ console: api, user: 'admin', password_file: passwordFile }, `Console: open ${api} and log in as admin with the password in ${passwordFile}`);
      logger.info(
        { api, token_file: token ? tokenFile : undefined },
        token
          ? `Outpost is up. Try: curl -s -H "Authorization: Bearer $(cat ${tokenFile})" ${api}/api/v1/checks`
          : `Outpost is up: ${api}/api/v1 (tokens from the collector config)`,
      );
      const signal = await new Promise<string>((resolveSignal) => io.onShutdownSignal(resolveSignal));
      logger.info({ signal }, 'shutting down');
      // The whole system stops, not the local agent alone. The agent goes first, while its broker is still there: it
      // delivers what it has spooled and disconnects without an "agent stopped" status (a clean disconnect also
      // discards its Last Will), so quitting `outpost up` leaves no incident behind and logs no "broker unreachable".
      await agent?.stop({ announce: false });
      await running.stop();
      result.code = 0;
    });
}
