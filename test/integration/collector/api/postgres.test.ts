/**
 * The REST API of collectors on PostgreSQL (`store.url` from a cluster the test starts on 127.0.0.1): reads after
 * ingest, the healthz store block, console sessions, incidents and maintenance written through one collector and
 * read through the other (one shared state), a session revoked on one refused by the other within seconds, and no
 * GET under /api/v1 writing anything on PostgreSQL either.
 *
 * Written with the API's move to the async store, before the collector opened PostgreSQL (the integration of all
 * areas wires `store.url: postgres://…` into collector.ts); it needs that wiring to run.
 */
import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../../collector/api/passwords.js';
import { SESSION_CACHE_MS } from '../../../../collector/api/sessions.js';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';
import { waitUntil } from '../../../helpers/wait.js';
import { ADMIN, OPERATOR, VIEWER, connectAgent, json, publishResult, result, startTestCollector, type TestCollector } from '../support.js';
import { snapshot } from './snapshot.js';

const PASSWORD = 'root-password-1';
const SECRET = 'pg-status-secret-0123456789';

let pg: PostgresServer | undefined;
let a: TestCollector | undefined;
let b: TestCollector | undefined;
let client: MqttClient | undefined;

beforeAll(async () => {
  pg = await startPostgres();
  const url = await pg.createDatabase('api');
  const overrides = {
    store: { url },
    incidents: { enabled: true },
    sla: { contracts: [{ name: 'acme', members: { targets: ['pg-agent-target'] } }] },
    api: {
      listen: { port: 0 },
      tokens: [
        { name: 'v', token: VIEWER, role: 'viewer' },
        { name: 'o', token: OPERATOR, role: 'operator' },
        { name: 'a', token: ADMIN, role: 'admin' },
      ],
      users: [{ name: 'root', password_hash: await hashPassword(PASSWORD), role: 'admin' }],
      status_pages: [{ contract: 'acme', secret: SECRET }],
    },
  };
  a = await startTestCollector(overrides);
  b = await startTestCollector(overrides);
  client = await connectAgent(`mqtt://127.0.0.1:${a.running.mqttPort}`, 'pg-agent');
}, 240_000);
afterAll(async () => {
  client?.end(true);
  await a?.running.stop();
  await b?.running.stop();
  await pg?.stop();
}, 120_000);

