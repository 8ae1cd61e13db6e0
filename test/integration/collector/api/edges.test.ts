/**
 * API edges: authentication comes before the body is parsed (a malformed or oversized body without a valid token is
 * a 401, never a 400/413); unknown keys are one detail each, at most 20; no GET under /api/v1 writes anything
 * (every GET route of the app is called against a populated database, which must be byte-for-byte unchanged),
 * heartbeat pings excepted.
 */
import type { Express } from 'express';
import { sql } from 'kysely';
import { snapshot } from './snapshot.js';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../../collector/api/passwords.js';
import { ADMIN, OPERATOR, VIEWER, connectAgent, json, publishResult, result, startTestCollector, type TestCollector } from '../support.js';
import { waitUntil } from '../../../helpers/wait.js';

let tc: TestCollector;
let client: MqttClient;

beforeAll(async () => {
  tc = await startTestCollector({
    sla: { contracts: [{ name: 'acme', members: { targets: ['edge-agent-target'] } }] },
    api: {
      listen: { port: 0 },
      tokens: [
        { name: 'v', token: VIEWER, role: 'viewer' },
        { name: 'o', token: OPERATOR, role: 'operator' },
        { name: 'a', token: ADMIN, role: 'admin' },
      ],
      users: [{ name: 'root', password_hash: await hashPassword('root-password-1'), role: 'admin' }],
      status_pages: [{ contract: 'acme', secret: 'acme-edge-status-secret' }],
    },
  });
  client = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'edge-agent');
});
afterAll(async () => {
  client?.end(true);
  await tc?.running.stop();
});

/** The GET routes an express app serves (nested routers included). */
function countGetRoutes(app: Express): number {
  type Layer = { route?: { methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]): number => stack.reduce((n, layer) => n + (layer.route?.methods.get ? 1 : 0) + (layer.handle?.stack ? walk(layer.handle.stack) : 0), 0);
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}

