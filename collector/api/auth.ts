/**
 * Bearer-token authentication with roles viewer < operator < admin. `authenticate` resolves the caller
 * (401 when the token is missing or unknown); `requireRole` guards a route (403 when the role is too low).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ApiRole } from '../config.js';
import { HttpError } from './errors.js';
import { checkCsrf, sessionCallerOf, type SessionAuthDeps } from './session-auth.js';

export interface ApiToken {
  name: string;
  token: string;
  role: ApiRole;
}

export interface Caller {
  name: string;
  role: ApiRole;
}

const RANK: Record<ApiRole, number> = { viewer: 1, operator: 2, admin: 3 };

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The tokens, or a function returning the ones in effect now (a config reload swaps them). */
export type ApiTokens = readonly ApiToken[] | (() => readonly ApiToken[]);

/** Bearer tokens; with `sessions`, also the console's cookie sessions (collector/api/session-auth.ts). */
export function createAuthenticate(tokens: ApiTokens, sessions?: SessionAuthDeps): RequestHandler {
  // Comparing fixed-length digests in constant time hides token lengths and contents from timing.
  const current = typeof tokens === 'function' ? tokens : () => tokens;
  let source: readonly ApiToken[] | null = null;
  let known: Array<ApiToken & { digest: Buffer }> = [];
  return async (req, res, next) => {
    const list = current();
    if (list !== source) {
      source = list;
      known = list.map((t) => ({ ...t, digest: digest(t.token) }));
    }
    const header = req.get('authorization') ?? '';
    if (sessions && header === '') {
      const session = await sessionCallerOf(req, sessions);
      if (session) {
        checkCsrf(req, session, sessions.publicUrl);
        res.locals.caller = session;
        next();
        return;
      }
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'missing bearer token', [{ field: 'headers.authorization', message: 'expected "Bearer <token>"' }]);
    const presented = digest(match[1]);
    const found = known.find((t) => timingSafeEqual(t.digest, presented));
    if (!found) throw new HttpError(401, 'invalid token');
    res.locals.caller = { name: found.name, role: found.role } satisfies Caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new HttpError(401, 'not authenticated');
  return caller;
}

export function requireRole(role: ApiRole): RequestHandler {
  return (_req, res, next) => {
    const caller = callerOf(res);
    if (RANK[caller.role] < RANK[role]) throw new HttpError(403, `role ${caller.role} may not do this (needs ${role})`);
    next();
  };
}
