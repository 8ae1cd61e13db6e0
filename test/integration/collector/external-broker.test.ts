/** Agent messages via a real Mosquitto to a collector subscribed with a persistent session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { topics } from '../../../common/protocol.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { waitUntil } from '../../helpers/wait.js';
import { SHARED_GROUP_WARNING } from '../../../collector/collector.js';
import { subscriptionFilter } from '../../../collector/ingest/external-source.js';
import { connectAgent, counterValue, json, publishResult, result, startTestCollector, status, type TestCollector } from './support.js';

const BASE = Date.now() - 3_600_000;
const MIN = 60_000;

describe('collector behind an external Mosquitto', () => {
  let mosq: MosquittoServer;
  let agent: MqttClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-ext-'));
  let tc: TestCollector;
  const mqttConfig = () => ({ mqtt: { url: mosq.url, client_id: `collector-${process.pid}` } });

  beforeAll(async () => {
    mosq = await startMosquitto();
    tc = await startTestCollector(mqttConfig(), dataDir);
    await waitUntil(async () => (await json(tc.api('/healthz'))).broker, 10_000, 'collector connected to mosquitto');
    agent = await connectAgent(mosq.url, 'ext-1');
  });
  afterAll(async () => {
    agent?.end(true);
    await tc?.running.stop();
    await mosq?.stop();
  });

  it('builds state intervals from results relayed by Mosquitto; duplicates are applied once', async () => {
    await publishResult(agent, result('ext-1', 1, 'ping', 'ok', BASE));
    await publishResult(agent, result('ext-1', 2, 'ping', 'crit', BASE + MIN));
    await publishResult(agent, result('ext-1', 2, 'ping', 'crit', BASE + MIN)); // redelivered
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'ext-1', 'ping'))?.state === 'crit', 10_000, 'crit interval');
    await waitUntil(async () => (await counterValue(tc.running.registry, 'outpost_messages_duplicate_total')) === 1, 10_000, 'duplicate counted');
    expect((await tc.running.intervals.history(tc.running.store.db, 'ext-1', 'ping', 0, Date.now())).map((i) => [i.state, i.startMs])).toEqual([
      ['ok', BASE],
      ['crit', BASE + MIN],
    ]);
  });

  it('Last Will through Mosquitto turns the checks UNKNOWN (agent_offline)', async () => {
    const will = status('ext-2', 'offline', [{ check_id: 'svc' }], 'lost');
    const c = await connectAgent(mosq.url, 'ext-2', { will: { topic: topics.status('ext-2'), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true } });
    await publishResult(c, result('ext-2', 1, 'svc', 'ok', Date.now() - 1000));
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'ext-2', 'svc'))?.state === 'ok', 10_000, 'ok first');
    c.stream.destroy();
    const change = await waitUntil(() => tc.changes.find((ch) => ch.agentId === 'ext-2' && ch.to === 'unknown'), 20_000, 'unknown after will');
    expect(change.cause).toBe('agent_offline');
  });

  it('messages published while the collector is down are delivered to its persistent session after restart', async () => {
    await tc.running.stop();
    await publishResult(agent, result('ext-1', 3, 'ping', 'ok', BASE + 2 * MIN));
    await publishResult(agent, result('ext-1', 4, 'ping', 'ok', BASE + 3 * MIN));
    tc = await startTestCollector(mqttConfig(), dataDir);
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'ext-1', 'ping'))?.state === 'ok', 15_000, 'queued results applied');
    expect((await tc.running.intervals.history(tc.running.store.db, 'ext-1', 'ping', 0, Date.now())).map((i) => [i.state, i.startMs])).toEqual([
      ['ok', BASE],
      ['crit', BASE + MIN],
      ['ok', BASE + 2 * MIN],
    ]);
  });

  it('shared_group subscribes via $share and warns when the store is SQLite (not on PostgreSQL, the shared store)', async () => {
    expect(subscriptionFilter('collectors')).toBe('$share/collectors/outpost/v1/+/+');
    expect(subscriptionFilter(undefined)).toBe('outpost/v1/+/+');
    const shared = await startTestCollector({ mqtt: { url: mosq.url, client_id: `shared-${process.pid}`, shared_group: 'collectors' } });
    try {
      const health = await waitUntil(async () => {
        const h = await json(shared.api('/healthz'));
        return h.broker ? h : undefined;
      }, 10_000, 'shared collector connected');
      if (process.env.OUTPOST_TEST_STORE === 'postgres') expect(health.warnings).not.toContain(SHARED_GROUP_WARNING);
      else expect(health.warnings).toContain(SHARED_GROUP_WARNING);
      // A shared group lists the peers' sessions it adopted (none: it is alone).
      expect(health.adopted_sessions).toEqual([]);
      await publishResult(agent, result('ext-1', 5, 'shared', 'ok', Date.now() - 1000));
      await waitUntil(async () => (await shared.running.intervals.open(shared.running.store.db, 'ext-1', 'shared'))?.state === 'ok', 10_000, 'shared subscription delivers');
    } finally {
      await shared.running.stop();
    }
  });

  it('healthz turns 503 (broker false) while the external broker is down', async () => {
    await mosq.stop();
    const res = await waitUntil(async () => {
      const r = await tc.api('/healthz');
      return r.status === 503 ? r : undefined;
    }, 15_000, 'healthz 503');
    expect(await json(res)).toMatchObject({ ok: false, db: true, broker: false });
  });
});
