/** The REST API over real HTTP on 127.0.0.1: auth (401/403), validation (400 with details), 404s, healthz, metrics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ADMIN, OPERATOR, VIEWER, connectAgent, json, publishResult, result, startTestCollector, type TestCollector } from '../support.js';

describe('collector REST API', () => {
  let tc: TestCollector;
  let client: MqttClient;

  beforeAll(async () => {
    tc = await startTestCollector();
    client = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'api-agent');
    await publishResult(client, result('api-agent', 1, 'ping', 'ok', Date.now() - 60_000));
  });
  afterAll(async () => {
    client.end(true);
    await tc.running.stop();
  });

  it('401 without a token or with a wrong one, in the error shape', async () => {
    const none = await tc.api('/api/v1/agents');
    expect(none.status).toBe(401);
    expect(await json(none)).toEqual({ error: 'missing bearer token', details: [{ field: 'headers.authorization', message: 'expected "Bearer <token>"' }] });
    const bad = await tc.api('/api/v1/agents', 'not-a-known-token-at-all');
    expect(bad.status).toBe(401);
    expect(await json(bad)).toEqual({ error: 'invalid token', details: [] });
  });

  it('viewer reads agents, checks, targets, states', async () => {
    for (const path of ['/api/v1/agents', '/api/v1/checks', '/api/v1/targets', '/api/v1/states']) {
      expect((await tc.api(path, VIEWER)).status, path).toBe(200);
    }
    const agents = await json(tc.api('/api/v1/agents', VIEWER));
    expect(agents.agents).toEqual([expect.objectContaining({ agent_id: 'api-agent', last_seen_ms: expect.any(Number), skew_ms: expect.any(Number) })]);
  });

  it('403 when the role is too low; body validation 400; operator may write (incidents router mounted)', async () => {
    const post = (token: string, body: unknown) => tc.api('/api/v1/incidents', token, { method: 'POST', body: JSON.stringify(body) });
    const viewer = await post(VIEWER, { title: 'UPS alarm', severity: 'P2' });
    expect(viewer.status).toBe(403);
    expect(await json(viewer)).toEqual({ error: 'role viewer may not do this (needs operator)', details: [] });
    const invalid = await post(OPERATOR, { title: '', severity: 'P9' });
    expect(invalid.status).toBe(400);
    const details = (await json(invalid)).details.map((d: { field: string }) => d.field);
    expect(details).toEqual(expect.arrayContaining(['body.title', 'body.severity']));
    const malformed = await tc.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: '{"title":' });
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toEqual({ error: 'malformed JSON body', details: [] });
    const created = await post(ADMIN, { title: 'UPS alarm', severity: 'P2' });
    expect(created.status).toBe(201);
    expect(await json(tc.api('/healthz'))).toMatchObject({ ok: true });
  });

  it('400 with details naming each bad query field', async () => {
    const res = await tc.api('/api/v1/states?from=yesterday&to=2020-01-01T00:00:00Z&colour=red', VIEWER);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toBe('invalid query');
    expect(body.details).toEqual(
      expect.arrayContaining([
        { field: 'query.from', message: 'must be epoch milliseconds or an ISO 8601 time' },
        { field: 'query.colour', message: 'unknown parameter' },
      ]),
    );
    const reversed = await tc.api('/api/v1/checks/api-agent/ping/history?from=2000&to=1000', VIEWER);
    expect(reversed.status).toBe(400);
    expect((await json(reversed)).details).toEqual([{ field: 'query.from', message: 'from must be before to' }]);
    const badId = await tc.api('/api/v1/agents/NOT_AN_ID', VIEWER);
    expect(badId.status).toBe(400);
    expect((await json(badId)).details).toEqual([{ field: 'params.id', message: 'not a valid agent id' }]);
  });

  it('404 for unknown agents, checks and routes', async () => {
    expect((await tc.api('/api/v1/agents/nobody', VIEWER)).status).toBe(404);
    const check = await tc.api('/api/v1/checks/api-agent/nope/history', VIEWER);
    expect(check.status).toBe(404);
    expect(await json(check)).toEqual({ error: 'check api-agent/nope not found', details: [] });
    expect((await tc.api('/api/v1/nothing', VIEWER)).status).toBe(404);
  });

  it('healthz reports the store (engine, SELECT 1) and the broker; metrics expose the collector counters without auth', async () => {
    const health = await tc.api('/healthz');
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({ ok: true, db: true, store: { engine: process.env.OUTPOST_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite', ok: true }, broker: true, warnings: [] });
    // The singleton jobs this lone collector leases, each held by itself.
    const jobs = (await json(tc.api('/healthz'))).jobs as Record<string, { holder: string; held: boolean; until_ms: number | null }>;
    expect(jobs['sla-timers']).toMatchObject({ held: true, holder: expect.any(String), until_ms: expect.any(Number) });
    expect(Object.values(jobs).every((j) => j.held)).toBe(true);
    const metrics = await (await tc.api('/metrics')).text();
    expect(metrics).toContain('outpost_messages_in_total{kind="results"} 1');
    expect(metrics).toContain('outpost_messages_rejected_total{reason="malformed_json"} 0');
    expect(metrics).toContain('outpost_incidents_open{severity="P1"} 0');
    expect(metrics).toContain('outpost_notification_failures_total');
  });
});
