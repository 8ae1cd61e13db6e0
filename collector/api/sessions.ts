/**
 * Console sessions in SQLite: created at login, found by the cookie value (stored as its SHA-256), revoked by
 * logout or by an admin, expired after 12 h (30 days when "remember me"). Survive collector restarts.
 * Also the login rate limiter (in memory: failures per client address and per name within a window).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
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

interface Row {
  id: number;
  user_name: string;
  csrf_token: string;
  remember: number;
  created_at_ms: number;
  expires_at_ms: number;
  last_seen_ms: number;
  user_agent: string | null;
  address: string | null;
}

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


export function createSessionStore(db: Db, now: () => number) {
  const insert = db.prepare(
    `INSERT INTO console_sessions (token_sha256, csrf_token, user_name, remember, created_at_ms, expires_at_ms, last_seen_ms, user_agent, address)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byToken = db.prepare('SELECT * FROM console_sessions WHERE token_sha256 = ? AND revoked_at_ms IS NULL AND expires_at_ms > ?');
  // Last activity is kept in memory (no request that only reads writes to the database); stored at login.
  const lastSeen = new Map<number, number>();
  const withSeen = (s: ConsoleSession): ConsoleSession => ({ ...s, lastSeenMs: Math.max(s.lastSeenMs, lastSeen.get(s.id) ?? 0) });
  const revokeOne = db.prepare('UPDATE console_sessions SET revoked_at_ms = ?, revoked_by = ? WHERE id = ? AND revoked_at_ms IS NULL');
  const revokeUser = db.prepare('UPDATE console_sessions SET revoked_at_ms = ?, revoked_by = ? WHERE user_name = ? AND revoked_at_ms IS NULL');
  const active = db.prepare('SELECT * FROM console_sessions WHERE revoked_at_ms IS NULL AND expires_at_ms > ? ORDER BY last_seen_ms DESC');
  const prune = db.prepare('DELETE FROM console_sessions WHERE expires_at_ms < ?');

  return {
    /** A new session; returns it with the cookie value (never stored). */
    create(userName: string, remember: boolean, meta: { userAgent?: string; address?: string }): { session: ConsoleSession; token: string } {
      const at = now();
      prune.run(at - 90 * 86_400_000);
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      const expires = at + (remember ? REMEMBER_TTL_MS : SESSION_TTL_MS);
      const info = insert.run(sha256(token), csrf, userName, remember ? 1 : 0, at, expires, at, meta.userAgent?.slice(0, 300) ?? null, meta.address ?? null);
      const session = fromRow(db.prepare('SELECT * FROM console_sessions WHERE id = ?').get(info.lastInsertRowid) as Row);
      return { session, token };
    },
    /** The live session of a cookie value, or undefined (unknown, expired or revoked). */
    find(token: string): ConsoleSession | undefined {
      const at = now();
      const row = byToken.get(sha256(token), at) as Row | undefined;
      if (!row) return undefined;
      lastSeen.set(row.id, at);
      return withSeen(fromRow(row));
    },
    revoke(id: number, by: string): boolean {
      return revokeOne.run(now(), by, id).changes > 0;
    },
    revokeUser(userName: string, by: string): number {
      return revokeUser.run(now(), by, userName).changes;
    },
    list(): ConsoleSession[] {
      return (active.all(now()) as Row[]).map((r) => withSeen(fromRow(r)));
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
