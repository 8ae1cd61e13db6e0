/**
 * The REST API as an express app, without listen (tests and the collector bind it). JSON under /api/v1 with
 * bearer tokens (viewer < operator < admin); /healthz and /metrics outside /api.
 */
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../../common/logger.js';
import type { AgentsRepo } from '../store/sql/agents-repo.js';
import type { ChecksRepo } from '../store/sql/checks-repo.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createAgentsRouter } from './agents.js';
import { createAuthenticate, requireRole, type ApiTokens } from './auth.js';
import { createChecksRouter } from './checks.js';
import { errorHandler, notFound } from './errors.js';
import { createHealthRouter, createStoreProbe, type HealthProbe } from './health.js';
import { createHeartbeatPingRouter, createHeartbeatsRouter } from './heartbeats.js';
import type { HeartbeatService } from '../heartbeats/service.js';
import { createIncidentsRouter } from './incidents.js';
import type { IncidentService } from '../incidents/service.js';
import { createStatesRouter } from './states.js';
import type { SlaService } from '../sla-service/service.js';
import { createAvailabilityRouter } from './availability.js';
import { createMaintenanceRouter } from './maintenance.js';
import { createIncidentPauseRouter, createSlaRouter } from './sla.js';
import { createTargetsRouter } from './targets.js';
import { createReportsRouter } from './reports.js';
import type { ScheduleState } from '../reports/scheduler.js';
import type { ReportService } from '../reports/service.js';
import { createEventsRouter, type EventsRouterDeps } from './events.js';
import type { ConsoleUser, StatusPageConfig } from './console-config.js';
import { sessionActsAsItself, type SessionAuthDeps } from './session-auth.js';
import { createPublicSessionRouter, createSessionRouter, type SessionRoutesDeps } from './session-routes.js';
import { createLoginLimiter, createSessionStore } from './sessions.js';
import { createStatusPageRouter } from './status-page.js';
import { createSamplesRouter } from './samples.js';
import { createAgentsExportRouter } from './agents-export.js';
import type { StreamHub } from './stream.js';
import { createWebAssetsRouter } from './web-assets.js';

/** The web console: people who log in, status pages, defaults for the console's language and time zone. */
export interface ConsoleDeps {
  users: () => readonly ConsoleUser[];
  statusPages: readonly StatusPageConfig[];
  timezone: string;
  lang: 'zh-CN' | 'en';
  /** Built console assets (collector/api/web-assets.ts findConsoleDir); not served when null. */
  webDir: string | null;
  /** Failed logins allowed per client address / name within `loginWindowMs` (default 10 / 5 per 15 min). */
  loginLimits?: { perAddress: number; perName: number; windowMs: number };
  /** How long a found session is used before the store is asked again (sessions.ts; default 2 s). */
  sessionCacheMs?: number;
}

