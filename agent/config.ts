/**
 * agent.yaml: strict schema for the agent's own sections plus one entry per check. Each check entry is the
 * common keys (type, name, interval, timeout, target, tags) and the plugin's own keys, validated by that
 * plugin's `configSchema`; every problem is reported with its path (e.g. `checks[2].port: ...`).
 */
import { access, constants } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { z } from 'zod';
import { AGENT_ID_PATTERN } from '../common/protocol.js';
import { durationSchema } from '../common/duration.js';
import { loadConfigFile, parseConfigText, type ConfigProblem, type ConfigResult } from '../common/config.js';
import { checkRegistry, type CheckType } from './checks/registry.js';
import type { CheckPlugin } from './checks/types.js';
import { trapsConfigSchema, type TrapsConfig } from './traps/config.js';

export const DEFAULT_AGENT_CONFIG_FILE = '/etc/outpost/agent.yaml';
export const DEFAULT_STATE_DIR = '/var/lib/outpost-agent';
export const DEFAULT_MQTT_URL = 'mqtt://127.0.0.1:1883';

/** One configured check, normalised: durations in ms, defaults applied, plugin keys parsed by the plugin. */
export interface CheckConfig {
  type: CheckType;
  /** Unique within the agent; the `check_id` on the wire. */
  name: string;
  intervalMs: number;
  timeoutMs: number;
  target: string;
  tags: Record<string, string>;
  /** The plugin's own keys as parsed by its `configSchema`. */
  options: unknown;
}

