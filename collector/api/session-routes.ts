/**
 * The console's session API. Public: POST /api/v1/session {name, password, remember} (login; rate-limited; sets
 * the HttpOnly SameSite=Strict cookie) and GET /api/v1/console (language and time zone for the login page).
 * Authenticated: GET /api/v1/session (who am I + csrf_token), DELETE /api/v1/session (logout),
 * GET /api/v1/sessions and DELETE /api/v1/sessions/:id or ?user=NAME (admin: list and revoke).
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { OUTPOST_VERSION } from '../../common/version.js';
import type { ApiRole } from '../config.js';
import { REMEMBER_TTL_MS, type ConsoleUser } from './console-config.js';
import { HttpError, validate } from './errors.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { clearedSessionCookie, isSecure, sameOrigin, sessionCookie, type SessionCaller } from './session-auth.js';
import type { LoginLimiter, SessionStore } from './sessions.js';

export interface SessionRoutesDeps {
  sessions: SessionStore;
  users: () => readonly ConsoleUser[];
  limiter: LoginLimiter;
  logger: Logger;
  publicUrl?: string;
  timezone: string;
  lang: 'zh-CN' | 'en';
}

const loginSchema = z.strictObject({
  name: z.string().trim().min(1, 'name is required').max(100),
  password: z.string().min(1, 'password is required').max(1024),
  remember: z.boolean().default(false),
});
const revokeParams = z.strictObject({ id: z.coerce.number().int().min(1) });
const revokeQuery = z.strictObject({ user: z.string().min(1).max(100) });

export function createPublicSessionRouter(deps: SessionRoutesDeps): Router {
  const router = Router();
  const logger = deps.logger.child({ component: 'api.session' });

  router.get('/console', (_req, res) => {
    res.json({ lang: deps.lang, timezone: deps.timezone, version: OUTPOST_VERSION, login: deps.users().length > 0 });
  });

  router.post('/session', async (req, res) => {
    if (!sameOrigin(req, deps.publicUrl)) throw new HttpError(403, 'cross-origin request refused', [{ field: 'headers.origin', message: `${req.get('origin')} is not this console's origin` }]);
    const body = validate(loginSchema, req.body ?? {}, 'body');
    const address = req.socket.remoteAddress ?? 'unknown';
    const keys = [`addr:${address}`, `name:${body.name}`];
    const waitMs = deps.limiter.retryAfterMs(keys);
    if (waitMs > 0) {
      res.set('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new HttpError(429, 'too many failed logins; try again later', [{ field: 'body.name', message: `retry in ${Math.ceil(waitMs / 1000)} s` }]);
    }
    const user = deps.users().find((u) => u.name === body.name);
    const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, body.password);
    if (!user || !ok) {
      deps.limiter.fail(keys);
      logger.warn({ user: body.name, address }, 'console login failed');
      throw new HttpError(401, 'wrong name or password');
    }
    deps.limiter.succeed(`name:${body.name}`);
    const { session, token } = await deps.sessions.create(user.name, body.remember, { userAgent: req.get('user-agent'), address });
    res.set('set-cookie', sessionCookie(token, { ...(body.remember ? { maxAgeMs: REMEMBER_TTL_MS } : {}), secure: isSecure(req, deps.publicUrl) }));
    res.set('cache-control', 'no-store');
    logger.info({ user: user.name, role: user.role, remember: body.remember, address, session: session.id }, 'console login');
    res.json(sessionJson(user.name, user.role, session, user.lang ?? deps.lang));
  });
  return router;
}

function sessionJson(name: string, role: ApiRole, session: SessionCaller['session'] | undefined, lang: string) {
  return {
    name,
    role,
    lang,
    csrf_token: session?.csrfToken ?? null,
    session_id: session?.id ?? null,
    remember: session?.remember ?? false,
    expires_at_ms: session?.expiresAtMs ?? null,
  };
}

export function createSessionRouter(deps: SessionRoutesDeps & { requireRole: (role: ApiRole) => RequestHandler }): Router {
  const router = Router();
  const logger = deps.logger.child({ component: 'api.session' });
  const callerOf = (res: { locals: Record<string, unknown> }) => res.locals.caller as { name: string; role: ApiRole; session?: SessionCaller['session'] };

  router.get('/session', (_req, res) => {
    const caller = callerOf(res);
    const user = deps.users().find((u) => u.name === caller.name);
    res.set('cache-control', 'no-store');
    res.json(sessionJson(caller.name, caller.role, caller.session, user?.lang ?? deps.lang));
  });

  router.delete('/session', async (req, res) => {
    const caller = callerOf(res);
    if (caller.session) {
      await deps.sessions.revoke(caller.session.id, caller.name);
      logger.info({ user: caller.name, session: caller.session.id }, 'console logout');
    }
    res.set('set-cookie', clearedSessionCookie(isSecure(req, deps.publicUrl)));
    res.status(204).end();
  });

  router.get('/sessions', deps.requireRole('admin'), async (_req, res) => {
    res.json({
      items: (await deps.sessions.list()).map((s) => ({
        id: s.id,
        user: s.userName,
        remember: s.remember,
        created_at_ms: s.createdAtMs,
        expires_at_ms: s.expiresAtMs,
        last_seen_ms: s.lastSeenMs,
        user_agent: s.userAgent,
        address: s.address,
      })),
    });
  });

  router.delete('/sessions/:id', deps.requireRole('admin'), async (req, res) => {
    const { id } = validate(revokeParams, req.params, 'params');
    const caller = callerOf(res);
    if (!(await deps.sessions.revoke(id, caller.name))) throw new HttpError(404, `session ${id} not found or already ended`);
    logger.info({ session: id, by: caller.name }, 'console session revoked');
    res.status(204).end();
  });

  router.delete('/sessions', deps.requireRole('admin'), async (req, res) => {
    const { user } = validate(revokeQuery, req.query, 'query');
    const caller = callerOf(res);
    const revoked = await deps.sessions.revokeUser(user, caller.name);
    logger.info({ user, revoked, by: caller.name }, 'console sessions of a user revoked');
    res.json({ revoked });
  });
  return router;
}
