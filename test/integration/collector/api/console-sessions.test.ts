/**
 * The console's sessions over real HTTP on 127.0.0.1: login (cookie flags, remember me), CSRF and Origin checks on
 * every cookie write, roles, the actor is the person, logout and admin revocation, login rate limit, sessions
 * surviving a restart, bearer tokens unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../../collector/api/passwords.js';
import { ADMIN, OPERATOR, json, startTestCollector, type TestCollector } from '../support.js';

const PASSWORDS = { alice: 'alice-password-1', victor: 'victor-password-1', root: 'root-password-12' };

async function users() {
  return [
    { name: 'alice', password_hash: await hashPassword(PASSWORDS.alice), role: 'operator' },
    { name: 'victor', password_hash: await hashPassword(PASSWORDS.victor), role: 'viewer' },
    { name: 'root', password_hash: await hashPassword(PASSWORDS.root), role: 'admin' },
  ];
}

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
}

describe('console sessions', () => {
  let tc: TestCollector;
  let overrides: Record<string, unknown>;
  const base = () => `http://127.0.0.1:${tc.running.apiPort}`;

  async function login(name: keyof typeof PASSWORDS, remember = false): Promise<Session> {
    const res = await fetch(`${base()}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORDS[name], remember }) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const body = (await res.json()) as any;
    return { cookie: setCookie.split(';')[0]!, csrf: body.csrf_token, setCookie };
  }

  const withCookie = (s: Session, path: string, init: RequestInit & { csrf?: boolean; origin?: string } = {}) =>
    fetch(`${base()}${path}`, {
      ...init,
      headers: {
        cookie: s.cookie,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.csrf === false ? {} : { 'x-csrf-token': s.csrf }),
        ...(init.origin ? { origin: init.origin } : {}),
      },
    });

  beforeAll(async () => {
    overrides = { incidents: { enabled: true }, api: { listen: { port: 0 }, tokens: [{ name: 'ops-bot', token: OPERATOR, role: 'operator' }, { name: 'a', token: ADMIN, role: 'admin' }], users: await users() } };
    tc = await startTestCollector(overrides);
  });
  afterAll(async () => {
    await tc.running.stop();
  });

  it('a login sets an HttpOnly SameSite=Strict cookie (a browser session, or 30 days when remembered)', async () => {
    const plain = await login('alice');
    expect(plain.setCookie).toMatch(/^outpost_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const remembered = await login('alice', true);
    expect(remembered.setCookie).toContain('Max-Age=2592000');
    const me = await json(withCookie(plain, '/api/v1/session'));
    expect(me).toMatchObject({ name: 'alice', role: 'operator', lang: 'zh-CN', csrf_token: plain.csrf, remember: false });
  });

  it('wrong password and unknown name: 401 with one message; nothing reveals which', async () => {
    for (const body of [{ name: 'alice', password: 'nope-nope' }, { name: 'mallory', password: 'whatever1' }]) {
      const res = await fetch(`${base()}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect((await res.json()) as unknown).toEqual({ error: 'wrong name or password', details: [] });
    }
    const invalid = await fetch(`${base()}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '', password: '' }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).details.map((d: { field: string }) => d.field)).toEqual(['body.name', 'body.password']);
  });

  it('a cookie write without the CSRF token or from another origin is refused, and nothing is stored', async () => {
    const s = await login('alice');
    const before = (await json(withCookie(s, '/api/v1/incidents?status=open'))).total;
    const noToken = await withCookie(s, '/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'forged', severity: 'P1' }), csrf: false });
    expect(noToken.status).toBe(403);
    expect((await noToken.json()) as unknown).toEqual({ error: 'missing or wrong CSRF token', details: [{ field: 'headers.x-csrf-token', message: 'send the csrf_token of GET /api/v1/session' }] });
    const wrongToken = await withCookie({ ...s, csrf: 'x'.repeat(32) }, '/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'forged', severity: 'P1' }) });
    expect(wrongToken.status).toBe(403);
    const foreign = await withCookie(s, '/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'forged', severity: 'P1' }), origin: 'http://evil.example.test' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as any).error).toBe('cross-origin request refused');
    expect((await json(withCookie(s, '/api/v1/incidents?status=open'))).total).toBe(before);
  });

  it('the actor is the logged-in person; a session cannot act under another name', async () => {
    const s = await login('alice');
    const created = await withCookie(s, '/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: '电话报障：打印机', severity: 'P3' }), origin: base() });
    expect(created.status).toBe(201);
    const incident = (await created.json()) as any;
    expect(incident.timeline[0].actor).toBe('alice');
    const impersonate = await withCookie(s, `/api/v1/incidents/${incident.number}/ack`, { method: 'POST', body: JSON.stringify({ by: 'bob' }) });
    expect(impersonate.status).toBe(403);
    expect((await impersonate.json()) as unknown).toEqual({ error: 'a console session acts as alice only', details: [{ field: 'body.by', message: 'leave out by, or give your own name' }] });
    expect((await json(withCookie(s, `/api/v1/incidents/${incident.number}`))).status).toBe('open');
    const ack = await withCookie(s, `/api/v1/incidents/${incident.number}/ack`, { method: 'POST', body: JSON.stringify({}) });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as any).acknowledged_by).toBe('alice');
    // A bearer token still names its person with `by` (a shared bot token), as before.
    const bot = await fetch(`${base()}/api/v1/incidents/${incident.number}/note`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, body: JSON.stringify({ by: 'carol', text: 'called the vendor' }) });
    expect(bot.status).toBe(201);
    expect(((await bot.json()) as any).timeline.at(-1)).toMatchObject({ actor: 'carol', kind: 'note' });
  });

  it('a viewer session reads but a POST with a valid CSRF token gets 403', async () => {
    const v = await login('victor');
    expect((await withCookie(v, '/api/v1/incidents')).status).toBe(200);
    const post = await withCookie(v, '/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'x', severity: 'P4' }) });
    expect(post.status).toBe(403);
    expect((await post.json()) as unknown).toEqual({ error: 'role viewer may not do this (needs operator)', details: [] });
  });

  it('logout ends the session; an admin lists and revokes sessions', async () => {
    const s = await login('alice');
    const out = await withCookie(s, '/api/v1/session', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await withCookie(s, '/api/v1/session');
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error).toBe('session expired or logged out');

    const phone = await login('alice', true);
    const admin = await login('root');
    const denied = await withCookie(phone, '/api/v1/sessions');
    expect(denied.status).toBe(403);
    const list = await json(withCookie(admin, '/api/v1/sessions'));
    const mine = list.items.filter((i: { user: string; remember: boolean }) => i.user === 'alice' && i.remember);
    expect(mine.length).toBeGreaterThan(0);
    for (const item of mine) expect((await withCookie(admin, `/api/v1/sessions/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await withCookie(phone, '/api/v1/session')).status).toBe(401);
    const missing = await withCookie(admin, '/api/v1/sessions/999999', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });

  it('remembered sessions survive a collector restart; bearer tokens keep working', async () => {
    const phone = await login('alice', true);
    await tc.running.stop();
    tc = await startTestCollector(overrides, tc.dataDir);
    expect((await json(withCookie(phone, '/api/v1/session'))).name).toBe('alice');
    const bearer = await fetch(`${base()}/api/v1/agents`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(bearer.status).toBe(200);
  });

  it('logins are rate-limited per name: the 6th try within 15 min gets 429 even with the right password', async () => {
    const attempt = (password: string) => fetch(`${base()}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'root', password }) });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}-password`)).status).toBe(401);
    const limited = await attempt(PASSWORDS.root);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as any).error).toBe('too many failed logins; try again later');
  });
});