export interface AgentConfig {
  agent: { id: string; stateDir: string; logLevel: LogLevel };
  mqtt: {
    url: string;
    username?: string;
    password?: string;
    /** File paths of PEM files. */
    ca?: string;
    cert?: string;
    key?: string;
    rejectUnauthorized: boolean;
    protocolVersion: 4 | 5;
    keepaliveMs: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
  };
  spool: { maxBytes: number; maxAgeMs: number };
  inventory: { intervalMs: number };
  /** The SNMP trap receiver; absent when disabled. */
  traps?: TrapsConfig;
  checks: CheckConfig[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Lower-cases the hostname and replaces what the agent-id pattern forbids, so the default id is always valid. */
export function sanitiseAgentId(hostname: string): string {
  const cleaned = hostname
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  return AGENT_ID_PATTERN.test(cleaned) ? cleaned : 'agent';
}

const COMMON_CHECK_KEYS = ['type', 'name', 'interval', 'timeout', 'target', 'tags'] as const;

const commonCheckSchema = z.object({
  type: z.string({ error: 'required: the check type' }),
  name: z.string().min(1).max(200).optional(),
  interval: durationSchema({ min: '1s', max: '7d' }).prefault('60s'),
  timeout: durationSchema({ min: '100ms', max: '1d' }).prefault('10s'),
  target: z.string().min(1).max(200).optional(),
  tags: z.record(z.string().min(1).max(100), z.string().max(500)).default({}),
});

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:'];

/** Parses a raw list of check entries; problems are added to `ctx` with paths relative to the list. */
function parseChecks(entries: unknown[], hostname: string, ctx: z.RefinementCtx): CheckConfig[] {
  const out: CheckConfig[] = [];
  const namesSeen = new Map<string, number>();
  const registry = checkRegistry as Record<string, CheckPlugin>;
  entries.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      ctx.addIssue({ code: 'custom', message: 'expected a mapping with at least `type:`', path: [index] });
      return;
    }
    const raw = entry as Record<string, unknown>;
    const common = commonCheckSchema.safeParse(raw);
    const type = typeof raw.type === 'string' ? raw.type : undefined;
    const plugin = type !== undefined && Object.hasOwn(registry, type) ? registry[type] : undefined;
    if (!common.success) {
      for (const issue of common.error.issues) ctx.addIssue({ ...issue, path: [index, ...issue.path] } as z.core.$ZodRawIssue);
    }
    if (type !== undefined && !plugin) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown check type "${type}" (known types: ${Object.keys(registry).sort().join(', ')})`,
        path: [index, 'type'],
      });
    }
    if (!plugin) return;
    const own = Object.fromEntries(Object.entries(raw).filter(([key]) => !(COMMON_CHECK_KEYS as readonly string[]).includes(key)));
    const options = plugin.configSchema.safeParse(own);
    if (!options.success) {
      for (const issue of options.error.issues) ctx.addIssue({ ...issue, path: [index, ...issue.path] } as z.core.$ZodRawIssue);
    }
    if (!common.success || !options.success) return;
    const c = common.data;
    if (c.timeout >= c.interval) {
      ctx.addIssue({ code: 'custom', message: `timeout (${c.timeout / 1000}s) must be less than interval (${c.interval / 1000}s)`, path: [index, 'timeout'] });
      return;
    }
    const budget = plugin.timeoutProblems?.(options.data, c.timeout) ?? [];
    for (const problem of budget) ctx.addIssue({ code: 'custom', message: problem.message, path: [index, ...problem.path] });
    if (budget.length > 0) return;
    const target = c.target ?? plugin.defaultTarget(options.data, { hostname });
    const name = c.name ?? `${plugin.type}:${target}`;
    const earlier = namesSeen.get(name);
    if (earlier !== undefined) {
      ctx.addIssue({ code: 'custom', message: `duplicate check name "${name}" (also checks[${earlier}]); set a unique name:`, path: [index, 'name'] });
      return;
    }
    namesSeen.set(name, index);
    out.push({ type: plugin.type as CheckType, name, intervalMs: c.interval, timeoutMs: c.timeout, target, tags: c.tags, options: options.data });
  });
  return out;
}

/** The strict schema of agent.yaml; the hostname supplies the default agent id and host-check targets. */
export function agentConfigSchema(hostname: string) {
  const agent = z
    .strictObject({
      id: z.string().regex(AGENT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,62}$').optional(),
      state_dir: z.string().min(1).default(DEFAULT_STATE_DIR),
      log_level: z.enum(LOG_LEVELS).default('info'),
    })
    .prefault({});
  const mqtt = z
    .strictObject({
      url: z
        .string()
        .default(DEFAULT_MQTT_URL)
        .refine((url) => URL.canParse(url) && MQTT_PROTOCOLS.includes(new URL(url).protocol), {
          message: `expected a broker URL like mqtt://host:1883 (schemes: ${MQTT_PROTOCOLS.map((p) => p.slice(0, -1)).join(', ')})`,
        }),
      username: z.string().optional(),
      password: z.string().optional(),
      ca: z.string().min(1).optional(),
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      reject_unauthorized: z.boolean().default(true),
      protocol_version: z.union([z.literal(4), z.literal(5)], { error: 'expected 4 (MQTT 3.1.1) or 5' }).default(4),
      keepalive: durationSchema({ min: '1s', max: '1h' }).prefault('30s'),
      reconnect_min: durationSchema({ min: '100ms', max: '1h' }).prefault('1s'),
      reconnect_max: durationSchema({ min: '100ms', max: '1d' }).prefault('60s'),
    })
    .prefault({})
    .superRefine((m, ctx) => {
      if (m.reconnect_min > m.reconnect_max) ctx.addIssue({ code: 'custom', message: 'must not exceed reconnect_max', path: ['reconnect_min'] });
      if ((m.cert === undefined) !== (m.key === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'cert and key must be given together', path: [m.cert === undefined ? 'cert' : 'key'] });
      }
    });
  const spool = z
    .strictObject({
      max_bytes: z.number().int().min(4096).default(64 * 1024 * 1024),
      max_age: durationSchema({ min: '1m', max: '365d' }).prefault('7d'),
    })
    .prefault({});
  const inventory = z.strictObject({ interval: durationSchema({ min: '1m', max: '30d' }).prefault('6h') }).prefault({});
  return z
    .strictObject({
      agent,
      mqtt,
      spool,
      inventory,
      traps: trapsConfigSchema,
      checks: z
        .array(z.unknown())
        .nullish()
        .transform((entries, ctx) => parseChecks(entries ?? [], hostname, ctx)),
    })
    .transform(
      (c): AgentConfig => ({
        agent: { id: c.agent.id ?? sanitiseAgentId(hostname), stateDir: c.agent.state_dir, logLevel: c.agent.log_level },
        mqtt: {
          url: c.mqtt.url,
          // A password alone (an enrolment password pasted in) logs in as the agent id, unless the URL names a user.
          username: c.mqtt.username ?? (c.mqtt.password !== undefined && new URL(c.mqtt.url).username === '' ? (c.agent.id ?? sanitiseAgentId(hostname)) : undefined),
          password: c.mqtt.password,
          ca: c.mqtt.ca,
          cert: c.mqtt.cert,
          key: c.mqtt.key,
          rejectUnauthorized: c.mqtt.reject_unauthorized,
          protocolVersion: c.mqtt.protocol_version,
          keepaliveMs: c.mqtt.keepalive,
          reconnectMinMs: c.mqtt.reconnect_min,
          reconnectMaxMs: c.mqtt.reconnect_max,
        },
        spool: { maxBytes: c.spool.max_bytes, maxAgeMs: c.spool.max_age },
        inventory: { intervalMs: c.inventory.interval },
        traps: c.traps.enabled ? c.traps : undefined,
        checks: c.checks,
      }),
    );
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: parses agent.yaml text (no file checks). */
export function parseAgentConfigText(text: string, env: Env, hostname: string = osHostname()): ConfigResult<AgentConfig> {
  return parseConfigText(text, agentConfigSchema(hostname), env);
}

/** The TLS files must be readable by the agent; checked here so `check-config` catches it before a deploy. */
async function tlsFileProblems(config: AgentConfig): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = config.mqtt[key];
    if (file === undefined) continue;
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      problems.push({ path: `mqtt.${key}`, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` });
    }
  }
  return problems;
}

/** Reads, parses and validates an agent config file; used by `outpost agent` and `outpost check-config --agent`. */
export async function validateAgentConfigFile(file: string, env: Env, hostname: string = osHostname()): Promise<ConfigResult<AgentConfig>> {
  const result = await loadConfigFile(file, agentConfigSchema(hostname), env);
  if (!result.ok) return result;
  const problems = await tlsFileProblems(result.config);
  return problems.length > 0 ? { ok: false, problems } : result;
}
