/**
 * `collector.yaml`: strict schema (unknown keys are errors), `${ENV}` substitution, every problem listed with
 * its path. Every key has a default, so an empty file (or none) runs the embedded setup: aedes on
 * 127.0.0.1:1883, SQLite in ./data, the API on 127.0.0.1:8080.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile, type ConfigResult } from '../common/config.js';
import { durationSchema } from '../common/duration.js';
import { LANGS } from '../common/humanize.js';
import { AGENT_ID_PATTERN, MAX_PAYLOAD_BYTES } from '../common/protocol.js';
import { heartbeatsConfigSchema } from './heartbeats/config.js';
import { incidentsConfigSchema } from './incidents/config.js';
import { influxConfigSchema } from './influx/config.js';
import { notifyConfigSchema } from './notify/config.js';
import { slaConfigSchema, timeZoneSchema } from './sla/config.js';
import { DEFAULT_TIME_ZONE } from './sla/builtin-calendars.js';
import { servicesConfigSchema } from './sla-service/config.js';
import { reportsConfigSchema, resolveReportsConfig } from './reports/config.js';
import { eventsConfigSchema } from './agent-events/config.js';
import { statusPagesSchema, usersSchema } from './api/console-config.js';
import { parseStoreUrl, storeUrlSchema, NotSqliteStoreError, type StoreLocation } from './store/sql/url.js';

const hostSchema = z.string().min(1).max(255);
const portSchema = z.number().int().min(0).max(65_535);

const mqttSchema = z
  .strictObject({
    /** Embedded broker address (ignored when `url` points at an external broker). */
    listen: z.strictObject({ host: hostSchema.default('127.0.0.1'), port: portSchema.default(1883) }).prefault({}),
    /**
     * Embedded broker credentials, one per agent: MQTT username = agent id. When set, anonymous clients are refused
     * and an agent may only publish under `outpost/v1/<its id>/` (the same isolation as the Mosquitto ACL
     * `pattern readwrite outpost/v1/%u/#`). Empty = anonymous (fine on 127.0.0.1; warned about otherwise).
     */
    agents: z
      .array(z.strictObject({ id: z.string().regex(AGENT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,62}$'), password: z.string().min(8, 'at least 8 characters') }))
      .default([]),
    /**
     * Enrolment without a per-agent edit: an agent whose MQTT password is base64url(HMAC-SHA256(secret, agent id))
     * (printed by `outpost agent credentials ID`) logs in to the embedded broker under its own id, confined like an
     * `mqtt.agents` entry (which wins for its id). Anonymous clients are then refused. With an external broker it
     * only feeds `outpost agent credentials --mosquitto-passwd`. Reloaded on SIGHUP.
     */
    enrolment_secret: z.string().min(16, 'at least 16 characters').optional(),
    /** Agent ids refused whichever way they log in; connected ones are disconnected on reload (SIGHUP). */
    revoked: z.array(z.string().regex(AGENT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,62}$')).default([]),
    /** External broker, e.g. `mqtts://broker.example:8883`; unset = embedded aedes broker. */
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, 'must be a mqtt://, mqtts://, ws:// or wss:// URL')
      .optional(),
    /**
     * Fixed client id: with clean: false the broker keeps our session and redelivers unacknowledged messages. Unique per
     * collector: with `shared_group` it also names the session a peer adopts while this collector is gone (docs/ha.md).
     */
    client_id: z.string().min(1).max(128).default('outpost-collector'),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** PEM file paths for TLS. */
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    protocol_version: z.union([z.literal(4), z.literal(5)]).default(4),
    /** External broker: our own connection down this long opens one P2 "MQTT broker unreachable" incident. */
    unreachable_after: durationSchema({ max: '1h' }).default(30_000),
    /** Subscribe via `$share/<group>/…` (several collectors share the load; needs a shared store). */
    shared_group: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
      .optional(),
  })
  .superRefine((mqtt, ctx) => {
    if (!mqtt.url) {
      for (const key of ['username', 'password', 'ca', 'cert', 'key', 'shared_group'] as const) {
        if (mqtt[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only valid with mqtt.url (external broker)' });
      }
    } else if (mqtt.agents.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['agents'], message: 'only for the embedded broker: configure the external broker\'s own users' });
    }
    if (mqtt.url && mqtt.revoked.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['revoked'], message: 'only for the embedded broker: remove the user from the external broker\'s password file' });
    }
    const seen = new Set<string>();
    mqtt.agents.forEach((agent, i) => {
      if (seen.has(agent.id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id ${agent.id}` });
      seen.add(agent.id);
    });
    if ((mqtt.cert === undefined) !== (mqtt.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [mqtt.cert === undefined ? 'cert' : 'key'], message: 'cert and key go together' });
    }
  });

export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const apiSchema = z
  .strictObject({
    listen: z.strictObject({ host: hostSchema.default('127.0.0.1'), port: portSchema.default(8080) }).prefault({}),
    tokens: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(100),
          token: z.string().min(16, 'token must be at least 16 characters'),
          role: z.enum(API_ROLES),
        }),
      )
      .default([]),
    /** Base URL people reach the API/console at; used for links in notifications. */
    public_url: z.url().optional(),
    /** People who log in to the web console (collector/api/console-config.ts). */
    users: usersSchema,
    /** Per-contract read-only status pages behind a secret link. */
    status_pages: statusPagesSchema,
  })
  .superRefine((api, ctx) => {
    const seen = new Set<string>();
    api.tokens.forEach((t, i) => {
      if (seen.has(t.token)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'token'], message: 'duplicate token' });
      seen.add(t.token);
    });
  });

const ingestSchema = z.strictObject({
  max_payload_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(MAX_PAYLOAD_BYTES),
  /**
   * A batch is committed after this many messages or this delay, whichever comes first: at a fleet's steady
   * trickle, fewer and fuller commits; a result's PUBACK waits at most this long. Absent: `batchDelayMs` (by store).
   */
  batch_max_messages: z.number().int().min(1).max(100_000).default(2000),
  batch_max_delay: durationSchema({ max: '1s' }).optional(),
  /** Clock skew beyond this is logged as a warning. */
  skew_warn: durationSchema({ min: '1s' }).default(30_000),
  /**
   * Seen seqs are kept this long, then folded into a per-agent floor: a seq arriving later than this behind a newer
   * one of its agent (only a shared group reorders) counts as a duplicate. Duplicates are dropped however late.
   */
  dedupe_window: durationSchema({ min: '1m', max: '90d' }).default(3_600_000),
});

const statesSchema = z.strictObject({
  /** Consecutive results needed before a check's state changes (damps flapping). */
  default_confirmations: z.number().int().min(1).max(100).default(1),
  /** Per check id or check type (the id wins), e.g. `{ ping: 3, web-home: 2 }`. */
  confirmations: z.record(z.string().min(1), z.number().int().min(1).max(100)).default({}),
  /** A check silent longer than this many intervals goes UNKNOWN. */
  silence_factor: z.number().min(1).max(100).default(3),
  /** A late result may rewrite a check's history this far back; the observation log is pruned beyond it. */
  reorder_window: durationSchema({ min: '1m', max: '90d' }).default(7 * 86_400_000),
  /** How often silence is looked for. */
  silence_scan: durationSchema({ min: '100ms', max: '5m' }).default(1000),
});

/** Where state lives (collector/store/sql/url.ts). */
const storeSchema = z.strictObject({
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE` or `sqlite:PATH`; absent: `outpost.db` in `data_dir`. */
  url: storeUrlSchema.optional(),
});

/** Collectors in pairs (docs/ha.md). */
const haSchema = z.strictObject({
  /**
   * This collector's name in job leases and /healthz (default: host name, process id and a random suffix, new at each
   * start). Unique per collector.
   */
  collector_id: z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only').optional(),
});

export const collectorConfigSchema = z.strictObject({
  data_dir: z.string().min(1).default('./data'),
  store: storeSchema.prefault({}),
  ha: haSchema.prefault({}),
  /**
   * The one time zone people read times in: heartbeat schedules without their own zone, reports, notifications and
   * the console. IANA name.
   */
  timezone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  /** Default language of reports, notifications and the console (`reports.lang` / `notifications.lang` override). */
  lang: z.enum(LANGS).default('zh-CN'),
  mqtt: mqttSchema.prefault({}),
  api: apiSchema.prefault({}),
  ingest: ingestSchema.prefault({}),
  states: statesSchema.prefault({}),
  incidents: incidentsConfigSchema,
  notifications: notifyConfigSchema,
  sla: slaConfigSchema,
  /** Time series for Grafana (collector/influx/config.ts). */
  influx: influxConfigSchema.prefault({}),
  /** Push heartbeats for jobs on machines without an agent (collector/heartbeats/config.ts). */
  heartbeats: heartbeatsConfigSchema,
  /** Business services whose availability derives from member targets/checks (collector/sla-service/config.ts). */
  services: servicesConfigSchema,
  /** SLA / inspection / fault reports: directory, PDF font, sampling, reminder, schedules (collector/reports/config.ts). */
  reports: reportsConfigSchema,
  /** Agent events (SNMP traps, ...): retention and the trap rules that open/resolve incidents (collector/agent-events/config.ts). */
  events: eventsConfigSchema,
})
  .superRefine((config, ctx) => {
    const contracts = new Set(config.sla.contracts.map((c) => c.name));
    config.api.status_pages.forEach((page, i) => {
      if (!contracts.has(page.contract)) ctx.addIssue({ code: 'custom', path: ['api', 'status_pages', i, 'contract'], message: `unknown contract ${page.contract} (see sla.contracts)` });
    });
  })
  // Resolved once here: `reports.lang` / `notifications.lang` and report schedule zones fall back to the top level.
  .transform((c) => ({
    ...c,
    notifications: { ...c.notifications, lang: c.notifications.lang ?? c.lang },
    reports: resolveReportsConfig(c.reports, { lang: c.lang, timezone: c.timezone }),
  }));
export type CollectorConfig = z.output<typeof collectorConfigSchema>;

type StoreConfig = Pick<CollectorConfig, 'data_dir'> & { store?: { url?: string | undefined } };

/** `ingest.batch_max_delay` when absent: 50 ms on SQLite, 100 ms on PostgreSQL. */
export const DEFAULT_BATCH_DELAY_MS = { sqlite: 50, postgres: 100 } as const;

/**
 * How long a batch waits for more messages. On SQLite a commit is a local write; on PostgreSQL each batch costs a
 * dozen network round trips, and collectors in a shared group each see a share of the stream: at twice the delay a
 * pair commits about as often as one collector (measured: BENCHMARKS.md "Fleet").
 */
export function batchDelayMs(config: CollectorConfig): number {
  return config.ingest.batch_max_delay ?? DEFAULT_BATCH_DELAY_MS[storeLocation(config).kind];
}

/** Where the store is: `store.url`, or SQLite `outpost.db` in `data_dir` when absent. */
export function storeLocation(config: StoreConfig): StoreLocation {
  const url = config.store?.url;
  if (url === undefined) return { kind: 'sqlite', file: join(config.data_dir, 'outpost.db') };
  const parsed = parseStoreUrl(url);
  if ('problem' in parsed) throw new Error(`store.url: ${parsed.problem}`);
  return parsed;
}

/**
 * The SQLite file of the store, for what works on a SQLite file only (`store backup`, tests reading the file). A
 * PostgreSQL `store.url` throws NotSqliteStoreError naming the store (password redacted) and `what` was asked.
 */
export function databaseFile(config: StoreConfig, what = 'this command'): string {
  const location = storeLocation(config);
  if (location.kind === 'postgres') throw new NotSqliteStoreError(location, what);
  return location.file;
}

/** The embedded-defaults configuration (what `outpost collector` runs without --config). */
export function defaultCollectorConfig(): CollectorConfig {
  return collectorConfigSchema.parse({});
}

/** Loads and validates a collector config file; problems are returned (each with its path), never thrown. */
export function validateCollectorConfigFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigResult<CollectorConfig>> {
  return loadConfigFile(file, collectorConfigSchema, env);
}