describe('API edges', () => {
  it('authenticates before parsing the body', async () => {
    const malformed = await tc.api('/api/v1/incidents', undefined, { method: 'POST', body: '{"title": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(401);
    const huge = await tc.api('/api/v1/incidents', 'not-a-token-at-all-000', { method: 'POST', body: `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`, headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(401);
    expect(await json(huge)).toEqual({ error: 'invalid token', details: [] });
    // With a valid token the body is parsed as before.
    const parsed = await tc.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: '{"title": ' });
    expect(await json(parsed)).toEqual({ error: 'malformed JSON body', details: [] });
    // A ping with an unknown token is refused before its body is read.
    const ping = await tc.api('/api/v1/heartbeat/unknown-token-0123456789', undefined, { method: 'POST', body: '{"exit_code": ', headers: { 'content-type': 'application/json' } });
    expect(ping.status).toBe(404);
  });

  it('reports unknown keys one field each, at most 20 details', async () => {
    const few = await tc.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: JSON.stringify({ title: 'x', severity: 'P3', colour: 1, size: 2 }) });
    expect(few.status).toBe(400);
    expect(await json(few)).toEqual({ error: 'invalid body', details: [{ field: 'body.colour', message: 'unknown parameter' }, { field: 'body.size', message: 'unknown parameter' }] });
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const res = await tc.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: JSON.stringify({ title: 'x', severity: 'P3', ...many }) });
    const body = await json(res);
    expect(body.error).toBe('invalid body: 500 problems, the first 20 listed');
    expect(body.details).toHaveLength(20);
    expect(body.details[0]).toEqual({ field: 'body.k0', message: 'unknown parameter' });
  });

  it('no GET under /api/v1 writes anything', async () => {
    // Populate: results, a resolved incident, a maintenance window, a heartbeat.
    const t = Date.now() - 120_000;
    await publishResult(client, result('edge-agent', 1, 'ping', 'ok', t));
    await publishResult(client, result('edge-agent', 2, 'ping', 'crit', t + 60_000));
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'edge-agent', 'ping'))?.state === 'crit', 20_000, 'crit stored');
    const created = await tc.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: JSON.stringify({ title: 'uplink down', severity: 'P2', target: 'edge-agent-target' }) });
    expect(created.status).toBe(201);
    const incident = (await json(created)).number as string;
    expect((await tc.api(`/api/v1/incidents/${incident}/resolve`, OPERATOR, { method: 'POST', body: JSON.stringify({ cause: 'cable', resolution: 'replaced' }) })).status).toBe(200);
    const window = await tc.api('/api/v1/maintenance', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'w', reason: 'patching', targets: ['edge-agent-target'], start: Date.now() + 3_600_000, end: Date.now() + 7_200_000 }) });
    expect(window.status).toBe(201);
    const windowId = (await json(window)).id as number;
    expect((await tc.api('/api/v1/heartbeats', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'nightly', target: 'backup-host', period: '1d' }) })).status).toBe(201);
    await tc.running.ingest.flush();
    // A console login (it writes its session); the GETs below then also run with its cookie.
    const login = await tc.api('/api/v1/session', undefined, { method: 'POST', body: JSON.stringify({ name: 'root', password: 'root-password-1', remember: true }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

    const month = new Date().toISOString().slice(0, 7);
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const gets = [
      '/api/v1/agents',
      '/api/v1/agents/edge-agent',
      '/api/v1/targets',
      '/api/v1/checks',
      '/api/v1/checks/edge-agent/ping/history',
      '/api/v1/states',
      '/api/v1/incidents',
      `/api/v1/incidents/${incident}`,
      '/api/v1/availability',
      '/api/v1/maintenance',
      `/api/v1/maintenance/${windowId}`,
      '/api/v1/sla/summary',
      '/api/v1/events',
      `/api/v1/reports/sla?period=${month}&contract=acme`,
      `/api/v1/reports/inspection?date=${day}`,
      '/api/v1/reports/assets',
      `/api/v1/reports/fault/${incident}`,
      '/api/v1/heartbeats',
      '/api/v1/heartbeats/nightly',
      '/healthz',
      '/metrics',
      '/api/v1/console',
      '/api/v1/session',
      '/api/v1/sessions',
      '/api/v1/status/acme-edge-status-secret',
      '/api/v1/agents/export?format=xlsx',
      '/api/v1/checks/edge-agent/ping/samples',
      '/api/v1/reports/schedules',
    ];
    // The live stream (GET /api/v1/stream) only holds a connection open: opened and closed here.
    const streamAbort = new AbortController();
    // The report sample recorder writes results on its own flush timer (not a GET): let it settle first.
    await waitUntil(async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM report_samples`.execute(tc.running.store.db)).rows[0]?.n) > 0, 20_000, 'report samples flushed');
    // The collector renews its singleton jobs' leases on its own timer: not a GET.
    const leases = (table: string) => table === 'job_leases';
    const before = await snapshot(tc.running.store.db, leases);
    for (const path of gets) {
      const res = await tc.api(path, ADMIN);
      expect(res.status, path).toBeLessThan(500);
      const viaCookie = await tc.api(path, undefined, { headers: { cookie } });
      expect(viaCookie.status, `${path} (session)`).toBeLessThan(500);
    }
    const stream = await tc.api('/api/v1/stream', undefined, { headers: { cookie }, signal: streamAbort.signal });
    expect(stream.status).toBe(200);
    streamAbort.abort();
    expect(await snapshot(tc.running.store.db, leases)).toBe(before);
    // Every GET route the app has is in the list above (+ the stream), but the 3 heartbeat pings (the documented writing GETs).
    expect(countGetRoutes(tc.running.app)).toBe(gets.length + 1 + 3);
    // The fault report is recorded only by POST (operator).
    expect((await tc.api(`/api/v1/reports/fault/${incident}`, OPERATOR, { method: 'POST' })).status).toBe(200);
    expect(await snapshot(tc.running.store.db, leases)).not.toBe(before);
  });
});
