/** Shared by the collector integration tests: protocol message builders, a collector on free ports, an MQTT client. */
import { mkdtempSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { RawBuilder } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../../common/logger.js';
import { PROTOCOL_VERSION, topics, type CheckState, type ResultMessage, type StatusMessage } from '../../../common/protocol.js';
import { collectorConfigSchema, type CollectorConfig } from '../../../collector/config.js';
import { createCollector, type RunningCollector } from '../../../collector/collector.js';
import type { StateChange } from '../../../collector/events.js';

export const VIEWER = 'viewer-token-0123456789';
export const OPERATOR = 'operator-token-0123456789';
export const ADMIN = 'admin-token-0123456789abc';

export function result(agentId: string, seq: number, checkId: string, state: CheckState, observedAtMs: number, extra: Partial<ResultMessage> = {}): ResultMessage {
  return {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    seq,
    check_id: checkId,
    check_type: 'tcp',
    target: `${agentId}-target`,
    interval_s: 60,
    observed_at_ms: observedAtMs,
    sent_at_ms: observedAtMs,
    duration_ms: 1,
    state,
    message: `${checkId} is ${state} (seq ${seq})`,
    metrics: { latency_ms: seq },
    ...extra,
  };
}

export function status(agentId: string, state: 'online' | 'offline', checks: Array<{ check_id: string; check_type?: string; target?: string; interval_s?: number }> = [], reason?: string): StatusMessage {
  return {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    state,
    ...(reason ? { reason } : {}),
    sent_at_ms: Date.now(),
    agent_version: '0.1.0',
    hostname: `${agentId}.local`,
    checks: checks.map((c) => ({ check_id: c.check_id, check_type: c.check_type ?? 'tcp', target: c.target ?? `${agentId}-target`, interval_s: c.interval_s ?? 60 })),
  };
}

export function configFor(dataDir: string, overrides: Record<string, unknown> = {}): CollectorConfig {
  return collectorConfigSchema.parse({
    data_dir: dataDir,
    mqtt: { listen: { port: 0 } },
    api: {
      listen: { port: 0 },
      tokens: [
        { name: 'v', token: VIEWER, role: 'viewer' },
        { name: 'o', token: OPERATOR, role: 'operator' },
        { name: 'a', token: ADMIN, role: 'admin' },
      ],
    },
    ...overrides,
  });
}

export interface TestCollector {
  running: RunningCollector;
  changes: StateChange[];
  dataDir: string;
  api(path: string, token?: string, init?: RequestInit): Promise<Response>;
}

export async function startTestCollector(
  overrides: Record<string, unknown> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-col-')),
  logger: Logger = createLogger({ level: 'silent' }),
): Promise<TestCollector> {
  const changes: StateChange[] = [];
  const store = overrides.store ?? (await testStoreOverride(dataDir));
  const collector = createCollector({ config: configFor(dataDir, { ...overrides, ...(store ? { store } : {}) }), logger, registry: new Registry() });
  collector.onStateChange((c) => changes.push(c));
  const running = await collector.start();
  return {
    running,
    changes,
    dataDir,
    api: (path, token, init = {}) =>
      fetch(`http://127.0.0.1:${running.apiPort}${path}`, {
        ...init,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
      }),
  };
}

/** Rows of a raw query on the collector's store (either engine): ``storeRows(tc.running, sql`SELECT …`)``. */
export async function storeRows<T>(running: Pick<RunningCollector, 'store'>, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(running.store.db)).rows;
}

/**
 * In the `postgres` project (vitest.config.ts) every data_dir gets its own database in the run's cluster (a collector
 * restarted on the same data_dir finds its state again); elsewhere nothing (SQLite in data_dir).
 */
export async function testStoreOverride(dataDir: string): Promise<{ url: string } | null> {
  if (process.env.OUTPOST_TEST_STORE !== 'postgres') return null;
  const known = databaseOf.get(dataDir);
  if (known) return { url: known };
  const base = inject('pgUrl');
  const name = `t_${process.pid}_${++databases}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = base.replace(/\/postgres$/, `/${name}`);
  databaseOf.set(dataDir, url);
  return { url };
}
let databases = 0;
const databaseOf = new Map<string, string>();

/** A logger whose JSON lines are kept in `lines` (to assert warnings). */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

/** Response body as loosely typed JSON (test convenience). */
export async function json(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

export async function connectAgent(url: string, agentId: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `agent-${agentId}-${process.pid}`, reconnectPeriod: 0, ...opts });
  (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  return client;
}

export async function publishResult(client: MqttClient, message: ResultMessage): Promise<void> {
  await client.publishAsync(topics.results(message.agent_id), JSON.stringify(message), { qos: 1 });
}

export async function counterValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  if (!metric) return 0;
  return metric.values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}
