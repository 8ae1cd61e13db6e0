/**
 * Console sessions in the store (SQLite or PostgreSQL): created at login, found by the cookie value (stored as its
 * SHA-256), revoked by logout or by an admin, expired after 12 h (30 days when "remember me"). Survive collector
 * restarts. Also the login rate limiter (in memory: failures per client address and per name within a window).
 *
 * Every API request with a cookie asks `find`: a found session is kept in memory for `cacheMs` (default 2 s) so a
 * page's burst of requests costs one query. A revocation through this collector drops the cached entries at once;
 * another collector on the same PostgreSQL refuses a session revoked here once its own entry is older than
 * `cacheMs` (it asks the database again then).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { SqlStore } from '../store/sql/connect.js';
import type { ConsoleSessionsTable } from '../store/sql/schema-api.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';
import { REMEMBER_TTL_MS, SESSION_TTL_MS } from './console-config.js';

export interface ConsoleSession {
  id: number;
  userName: string;
  csrfToken: string;
  remember: boolean;
  createdAtMs: number;
  expiresAtMs: number;
  lastSeenMs: number;
  userAgent: string | null;
  address: string | null;
}

export interface NewConsoleSession {
  tokenSha256: string;
  csrfToken: string;
  userName: string;
  remember: boolean;
  atMs: number;
  expiresAtMs: number;
  userAgent: string | null;
  address: string | null;
}

/** How long a found session is trusted without asking the database again (see the module comment). */
export const SESSION_CACHE_MS = 2_000;
/** Sessions are deleted this long after they expired (kept a while for the audit of who was logged in). */
const KEEP_EXPIRED_MS = 90 * 86_400_000;
const MAX_CACHED = 10_000;

const COLUMNS = ['id', 'user_name', 'csrf_token', 'remember', 'created_at_ms', 'expires_at_ms', 'last_seen_ms', 'user_agent', 'address'] as const;
type Row = Pick<Selectable<ConsoleSessionsTable>, (typeof COLUMNS)[number]>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fromRow = (r: Row): ConsoleSession => ({
  id: r.id,
  userName: r.user_name,
  csrfToken: r.csrf_token,
  remember: r.remember === 1,
  createdAtMs: r.created_at_ms,
  expiresAtMs: r.expires_at_ms,
  lastSeenMs: r.last_seen_ms,
  userAgent: r.user_agent,
  address: r.address,
});