async function login(tc: TestCollector): Promise<string> {
  const res = await tc.api('/api/v1/session', undefined, { method: 'POST', body: JSON.stringify({ name: 'root', password: PASSWORD }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('REST API on PostgreSQL', () => {
  it('healthz names the engine and answers the SELECT 1', async () => {
    for (const tc of [a!, b!]) {
      const health = await tc.api('/healthz');
      expect(health.status).toBe(200);
      expect(await json(health)).toMatchObject({ ok: true, db: true, store: { engine: 'postgres', ok: true }, broker: true });
    }
  });

  it('results ingested by one collector are read through either API', async () => {
    const t = Date.now() - 120_000;
    await publishResult(client!, result('pg-agent', 1, 'ping', 'ok', t));
    await publishResult(client!, result('pg-agent', 2, 'ping', 'crit', t + 60_000));
    for (const tc of [a!, b!]) {
      const checks = await waitUntil(async () => {
        const body = await json(tc.api('/api/v1/checks?agent=pg-agent', VIEWER));
        return body.checks.find((c: { check_id: string; state: string }) => c.check_id === 'ping' && c.state === 'crit');
      }, 20_000, 'crit check via the API');
      expect(checks).toMatchObject({ agent_id: 'pg-agent', target: 'pg-agent-target', last_result: { state: 'crit' } });
      expect((await json(tc.api('/api/v1/agents/pg-agent', VIEWER))).agent_id).toBe('pg-agent');
      const history = await json(tc.api('/api/v1/checks/pg-agent/ping/history', VIEWER));
      expect(history.intervals.map((i: { state: string }) => i.state)).toEqual(['ok', 'crit']);
      expect((await json(tc.api('/api/v1/targets', VIEWER))).targets).toEqual([expect.objectContaining({ target: 'pg-agent-target', state: 'crit' })]);
    }
  });

  it('an incident written through one collector is the same through the other', async () => {
    const created = await a!.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: JSON.stringify({ title: 'UPS alarm', severity: 'P2', target: 'pg-agent-target' }) });
    expect(created.status).toBe(201);
    const number = (await json(created)).number as string;
    const ack = await b!.api(`/api/v1/incidents/${number}/ack`, OPERATOR, { method: 'POST', body: JSON.stringify({ by: 'carol' }) });
    expect(ack.status).toBe(200);
    const onA = await json(a!.api(`/api/v1/incidents/${number}`, VIEWER));
    const onB = await json(b!.api(`/api/v1/incidents/${number}`, VIEWER));
    expect(onA).toMatchObject({ number, status: 'acknowledged', acknowledged_by: 'carol' });
    expect(onB.timeline).toEqual(onA.timeline);
    const missing = await b!.api('/api/v1/incidents/INC-20000101-0001/resolve', OPERATOR, { method: 'POST', body: JSON.stringify({ cause: 'x', resolution: 'y' }) });
    expect(missing.status).toBe(404);
  });

  it('maintenance windows created on one collector are listed by the other; 400s name the field', async () => {
    const start = Date.now() + 3_600_000;
    const created = await a!.api('/api/v1/maintenance', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'patching', reason: 'kernel', targets: ['pg-agent-target'], start, end: start + 3_600_000 }) });
    expect(created.status).toBe(201);
    const id = (await json(created)).id as number;
    expect((await json(b!.api(`/api/v1/maintenance/${id}`, VIEWER))).name).toBe('patching');
    const bad = await b!.api('/api/v1/maintenance', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'w', reason: 'r', start: Date.now() - 86_400_000, end: Date.now() }) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details).toEqual([{ field: 'body.retroactive', message: 'the window began in the past: set retroactive: true to reclassify past outages' }]);
  });

  it('a session revoked on one collector is refused by the other within seconds', async () => {
    const cookie = await login(a!);
    expect((await b!.api('/api/v1/session', undefined, { headers: { cookie } })).status).toBe(200);
    const me = await json(a!.api('/api/v1/session', undefined, { headers: { cookie } }));
    const revoke = await a!.api(`/api/v1/sessions/${me.session_id}`, ADMIN, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    expect((await a!.api('/api/v1/session', undefined, { headers: { cookie } })).status).toBe(401);
    const started = Date.now();
    await waitUntil(async () => (await b!.api('/api/v1/session', undefined, { headers: { cookie } })).status === 401, 10_000, 'the other collector refuses the revoked session');
    // Bounded by the session cache (plus request time), not by chance.
    expect(Date.now() - started).toBeLessThan(SESSION_CACHE_MS + 5_000);
  });

  it('no GET under /api/v1 writes anything on PostgreSQL', async () => {
    const cookie = await login(b!);
    const month = new Date().toISOString().slice(0, 7);
    const gets = [
      '/api/v1/agents',
      '/api/v1/agents/pg-agent',
      '/api/v1/targets',
      '/api/v1/checks',
      '/api/v1/checks/pg-agent/ping/history',
      '/api/v1/checks/pg-agent/ping/samples',
      '/api/v1/states',
      '/api/v1/incidents',
      '/api/v1/availability?target=pg-agent-target',
      '/api/v1/maintenance',
      `/api/v1/sla/summary?period=${month}`,
      '/api/v1/events',
      '/api/v1/heartbeats',
      '/api/v1/sessions',
      '/api/v1/reports/schedules',
      '/api/v1/agents/export',
      `/api/v1/status/${SECRET}`,
    ];
    for (const tc of [a!, b!]) await tc.running.ingest.flush();
    // The report sample recorder writes results on its own flush timer, and the collectors renew their job leases: neither is a GET.
    await waitUntil(async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM report_samples`.execute(a!.running.store.db)).rows[0]?.n) > 0, 20_000, 'report samples flushed');
    const background = (table: string) => table === 'job_leases';
    const before = await snapshot(a!.running.store.db, background);
    for (const tc of [a!, b!]) {
      for (const path of gets) {
        expect((await tc.api(path, ADMIN)).status, path).toBe(200);
        expect((await tc.api(path, undefined, { headers: { cookie } })).status, `${path} (session)`).toBe(200);
      }
    }
    expect(await snapshot(a!.running.store.db, background)).toBe(before);
  });
});
