/** /api/v1/incidents on a real express app bound to 127.0.0.1, with the collector's own auth and error handler. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../../../../collector/events.js';
import { startIncidentsApiServer, type IncidentsApiServer } from './api-server.js';

const T0 = Date.parse('2025-03-14T02:00:00Z');
let server: IncidentsApiServer;
let base: string;

beforeAll(async () => {
  server = await startIncidentsApiServer(T0);
  base = `${server.url}/api/v1/incidents`;
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const op = (method: string, path: string, body?: unknown) => call(method, path, 'operator-token', body);

function change(overrides: Partial<StateChange> = {}): StateChange {
  return { agentId: 'web-1', target: 'web-1', checkId: 'disk-root', checkType: 'disk', from: 'ok', to: 'crit', atMs: server.clock.now, reason: 'disk full', cause: 'result', ...overrides };
}

describe('auth', () => {
  it('401 without a token, 403 for a viewer writing, viewer may read', async () => {
    expect((await call('GET', '/', null)).status).toBe(401);
    const denied = await call('POST', '/', 'viewer-token', { title: 't', severity: 'P3' });
    expect(denied).toEqual({ status: 403, body: { error: 'role viewer may not do this (needs operator)', details: [] } });
    expect((await call('GET', '/', 'viewer-token')).status).toBe(200);
    expect((await call('POST', '/', 'admin-token', { title: 't', severity: 'P3' })).status).toBe(201);
  });
});

describe('manual tickets and the lifecycle', () => {
  it('POST / numbers the ticket at once; ack → resolve → close with the timeline', async () => {
    const created = await op('POST', '/', { title: 'OA login fails', severity: 'P2', reporter: 'Zhang San', description: 'hotline call', started_at: '2025-03-14T01:50:00Z' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 'INC-20250314-0001',
      status: 'open',
      severity: 'P2',
      severity_label: '高',
      source: 'manual',
      reporter: 'Zhang San',
      started_at_ms: Date.parse('2025-03-14T01:50:00Z'),
      opened_at_ms: T0,
      timeline: [{ at_ms: T0, actor: 'oscar', kind: 'opened', note: 'hotline call', data: { source: 'manual', severity: 'P2', reporter: 'Zhang San' } }],
    });
    const number = created.body.number as string;
    expect(server.notices.map((n) => [n.kind, n.incident.number, n.actor])).toEqual([['opened', number, 'oscar']]);

    const acked = await op('POST', `/${number}/ack`, { by: 'Wang Wu' });
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledged_by: 'Wang Wu' });
    expect((await op('POST', `/${number}/note`, { text: 'LDAP slow' })).status).toBe(201);
    const resolved = await op('POST', `/${number}/resolve`, { cause: 'LDAP disk full', resolution: 'rotated logs' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved_by: 'oscar', cause: 'LDAP disk full', resolution: 'rotated logs' });
    const closed = await op('POST', `/${number}/close`, {});
    expect(closed.body.status).toBe('closed');
    expect(closed.body.timeline.map((e: any) => [e.kind, e.actor, e.note])).toEqual([
      ['opened', 'oscar', 'hotline call'],
      ['acknowledged', 'Wang Wu', null],
      ['note', 'oscar', 'LDAP slow'],
      ['resolved', 'oscar', 'rotated logs'],
      ['closed', 'oscar', null],
    ]);
  });

  it('409 on illegal transitions, with the reason', async () => {
    const { body } = await op('POST', '/', { title: 't', severity: 'P4' });
    expect(await op('POST', `/${body.number}/close`, {})).toEqual({
      status: 409,
      body: { error: `cannot close incident ${body.number}: it is open`, details: [] },
    });
    await op('POST', `/${body.number}/ack`, {});
    expect((await op('POST', `/${body.number}/ack`, {})).status).toBe(409);
    expect((await op('POST', `/${body.number}/reopen`, {})).status).toBe(409);
    await op('POST', `/${body.number}/resolve`, { cause: 'c', resolution: 'r' });
    expect((await op('POST', `/${body.number}/reopen`, { note: 'came back' })).body).toMatchObject({ status: 'open', resolved_at_ms: null });
  });

  it('404 for unknown numbers, 400 for malformed ones', async () => {
    expect(await call('GET', '/INC-20990101-0001', 'viewer-token')).toEqual({ status: 404, body: { error: 'incident INC-20990101-0001 not found', details: [] } });
    expect((await op('POST', '/INC-20990101-0001/ack', {})).status).toBe(404);
    expect(await call('GET', '/42', 'viewer-token')).toEqual({
      status: 400,
      body: { error: 'invalid params', details: [{ field: 'params.number', message: 'expected INC-YYYYMMDD-NNNN' }] },
    });
  });
});

describe('validation', () => {
  it('names every bad field of a manual ticket; nothing is created', async () => {
    const res = await op('POST', '/', { severity: 'P9', extra: 1, started_at: 'yesterday' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid body');
    const fields = res.body.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.title', 'body.severity', 'body.extra', 'body.started_at']));
    expect((await call('GET', '/', 'viewer-token')).body.total).toBe(0);
  });

  it('resolve needs cause and resolution; note needs text; the incident stays as it was', async () => {
    const { body } = await op('POST', '/', { title: 't', severity: 'P3' });
    const res = await op('POST', `/${body.number}/resolve`, { cause: '  ' });
    expect(res).toEqual({
      status: 400,
      body: {
        error: 'invalid body',
        details: [
          { field: 'body.cause', message: 'cause is required' },
          { field: 'body.resolution', message: expect.stringContaining('expected string') },
        ],
      },
    });
    expect((await op('POST', `/${body.number}/note`, {})).body.details).toEqual([{ field: 'body.text', message: expect.stringContaining('expected string') }]);
    expect((await call('GET', `/${body.number}`, 'viewer-token')).body).toMatchObject({ status: 'open', timeline: [{ kind: 'opened' }] });
  });

  it('malformed JSON is a 400', async () => {
    const res = await call('POST', '/', 'operator-token', '{"title": ');
    expect(res).toEqual({ status: 400, body: { error: 'malformed JSON body', details: [] } });
  });

  it('bad list parameters are named', async () => {
    const res = await call('GET', '/?status=open,bogus&limit=0&from=2025-03-15&to=2025-03-14&colour=red', 'viewer-token');
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: any) => d.field)).toEqual(expect.arrayContaining(['query.status[1]', 'query.limit', 'query.colour']));
    const window = await call('GET', '/?from=2025-03-15&to=2025-03-14', 'viewer-token');
    expect(window.body.details).toEqual([{ field: 'query.from', message: 'from must be before to' }]);
  });
});

describe('listing', () => {
  it('filters by status, severity, target and time; pages with a total', async () => {
    for (let i = 0; i < 7; i++) {
      server.clock.now = T0 + i * 60_000;
      await server.service.handleStateChange(change({ target: i % 2 ? 'db-1' : 'web-1', checkId: `c${i}`, to: i < 3 ? 'crit' : 'warn' }));
    }
    await server.service.resolve('INC-20250314-0001', 'wang', 'c', 'r');
    const all = await call('GET', '/?limit=3', 'viewer-token');
    expect(all.body).toMatchObject({ total: 7, limit: 3, offset: 0 });
    expect(all.body.items.map((i: any) => i.number)).toEqual(['INC-20250314-0007', 'INC-20250314-0006', 'INC-20250314-0005']);
    const page3 = await call('GET', '/?limit=3&offset=6', 'viewer-token');
    expect(page3.body.items.map((i: any) => i.number)).toEqual(['INC-20250314-0001']);

    const open = await call('GET', '/?status=open,acknowledged', 'viewer-token');
    expect(open.body.total).toBe(6);
    const p2 = await call('GET', '/?severity=P2&status=open', 'viewer-token');
    expect(p2.body.items.map((i: any) => i.number)).toEqual(['INC-20250314-0003', 'INC-20250314-0002']);
    const db1 = await call('GET', '/?target=db-1', 'viewer-token');
    expect(db1.body.total).toBe(3);
    const window = await call('GET', `/?from=${T0 + 60_000}&to=${new Date(T0 + 180_000).toISOString()}`, 'viewer-token');
    expect(window.body.items.map((i: any) => i.number)).toEqual(['INC-20250314-0003', 'INC-20250314-0002']);
  });

  it('shows a folded child with its parent number', async () => {
    await server.service.handleStateChange(change({ checkId: 'ping', checkType: 'ping' }));
    await server.service.handleStateChange(change());
    const child = await call('GET', '/INC-20250314-0002', 'viewer-token');
    expect(child.body).toMatchObject({ parent_number: 'INC-20250314-0001', parent_id: expect.any(Number) });
    const host = await call('GET', '/INC-20250314-0001', 'viewer-token');
    expect(host.body).toMatchObject({ is_host: true, children: [{ number: 'INC-20250314-0002', status: 'open' }] });
  });
});
