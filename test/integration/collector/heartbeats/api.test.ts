/**
 * Push heartbeats against a real collector (embedded broker and API on free ports, SQLite in a temp dir) with an
 * injected clock: deadlines pass by moving the clock and applying them, never by sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { createCollector, type RunningCollector } from '../../../../collector/collector.js';
import { HEARTBEAT_AGENT_ID } from '../../../../collector/heartbeats/service.js';
import { waitUntil } from '../../../helpers/wait.js';
import { ADMIN, VIEWER, configFor, json, testStoreOverride } from '../support.js';

const T0 = Date.parse('2024-05-10T00:00:00Z');
const MIN = 60_000;
const TOKEN = 'db-backup-token-0123456789';
let clock = T0;
let running: RunningCollector;
const dir = mkdtempSync(join(tmpdir(), 'outpost-hb-'));

beforeAll(async () => {
  const store = await testStoreOverride(dir);
  const config = configFor(dir, {
    ...(store ? { store } : {}),
    heartbeats: [
      { name: 'db-backup', token: TOKEN, target: 'db-1', period: '1h', grace: '10m', severity: 'P1' },
      { name: 'report-job', token: 'report-token-0123456789', target: 'app-1', schedule: '0 3 * * *', timezone: 'Asia/Shanghai', grace: '30m' },
      // No zone of its own: the collector's top-level `timezone` (default Asia/Shanghai), never the host's or UTC.
      { name: 'zoneless-job', token: 'zoneless-token-0123456789', target: 'app-2', schedule: '0 3 * * *', grace: '30m' },
    ],
  });
  running = await createCollector({ config, logger: createLogger({ level: 'silent' }), registry: new Registry(), now: () => clock }).start();
});
afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${running.apiPort}${path}`;
const ping = (path: string, init: RequestInit = {}) => fetch(url(`/api/v1/heartbeat/${path}`), { method: 'POST', ...init });
const api = (path: string, token = VIEWER, init: RequestInit = {}) =>
  fetch(url(path), { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
const open = (name: string) => running.intervals.open(running.store.db, HEARTBEAT_AGENT_ID, name);
const incidentsOf = async (target: string) => (await json(api(`/api/v1/incidents?target=${target}&status=open,acknowledged`))).items as Array<{ severity: string; check_id: string; status: string }>;

describe('heartbeats in a running collector', () => {
  it('never seen → CRIT after the first deadline, with an incident at the configured severity', async () => {
    clock = T0 + 69 * MIN;
    await running.heartbeats.checkDeadlines();
    expect(await open('db-backup')).toBeNull();
    clock = T0 + 70 * MIN;
    await running.heartbeats.checkDeadlines();
    const state = await open('db-backup');
    expect(state).toMatchObject({ state: 'crit', checkType: 'heartbeat', target: 'db-1', startMs: T0 + 70 * MIN });
    expect(state?.reason).toBe('never seen: no heartbeat ever received; expected by 2024-05-10T01:10:00.000Z');
    const incidents = await waitUntil(async () => {
      const list = await incidentsOf('db-1');
      return list.length > 0 && list;
    }, 10_000, 'an incident for db-1');
    expect(incidents[0]).toMatchObject({ severity: 'P1', check_id: 'db-backup' });
  });

  it('on time → OK; start → success records the duration; the list shows last ping and duration', async () => {
    clock = T0 + 80 * MIN;
    expect((await ping(`${TOKEN}/start`)).status).toBe(200);
    clock = T0 + 85 * MIN;
    const res = await ping(TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'db-backup', state: 'ok', next_deadline: new Date(T0 + 155 * MIN).toISOString() });
    expect(await open('db-backup')).toMatchObject({ state: 'ok', startMs: T0 + 85 * MIN });

    const list = (await json(api('/api/v1/heartbeats'))).heartbeats as Array<Record<string, unknown>>;
    expect(list.find((h) => h.name === 'db-backup')).toMatchObject({
      target: 'db-1',
      state: 'ok',
      period_s: 3600,
      grace_s: 600,
      last_ping: new Date(T0 + 85 * MIN).toISOString(),
      last_ping_kind: 'success',
      last_duration_ms: 5 * MIN,
    });
    const detail = await json(api('/api/v1/heartbeats/db-backup'));
    expect(detail.runs[0]).toEqual({ started_at: new Date(T0 + 80 * MIN).toISOString(), finished_at: new Date(T0 + 85 * MIN).toISOString(), duration_ms: 5 * MIN, outcome: 'success', exit_code: null });
    await waitUntil(async () => (await incidentsOf('db-1')).length === 0, 10_000, 'the incident to resolve');
  });

  it('late → CRIT and an incident opens again', async () => {
    clock = T0 + 160 * MIN;
    await running.heartbeats.checkDeadlines();
    expect(await open('db-backup')).toMatchObject({ state: 'crit', startMs: T0 + 155 * MIN, reason: 'late: last success 2024-05-10T01:25:00.000Z; expected by 2024-05-10T02:35:00.000Z' });
    await waitUntil(async () => (await incidentsOf('db-1')).length === 1, 10_000, 'an incident for the late heartbeat');
    // A success after the deadline: the late interval stays in the history, the state returns to OK.
    clock = T0 + 170 * MIN;
    expect((await ping(TOKEN, { method: 'GET' })).status).toBe(200);
    expect(await open('db-backup')).toMatchObject({ state: 'ok', startMs: T0 + 170 * MIN });
    const history = await running.intervals.history(running.store.db, HEARTBEAT_AGENT_ID, 'db-backup', T0, clock + 1);
    expect(history.map((i) => [i.state, (i.startMs - T0) / MIN])).toEqual([['crit', 70], ['ok', 85], ['crit', 155], ['ok', 170]]);
  });

  it('fail with exit_code → CRIT naming the code; success with a non-zero exit_code is a failure too', async () => {
    clock = T0 + 180 * MIN;
    expect((await ping(`${TOKEN}/fail?exit_code=3`)).status).toBe(200);
    expect(await open('db-backup')).toMatchObject({ state: 'crit', reason: 'job reported failure (exit code 3)' });
    clock = T0 + 181 * MIN;
    await ping(TOKEN);
    expect((await open('db-backup'))?.state).toBe('ok');
    clock = T0 + 182 * MIN;
    const res = await ping(TOKEN, { body: JSON.stringify({ exit_code: 2 }), headers: { 'content-type': 'application/json' } });
    expect(await res.json()).toMatchObject({ state: 'failed' });
    expect(await open('db-backup')).toMatchObject({ state: 'crit', reason: 'job reported failure (exit code 2)' });
  });

  it('unknown token → 404; bad exit_code → 400 naming the field; nothing changes', async () => {
    const before = await open('db-backup');
    const unknown = await ping('no-such-token-0123456789');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown heartbeat token', details: [] });
    const badQuery = await ping(`${TOKEN}/fail?exit_code=abc`);
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toEqual({ error: 'invalid query', details: [{ field: 'query.exit_code', message: 'must be an integer 0-255' }] });
    const badBody = await ping(TOKEN, { body: JSON.stringify({ exit_code: 300 }), headers: { 'content-type': 'application/json' } });
    expect(await badBody.json()).toEqual({ error: 'invalid body', details: [{ field: 'body.exit_code', message: 'must be an integer 0-255' }] });
    const extra = await ping(TOKEN, { body: JSON.stringify({ code: 1 }), headers: { 'content-type': 'application/json' } });
    expect(await extra.json()).toEqual({ error: 'invalid body', details: [{ field: 'body.code', message: 'unknown parameter' }] });
    expect(await open('db-backup')).toEqual(before);
  });

  it('cron heartbeat: never seen until 03:30 Shanghai passes', async () => {
    clock = Date.parse('2024-05-10T19:29:00Z');
    await running.heartbeats.checkDeadlines();
    expect(await open('report-job')).toBeNull();
    clock = Date.parse('2024-05-10T19:31:00Z');
    await running.heartbeats.checkDeadlines();
    expect(await open('report-job')).toMatchObject({ state: 'crit', startMs: Date.parse('2024-05-10T19:30:00Z'), target: 'app-1' });
  });

  it('a schedule without its own timezone runs in the collector\'s timezone, also when created over the API', async () => {
    expect(await open('zoneless-job')).toMatchObject({ state: 'crit', startMs: Date.parse('2024-05-10T19:30:00Z'), target: 'app-2' });
    expect(await json(api('/api/v1/heartbeats/zoneless-job'))).toMatchObject({ timezone: 'Asia/Shanghai' });
    const created = await json(api('/api/v1/heartbeats', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'api-zoneless', target: 'app-3', schedule: '0 3 * * *', grace: '30m' }) }));
    expect(created).toMatchObject({ timezone: 'Asia/Shanghai', next_deadline: '2024-05-11T19:30:00.000Z' });
    expect((await api('/api/v1/heartbeats/api-zoneless', ADMIN, { method: 'DELETE' })).status).toBe(204);
  });

  it('admin creates a heartbeat over the API and gets its token once; viewers may not', async () => {
    const body = JSON.stringify({ name: 'nas-sync', target: 'nas-1', period: '1d', grace: '1h' });
    expect((await api('/api/v1/heartbeats', VIEWER, { method: 'POST', body })).status).toBe(403);
    const created = await api('/api/v1/heartbeats', ADMIN, { method: 'POST', body });
    expect(created.status).toBe(201);
    const hb = await json(created);
    expect(hb).toMatchObject({ name: 'nas-sync', target: 'nas-1', source: 'api', state: 'new', period_s: 86_400, grace_s: 3600 });
    expect(hb.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(hb.ping_url).toBe(`/api/v1/heartbeat/${hb.token}`);
    expect(JSON.stringify(await json(api('/api/v1/heartbeats')))).not.toContain(hb.token);

    expect((await ping(hb.token)).status).toBe(200);
    expect(await open('nas-sync')).toMatchObject({ state: 'ok', target: 'nas-1' });
    expect((await api('/api/v1/heartbeats', ADMIN, { method: 'POST', body })).status).toBe(409);
    expect((await api('/api/v1/heartbeats/db-backup', ADMIN, { method: 'DELETE' })).status).toBe(409);
    expect((await api('/api/v1/heartbeats/nas-sync', ADMIN, { method: 'DELETE' })).status).toBe(204);
    expect((await ping(hb.token)).status).toBe(404);
  });

  it('bad definitions → 400 with every field named', async () => {
    const res = await api('/api/v1/heartbeats', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'Bad Name', target: '', schedule: '61 * * * *', timezone: 'Nowhere/City', colour: 'red' }) });
    expect(res.status).toBe(400);
    const fields = ((await json(res)).details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['body.colour', 'body.name', 'body.schedule', 'body.target', 'body.timezone']);
  });
});