export interface ApiDeps {
  /** The async store (SQLite or PostgreSQL); every route reads through it. */
  store: SqlStore;
  agents: AgentsRepo;
  checks: ChecksRepo;
  intervals: IntervalsRepo;
  /** Bearer tokens, or a function returning the ones in effect (config reload). */
  tokens: ApiTokens;
  registry: Registry;
  /** Broker state, warnings and the singleton jobs for /healthz (the store is probed here, through `store`). */
  health: HealthProbe;
  /** How long /healthz waits for the store's `SELECT 1` (default: 2 s on PostgreSQL, 10 s on SQLite). */
  storeProbeTimeoutMs?: number;
  logger: Logger;
  now: () => number;
  /** Base URL for links (config api.public_url). */
  publicUrl?: string;
  /** The incident service; /api/v1/incidents is mounted when present. */
  incidents?: IncidentService;
  /** Push heartbeats; /api/v1/heartbeat/<token> (unauthenticated pings) and /api/v1/heartbeats are mounted when present. */
  heartbeats?: HeartbeatService;
  /** The SLA glue; /api/v1/availability, /maintenance, /sla and incident pause/resume + `sla` timers are mounted when present. */
  sla?: SlaService;
  /** Reports (collector/reports); /api/v1/reports is mounted when present. */
  reports?: ReportService;
  /** The report schedules' state, for GET /api/v1/reports/schedules. */
  reportSchedules?: () => ScheduleState[] | Promise<ScheduleState[]>;
  /** The collector's time zone (config `timezone`), for answers people read (incident CLI). */
  timeZone?: string;
  /** Agent events (collector/agent-events); /api/v1/events is mounted when present. */
  events?: EventsRouterDeps['events'];
  /** The web console (sessions, status pages, assets at /); bearer tokens only when absent. */
  console?: ConsoleDeps;
  /** Live events; /api/v1/stream is mounted when present. */
  stream?: StreamHub;
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Bodies are parsed only after authentication (below): an unauthenticated request never costs a parse.
  const json = express.json({ limit: '1mb' });
  app.use(createHealthRouter({ health: deps.health, registry: deps.registry, store: createStoreProbe(deps.store, deps.storeProbeTimeoutMs) }));
  // Heartbeat pings carry their own secret (the token in the URL), so they are mounted before bearer auth.
  if (deps.heartbeats) app.use('/api/v1/heartbeat', createHeartbeatPingRouter({ heartbeats: deps.heartbeats, logger: deps.logger, now: deps.now }));
  const api = express.Router();
  let sessionAuth: SessionAuthDeps | undefined;
  let sessionRoutes: SessionRoutesDeps | undefined;
  if (deps.console) {
    const c = deps.console;
    const sessions = createSessionStore({ store: deps.store, now: deps.now, ...(c.sessionCacheMs !== undefined ? { cacheMs: c.sessionCacheMs } : {}) });
    const limits = c.loginLimits ?? { perAddress: 10, perName: 5, windowMs: 15 * 60_000 };
    sessionAuth = { sessions, users: c.users, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) };
    sessionRoutes = {
      ...sessionAuth,
      limiter: createLoginLimiter({ maxFailures: limits.perName, maxPerAddress: limits.perAddress, windowMs: limits.windowMs, now: deps.now }),
      logger: deps.logger,
      timezone: c.timezone,
      lang: c.lang,
    };
    if (deps.sla) app.use('/api/v1/status', createStatusPageRouter({ store: deps.store, sla: deps.sla, checks: deps.checks, intervals: deps.intervals, pages: c.statusPages, now: deps.now }));
    // The login is the one POST parsed before authentication (it is how a person authenticates).
    app.post('/api/v1/session', json);
    app.use('/api/v1', createPublicSessionRouter(sessionRoutes));
  }
  api.use(createAuthenticate(deps.tokens, sessionAuth));
  api.use(json);
  api.use(sessionActsAsItself);
  if (sessionRoutes) api.use(createSessionRouter({ ...sessionRoutes, requireRole }));
  if (deps.stream) api.use('/stream', requireRole('viewer'), deps.stream.router);
  if (deps.console) api.use('/agents', requireRole('viewer'), createAgentsExportRouter({ store: deps.store, agents: deps.agents, timezone: deps.console.timezone, lang: deps.console.lang }));
  api.use('/agents', requireRole('viewer'), createAgentsRouter(deps));
  api.use('/targets', requireRole('viewer'), createTargetsRouter({ ...deps, ...(deps.sla ? { inMaintenance: deps.sla.inMaintenance } : {}) }));
  api.use('/checks', requireRole('viewer'), createChecksRouter(deps));
  api.use('/checks', requireRole('viewer'), createSamplesRouter(deps));
  api.use('/states', requireRole('viewer'), createStatesRouter(deps));
  const sla = deps.sla;
  if (deps.incidents && sla) api.use('/incidents', createIncidentPauseRouter({ store: deps.store, pauses: sla.pauses, extensions: sla.extensions, timers: sla.timers, now: deps.now, requireRole }));
  if (deps.incidents) {
    const slaOf = sla ? { slaOf: (record: Parameters<SlaService['timers']['json']>[0]) => sla.timers.json(record, deps.now()) } : {};
    api.use('/incidents', createIncidentsRouter({ incidents: deps.incidents, requireRole, logger: deps.logger, ...slaOf, ...(deps.timeZone ? { timeZone: deps.timeZone } : {}), ...(deps.console ? { lang: deps.console.lang } : {}) }));
  }
  if (sla) {
    api.use('/availability', requireRole('viewer'), createAvailabilityRouter({ availability: sla.availability, now: deps.now }));
    api.use('/maintenance', createMaintenanceRouter({ store: deps.store, maintenance: sla.maintenance, setup: () => sla.setup, now: deps.now, requireRole, changed: () => sla.scheduler.changed() }));
    api.use('/sla', requireRole('viewer'), createSlaRouter({ summary: sla.summary }));
  }
  if (deps.events) api.use('/events', requireRole('viewer'), createEventsRouter({ events: deps.events, now: deps.now }));
  if (deps.reports) api.use('/reports', requireRole('viewer'), createReportsRouter({ reports: deps.reports, requireRole, ...(deps.reportSchedules ? { schedules: deps.reportSchedules } : {}), ...(deps.timeZone ? { timeZone: deps.timeZone } : {}) }));
  if (deps.heartbeats) api.use('/heartbeats', createHeartbeatsRouter({ heartbeats: deps.heartbeats, logger: deps.logger, now: deps.now, publicUrl: deps.publicUrl, requireRole }));
  app.use('/api/v1', api);
  if (deps.console?.webDir) app.use(createWebAssetsRouter(deps.console.webDir));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