/** The console_sessions table (both engines); `q` is the store's db or a transaction's handle. */
export function createSessionRepo() {
  return {
    async insert(q: Q, s: NewConsoleSession): Promise<ConsoleSession> {
      const row = await q
        .insertInto('console_sessions')
        .values({
          token_sha256: s.tokenSha256,
          csrf_token: s.csrfToken,
          user_name: s.userName,
          remember: s.remember ? 1 : 0,
          created_at_ms: s.atMs,
          expires_at_ms: s.expiresAtMs,
          last_seen_ms: s.atMs,
          user_agent: s.userAgent,
          address: s.address,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },
    /** The live (not revoked, not expired at `atMs`) session whose cookie hashes to `tokenSha256`. */
    async byToken(q: Q, tokenSha256: string, atMs: number): Promise<ConsoleSession | null> {
      const row = await q
        .selectFrom('console_sessions')
        .select(COLUMNS)
        .where('token_sha256', '=', tokenSha256)
        .where('revoked_at_ms', 'is', null)
        .where('expires_at_ms', '>', atMs)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    async revoke(q: Q, id: number, atMs: number, by: string): Promise<boolean> {
      const result = await q.updateTable('console_sessions').set({ revoked_at_ms: atMs, revoked_by: by }).where('id', '=', id).where('revoked_at_ms', 'is', null).executeTakeFirst();
      return changed(result) > 0;
    },
    async revokeUser(q: Q, userName: string, atMs: number, by: string): Promise<number> {
      const result = await q.updateTable('console_sessions').set({ revoked_at_ms: atMs, revoked_by: by }).where('user_name', '=', userName).where('revoked_at_ms', 'is', null).executeTakeFirst();
      return changed(result);
    },
    /** Live sessions at `atMs`, most recently seen (as stored) first. */
    async active(q: Q, atMs: number): Promise<ConsoleSession[]> {
      const rows = await q
        .selectFrom('console_sessions')
        .select(COLUMNS)
        .where('revoked_at_ms', 'is', null)
        .where('expires_at_ms', '>', atMs)
        .orderBy('last_seen_ms', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(fromRow);
    },
    async prune(q: Q, expiredBeforeMs: number): Promise<number> {
      return changed(await q.deleteFrom('console_sessions').where('expires_at_ms', '<', expiredBeforeMs).executeTakeFirst());
    },
  };
}
export type SessionRepo = ReturnType<typeof createSessionRepo>;

export interface SessionStoreDeps {
  store: SqlStore;
  now: () => number;
  /** How long a found session is used without asking the database (default SESSION_CACHE_MS; 0: ask every time). */
  cacheMs?: number;
}

export function createSessionStore(deps: SessionStoreDeps) {
  const { store, now } = deps;
  const repo = createSessionRepo();
  const cacheMs = deps.cacheMs ?? SESSION_CACHE_MS;
  // Last activity is kept in memory (no request that only reads writes to the database); stored at login.
  const lastSeen = new Map<number, number>();
  const withSeen = (s: ConsoleSession): ConsoleSession => ({ ...s, lastSeenMs: Math.max(s.lastSeenMs, lastSeen.get(s.id) ?? 0) });
  const cache = new Map<string, { session: ConsoleSession; atMs: number }>();
  // Bumped by every revocation: a lookup that began before one must not cache what it read (it may be revoked now).
  let generation = 0;

  function forget(match: (s: ConsoleSession) => boolean): void {
    generation++;
    for (const [key, entry] of cache) if (match(entry.session)) cache.delete(key);
  }

  return {
    /** A new session; returns it with the cookie value (never stored). */
    async create(userName: string, remember: boolean, meta: { userAgent?: string | undefined; address?: string | undefined }): Promise<{ session: ConsoleSession; token: string }> {
      const at = now();
      await repo.prune(store.db, at - KEEP_EXPIRED_MS);
      const token = randomBytes(32).toString('base64url');
      const session = await repo.insert(store.db, {
        tokenSha256: sha256(token),
        csrfToken: randomBytes(24).toString('base64url'),
        userName,
        remember,
        atMs: at,
        expiresAtMs: at + (remember ? REMEMBER_TTL_MS : SESSION_TTL_MS),
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
        address: meta.address ?? null,
      });
      return { session, token };
    },
    /** The live session of a cookie value, or undefined (unknown, expired or revoked). */
    async find(token: string): Promise<ConsoleSession | undefined> {
      const at = now();
      const key = sha256(token);
      const hit = cache.get(key);
      let session: ConsoleSession | undefined;
      if (hit && at - hit.atMs >= 0 && at - hit.atMs < cacheMs && hit.session.expiresAtMs > at) {
        session = hit.session;
      } else {
        cache.delete(key);
        const started = generation;
        session = (await repo.byToken(store.db, key, at)) ?? undefined;
        if (!session) return undefined;
        if (cacheMs > 0 && started === generation) {
          if (cache.size >= MAX_CACHED) cache.clear();
          cache.set(key, { session, atMs: at });
        }
      }
      lastSeen.set(session.id, at);
      return withSeen(session);
    },
    // Forgotten before and after the update: a lookup that read the row in between must not cache it either.
    async revoke(id: number, by: string): Promise<boolean> {
      forget((s) => s.id === id);
      const revoked = await repo.revoke(store.db, id, now(), by);
      forget((s) => s.id === id);
      return revoked;
    },
    async revokeUser(userName: string, by: string): Promise<number> {
      forget((s) => s.userName === userName);
      const revoked = await repo.revokeUser(store.db, userName, now(), by);
      forget((s) => s.userName === userName);
      return revoked;
    },
    async list(): Promise<ConsoleSession[]> {
      return (await repo.active(store.db, now())).map(withSeen);
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;

/**
 * Counts failed logins per key (`addr:` client address, `name:` login name) in a sliding window; `blocked` says how long a key
 * must wait. A success clears the name's failures.
 */
export function createLoginLimiter(opts: { maxFailures: number; maxPerAddress?: number; windowMs: number; now: () => number }) {
  const failures = new Map<string, number[]>();
  const recent = (key: string, at: number) => (failures.get(key) ?? []).filter((t) => t > at - opts.windowMs);
  const limitOf = (key: string) => (key.startsWith('addr:') ? (opts.maxPerAddress ?? opts.maxFailures) : opts.maxFailures);
  return {
    /** Milliseconds until one of these keys may try again; 0 when allowed. */
    retryAfterMs(keys: readonly string[]): number {
      const at = now();
      let wait = 0;
      for (const key of keys) {
        const times = recent(key, at);
        const limit = limitOf(key);
        if (times.length >= limit) wait = Math.max(wait, times[times.length - limit]! + opts.windowMs - at);
      }
      return wait;
    },
    fail(keys: readonly string[]): void {
      const at = now();
      for (const key of keys) failures.set(key, [...recent(key, at), at].slice(-limitOf(key) * 2));
      if (failures.size > 10_000) for (const [key] of failures) if (recent(key, at).length === 0) failures.delete(key);
    },
    succeed(key: string): void {
      failures.delete(key);
    },
  };
  function now() {
    return opts.now();
  }
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
