/**
 * Push heartbeats over HTTP.
 * - Pings, unauthenticated (the token in the URL is the secret): `POST|GET /api/v1/heartbeat/<token>` (success),
 *   `…/<token>/start`, `…/<token>/fail`; `exit_code` in the query or a JSON body (non-zero on success = fail).
 *   Unknown token → 404 (logged with a rate limit per client address); bad exit_code → 400 naming the field.
 * - `GET /api/v1/heartbeats` (viewer): list with state, last ping, last duration; `GET …/<name>` with recent runs;
 *   `POST /api/v1/heartbeats` (admin) creates one and returns its token once; `DELETE …/<name>` (admin).
 */
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { createRateLimitedLog } from '../../common/logger.js';
import { checkRule, heartbeatDefinitionShape } from '../heartbeats/config.js';
import type { FinishedRun, PingKind } from '../heartbeats/machine.js';
import { HeartbeatError, type HeartbeatService } from '../heartbeats/service.js';
import type { StoredHeartbeat } from '../heartbeats/store.js';
import { HttpError, validate } from './errors.js';

export interface HeartbeatRoutesDeps {
  heartbeats: HeartbeatService;
  logger: Logger;
  now: () => number;
  /** Base URL for the ping links in the create response (config api.public_url). */
  publicUrl?: string;
}

const exitCode = z.coerce.number({ error: 'must be an integer 0-255' }).int('must be an integer 0-255').min(0, 'must be an integer 0-255').max(255, 'must be an integer 0-255');
const pingQuery = z.strictObject({ exit_code: exitCode.optional() });
const pingBody = z.strictObject({ exit_code: exitCode.optional(), message: z.string().max(2000).optional() });
const tokenParam = z.strictObject({ token: z.string().min(16).max(200) });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function heartbeatJson(hb: StoredHeartbeat) {
  const r = hb.record;
  return {
    name: hb.name,
    target: hb.target,
    source: hb.source,
    period_s: hb.rule.kind === 'period' ? hb.rule.periodMs / 1000 : null,
    schedule: hb.rule.kind === 'cron' ? hb.rule.schedule : null,
    timezone: hb.rule.kind === 'cron' ? (hb.rule.timezone ?? null) : null,
    grace_s: hb.rule.graceMs / 1000,
    severity: hb.severity,
    state: r.status,
    next_deadline: iso(r.deadlineMs),
    last_ping: iso(r.lastPingMs),
    last_ping_kind: r.lastPingKind,
    last_success: iso(r.lastSuccessMs),
    running_since: iso(r.startedAtMs),
    last_duration_ms: r.lastDurationMs,
    last_exit_code: r.lastExitCode,
  };
}

const runJson = (run: FinishedRun) => ({
  started_at: iso(run.startedAtMs),
  finished_at: iso(run.finishedAtMs),
  duration_ms: run.durationMs,
  outcome: run.outcome,
  exit_code: run.exitCode,
});

/** The unauthenticated ping routes, mounted at /api/v1/heartbeat before the bearer-token check. */
export function createHeartbeatPingRouter(deps: HeartbeatRoutesDeps): Router {
  const router = Router();
  const warn = createRateLimitedLog(deps.logger.child({ component: 'heartbeat-pings' }), 60_000, 5, deps.now);
  const handler = (kind: PingKind): RequestHandler => async (req, res) => {
    const { token } = validate(tokenParam, req.params, 'params');
    const query = validate(pingQuery, req.query, 'query');
    const body = req.body === undefined || (typeof req.body === 'object' && req.body !== null && Object.keys(req.body as object).length === 0)
      ? {}
      : validate(pingBody, req.body, 'body');
    const code = body.exit_code ?? query.exit_code ?? null;
    const hb = await deps.heartbeats.ping(token, kind, code);
    if (!hb) {
      warn(`unknown:${req.ip ?? '-'}`, { client: req.ip }, 'heartbeat ping with an unknown token');
      throw new HttpError(404, 'unknown heartbeat token');
    }
    res.json({ name: hb.name, state: hb.record.status, next_deadline: iso(hb.record.deadlineMs) });
  };
  // The token is the ping's credential: an unknown one is refused before the body is parsed.
  const knownToken: RequestHandler = async (req, _res, next) => {
    const { token } = validate(tokenParam, req.params, 'params');
    if (!(await deps.heartbeats.knows(token))) {
      warn(`unknown:${req.ip ?? '-'}`, { client: req.ip }, 'heartbeat ping with an unknown token');
      throw new HttpError(404, 'unknown heartbeat token');
    }
    next();
  };
  const json = express.json({ limit: '16kb' });
  for (const [path, kind] of [['/:token', 'success'], ['/:token/start', 'start'], ['/:token/fail', 'fail']] as const) {
    router.post(path, knownToken, json, handler(kind));
    router.get(path, knownToken, handler(kind));
  }
  return router;
}

const createSchema = z.strictObject(heartbeatDefinitionShape).superRefine(checkRule);
const nameParam = z.strictObject({ name: heartbeatDefinitionShape.name });

function mapError(error: unknown): never {
  if (error instanceof HeartbeatError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.message);
  throw error;
}

/** The managed routes under /api/v1/heartbeats (authenticated). */
export function createHeartbeatsRouter(deps: HeartbeatRoutesDeps & { requireRole: (role: 'viewer' | 'admin') => RequestHandler }): Router {
  const router = Router();
  const base = (deps.publicUrl ?? '').replace(/\/$/, '');
  router.get('/', deps.requireRole('viewer'), async (_req, res) => {
    res.json({ heartbeats: (await deps.heartbeats.list()).map(heartbeatJson) });
  });
  router.get('/:name', deps.requireRole('viewer'), async (req, res) => {
    const { name } = validate(nameParam, req.params, 'params');
    const hb = await deps.heartbeats.get(name);
    if (!hb) throw new HttpError(404, `no heartbeat "${name}"`);
    res.json({ ...heartbeatJson(hb), runs: (await deps.heartbeats.recentRuns(name)).map(runJson) });
  });
  router.post('/', deps.requireRole('admin'), async (req, res) => {
    const def = validate(createSchema, req.body ?? {}, 'body');
    try {
      const { heartbeat, token } = await deps.heartbeats.create(def);
      const url = `${base}/api/v1/heartbeat/${token}`;
      res.status(201).json({ ...heartbeatJson(heartbeat), token, ping_url: url, start_url: `${url}/start`, fail_url: `${url}/fail` });
    } catch (error) {
      mapError(error);
    }
  });
  router.delete('/:name', deps.requireRole('admin'), async (req, res) => {
    const { name } = validate(nameParam, req.params, 'params');
    try {
      await deps.heartbeats.remove(name);
    } catch (error) {
      mapError(error);
    }
    res.status(204).end();
  });
  return router;
}
