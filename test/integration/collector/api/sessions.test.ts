/**
 * Console sessions (collector/api/sessions.ts) on both engines: create, find by cookie, expiry, logout and admin
 * revocation, the list; the per-collector cache: a revocation through this collector is immediate, one through
 * another collector (a second SessionStore on the same database) is refused here once the cache entry is older
 * than `cacheMs`. Times are 2026 epoch milliseconds (beyond INTEGER on PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionRepo, createSessionStore } from '../../../../collector/api/sessions.js';
import { REMEMBER_TTL_MS, SESSION_TTL_MS } from '../../../../collector/api/console-config.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);

const locations = storeLocations('sessions');

async function openStore(driver: Engine): Promise<SqlStore> {
  return openSqlStore(await locations.location(driver));
}

describe.each(ENGINES)('console sessions on %s', (driver) => {
  let store: SqlStore;
  let clock = T0;
  const now = () => clock;

  beforeAll(async () => {
    store = await openStore(driver);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a login creates a session found by its cookie value only; the stored token is its SHA-256', async () => {
    clock = T0;
    const sessions = createSessionStore({ store, now, cacheMs: 0 });
    const { session, token } = await sessions.create('alice', false, { userAgent: 'Firefox', address: '127.0.0.1' });
    expect(session).toMatchObject({ userName: 'alice', remember: false, createdAtMs: T0, expiresAtMs: T0 + SESSION_TTL_MS, lastSeenMs: T0, userAgent: 'Firefox', address: '127.0.0.1' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.find(token)).toMatchObject({ id: session.id, userName: 'alice', csrfToken: session.csrfToken });
    expect(await sessions.find(`${token}x`)).toBeUndefined();
    const stored = await store.db.selectFrom('console_sessions').select(['token_sha256', 'remember', 'expires_at_ms']).where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(stored.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_sha256).not.toContain(token);
    expect(stored).toMatchObject({ remember: 0, expires_at_ms: T0 + SESSION_TTL_MS });
  });

  it('expires after its TTL (remembered ones after 30 days), cached or not', async () => {
    clock = T0;
    const sessions = createSessionStore({ store, now, cacheMs: 60_000 });
    const plain = await sessions.create('bob', false, {});
    const remembered = await sessions.create('bob', true, {});
    expect(remembered.session.expiresAtMs).toBe(T0 + REMEMBER_TTL_MS);
    expect(await sessions.find(plain.token)).toBeDefined();
    clock = T0 + SESSION_TTL_MS;
    expect(await sessions.find(plain.token)).toBeUndefined();
    expect(await sessions.find(remembered.token)).toBeDefined();
    clock = T0 + REMEMBER_TTL_MS;
    expect(await sessions.find(remembered.token)).toBeUndefined();
  });

  it('logout and admin revocation through this collector refuse the session at once, even when cached', async () => {
    clock = T0;
    const sessions = createSessionStore({ store, now, cacheMs: 60_000 });
    const a = await sessions.create('carol', false, {});
    const b = await sessions.create('carol', true, {});
    const c = await sessions.create('dave', false, {});
    for (const s of [a, b, c]) expect(await sessions.find(s.token)).toBeDefined();
    expect(await sessions.revoke(a.session.id, 'carol')).toBe(true);
    expect(await sessions.revoke(a.session.id, 'carol')).toBe(false);
    expect(await sessions.find(a.token)).toBeUndefined();
    expect(await sessions.revokeUser('carol', 'root')).toBe(1);
    expect(await sessions.find(b.token)).toBeUndefined();
    expect(await sessions.find(c.token)).toBeDefined();
    const revoked = await store.db.selectFrom('console_sessions').select(['revoked_at_ms', 'revoked_by']).where('id', '=', b.session.id).executeTakeFirstOrThrow();
    expect(revoked).toEqual({ revoked_at_ms: T0, revoked_by: 'root' });
  });

  it('a revocation through another collector is refused here once the cached entry is older than cacheMs', async () => {
    clock = T0;
    const here = createSessionStore({ store, now, cacheMs: 2_000 });
    const there = createSessionStore({ store, now, cacheMs: 2_000 });
    const { session, token } = await here.create('erin', false, {});
    expect(await here.find(token)).toBeDefined();
    expect(await there.revoke(session.id, 'root')).toBe(true);
    expect(await there.find(token)).toBeUndefined();
    clock = T0 + 1_999;
    expect(await here.find(token)).toBeDefined();
    clock = T0 + 2_000;
    expect(await here.find(token)).toBeUndefined();
    // A refused session is not cached as live again.
    expect(await here.find(token)).toBeUndefined();
  });

  it('lists live sessions with last activity from memory (a read writes nothing)', async () => {
    clock = T0 + 10_000;
    const sessions = createSessionStore({ store, now, cacheMs: 0 });
    const { session, token } = await sessions.create('frank', true, {});
    clock = T0 + 20_000;
    await sessions.find(token);
    const listed = (await sessions.list()).find((s) => s.id === session.id);
    expect(listed).toMatchObject({ userName: 'frank', remember: true, lastSeenMs: T0 + 20_000 });
    const stored = await store.db.selectFrom('console_sessions').select('last_seen_ms').where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(stored.last_seen_ms).toBe(T0 + 10_000);
    expect((await sessions.list()).every((s) => s.userName !== 'carol' && s.userName !== 'erin')).toBe(true);
  });

  it('a login deletes sessions expired more than 90 days ago', async () => {
    const repo = createSessionRepo();
    await repo.insert(store.db, { tokenSha256: 'f'.repeat(64), csrfToken: 'x', userName: 'old', remember: false, atMs: T0 - 200 * 86_400_000, expiresAtMs: T0 - 100 * 86_400_000, userAgent: null, address: null });
    clock = T0;
    await createSessionStore({ store, now }).create('grace', false, {});
    const old = await store.db.selectFrom('console_sessions').select('id').where('user_name', '=', 'old').execute();
    expect(old).toEqual([]);
  });
});
