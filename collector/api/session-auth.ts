/**
 * Cookie sessions of the web console, beside bearer tokens (collector/api/auth.ts). A request with a session
 * cookie acts as that person with their configured role. Every non-GET/HEAD request with a cookie must carry the
 * session's CSRF token in `x-csrf-token` and, when the browser sends an Origin, come from this origin; a session
 * cannot act under another name (`by` in a body must be the person or absent).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { ApiRole } from '../config.js';
import type { ConsoleUser } from './console-config.js';
import { HttpError } from './errors.js';
import type { ConsoleSession, SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'outpost_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionAuthDeps {
  sessions: SessionStore;
  /** The configured people (read on every request, so a reload applies at once). */
  users: () => readonly ConsoleUser[];
  /** `api.public_url`: its origin is accepted besides the request's own. */
  publicUrl?: string;
}

export interface SessionCaller {
  name: string;
  role: ApiRole;
  session: ConsoleSession;
}

/** Cookie header → value of one cookie (first occurrence). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request's Origin (if any) is this server's own or the public URL's. */
export function sameOrigin(req: Request, publicUrl: string | undefined): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === req.get('host')) return true;
  if (publicUrl) {
    try {
      return new URL(publicUrl).origin === new URL(origin).origin;
    } catch {
      return false;
    }
  }
  return false;
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The session of this request's cookie, or undefined when there is no cookie. A cookie that names no live session
 * (expired, revoked, user removed) is a 401.
 */
export async function sessionCallerOf(req: Request, deps: SessionAuthDeps): Promise<SessionCaller | undefined> {
  const token = cookieValue(req.get('cookie'), SESSION_COOKIE);
  if (!token) return undefined;
  const session = await deps.sessions.find(token);
  if (!session) throw new HttpError(401, 'session expired or logged out', [{ field: 'cookies.outpost_session', message: 'log in again' }]);
  const user = deps.users().find((u) => u.name === session.userName);
  if (!user) throw new HttpError(401, 'session expired or logged out', [{ field: 'cookies.outpost_session', message: `user ${session.userName} is no longer configured` }]);
  return { name: user.name, role: user.role, session };
}

/** Refuses a cookie-authenticated write without the CSRF token or from another origin. */
export function checkCsrf(req: Request, caller: SessionCaller, publicUrl: string | undefined): void {
  if (SAFE.has(req.method)) return;
  if (!sameOrigin(req, publicUrl)) throw new HttpError(403, 'cross-origin request refused', [{ field: 'headers.origin', message: `${req.get('origin')} is not this console's origin` }]);
  const presented = req.get(CSRF_HEADER);
  if (!presented || !tokensEqual(presented, caller.session.csrfToken)) {
    throw new HttpError(403, 'missing or wrong CSRF token', [{ field: `headers.${CSRF_HEADER}`, message: 'send the csrf_token of GET /api/v1/session' }]);
  }
}

/** After body parsing: a console session acts only as itself (`by` absent or its own name). */
export const sessionActsAsItself: RequestHandler = (req, res, next) => {
  const caller = res.locals.caller as { name: string; session?: unknown } | undefined;
  const by: unknown = (req.body as { by?: unknown } | undefined)?.by;
  if (caller?.session && by !== undefined && by !== caller.name) {
    throw new HttpError(403, `a console session acts as ${caller.name} only`, [{ field: 'body.by', message: 'leave out by, or give your own name' }]);
  }
  next();
};

export function sessionCookie(token: string, opts: { maxAgeMs?: number; secure: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (opts.maxAgeMs !== undefined) parts.push(`Max-Age=${Math.floor(opts.maxAgeMs / 1000)}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export const clearedSessionCookie = (secure: boolean) => sessionCookie('', { maxAgeMs: 0, secure });

export const isSecure = (req: Request, publicUrl: string | undefined) => req.secure || (publicUrl?.startsWith('https:') ?? false);
