/**
 * createCollector(deps): the collector's flow (pipeline.ts) with its stages and sinks registered in order — store,
 * SLA front door, InfluxDB, console stream, notifications, SLA service, reports, incidents, agent events, ingest,
 * jobs, broker, API. Starts in that order; stops in reverse. Every event leaves the ingest after its commit.
 */
import type { Express } from 'express';
import { Registry } from 'prom-client';
import { createLifecycle, type Lifecycle } from '../common/lifecycle.js';
import type { Logger } from '../common/logger.js';
import type { Timers } from '../common/timers.js';
import { createAgentEventsService } from './agent-events/service.js';
import { createStreamHub } from './api/stream.js';
import { batchDelayMs, type CollectorConfig } from './config.js';
import type { IncidentNotice, NoticeSettled, StateChange } from './events.js';
import { createHeartbeatService, type HeartbeatService } from './heartbeats/service.js';
import { getIncidentById } from './incidents/repository.js';
import { registerInfluxMetrics } from './influx/metrics.js';
import { createInfluxService, type InfluxService } from './influx/service.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { createProcessor } from './ingest/processor.js';
import { createLivenessMonitor, restoreLiveness } from './liveness.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.js';
import { createNotifyMetrics } from './notify/metrics.js';
import { createNoticeContext, storedFindings } from './notify/notice-context.js';
import { createPipeline } from './pipeline.js';
import { createLiveConfig, type ReloadPlan } from './reload.js';
import { createStateChangeLog } from './state-change-log.js';
import { startReports } from './reports/runtime.js';
import { createSlaFrontDoor } from './sla-service/front-door.js';
import { createSlaService, type SlaService } from './sla-service/service.js';
import { startApi } from './start/api.js';
import { externalBrokerHealth, SHARED_GROUP_WARNING, startBroker } from './start/broker.js';
import { startIncidents, type IncidentUrls } from './start/incidents.js';
import { startJobs } from './start/jobs.js';
import { startNotifications } from './start/notifications.js';
import { openStore } from './start/store.js';
import { createSingletonJobs, type SingletonJobs } from './jobs/singleton.js';
import type { AgentsRepo } from './store/sql/agents-repo.js';
import type { ChecksRepo } from './store/sql/checks-repo.js';
import type { SqlStore } from './store/sql/connect.js';
import type { IntervalsRepo } from './store/sql/intervals-repo.js';
import { createSeqMarksRepo } from './store/sql/seq-marks.js';
import { BACKGROUND_TIMERS } from '../common/timers.js';

export { SHARED_GROUP_WARNING };

export type StateChangeListener = (change: StateChange) => void;

export interface CollectorDeps {
  config: CollectorConfig;
  logger: Logger;
  now?: () => number;
  /** Defaults to a fresh registry (tests run several collectors in one process). */
  registry?: Registry;
  /** Subscribers to committed state changes. More can be added with onStateChange. */
  listeners?: StateChangeListener[];
  /** Where incident notices go (the notification dispatcher); without it they are only logged. */
  onIncidentNotice?: (notice: IncidentNotice) => void;
  /** Timer functions of the SLA scheduler and burn-rate monitor (tests drive time with `now` and these). */
  timerFunctions?: Timers;
}

export interface RunningCollector {
  /** The state store (SQLite or PostgreSQL): `store.db` for queries outside a transaction. */
  store: SqlStore;
  agents: AgentsRepo;
  checks: ChecksRepo;
  intervals: IntervalsRepo;
  heartbeats: HeartbeatService;
  metrics: CollectorMetrics;
  registry: Registry;
  ingest: Ingest;
  /** The InfluxDB writer when `influx.enabled` (flush/stats for tests and /healthz). */
  influx: InfluxService | null;
  /** SLA timers, maintenance, availability (collector/sla-service). */
  sla: SlaService;
  /** The REST API's express app (tests walk its routes). */
  app: Express;
  /** Bound ports (the config may ask for 0). mqttPort is null with an external broker. */
  mqttPort: number | null;
  apiPort: number;
  warnings: string[];
  /** The singleton jobs (SLA timers, silence scan, …): which this collector holds (leases in the store). */
  jobs: SingletonJobs;
  /** One pass of the maintenance-end watcher (it runs every states.silence_scan by itself); returns checks offered. */
  reconcileAfterMaintenance(): Promise<number>;
  /** Resolves when every committed state change and notice so far went through its sinks (tests, shutdown). */
  drain(): Promise<void>;
  /** Applies a new config's reloadable sections in place (SIGHUP); the rest is reported as needing a restart. */
  reload(config: CollectorConfig): ReloadPlan;
  stop(): Promise<void>;
}

export function createCollector(deps: CollectorDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  /** Services bind their own `component`; `log` is the collector's own voice (pino children would repeat the key). */
  const root = deps.logger;
  const log = root.child({ component: 'collector' });
  const registry = deps.registry ?? new Registry();
  const metrics = createCollectorMetrics(registry);
  const pipeline = createPipeline(log);
  const changeLog = createStateChangeLog(log);
  // First sink of every state change: /metrics and the log (rate-limited); then the subscribers, in the order they came.
  pipeline.onStateChange('metrics and log', (change) => {
    metrics.stateChanges.inc({ to: change.to, cause: change.cause });
    changeLog.record(change);
  });
  for (const listener of deps.listeners ?? []) pipeline.onStateChange('subscriber', listener);

  /** Starts everything; if a step fails, what already started is stopped again before the error is rethrown. */
  async function start(): Promise<RunningCollector> {
    const lifecycle = createLifecycle(log);
    try {
      return await startWith(lifecycle);
    } catch (error) {
      await lifecycle.stop();
      throw error;
    }
  }

  async function startWith(lifecycle: Lifecycle): Promise<RunningCollector> {
    /** The config in effect: the start config with what reloads (SIGHUP) applied since. */
    const live = createLiveConfig(config, log);
    const warnings: string[] = [];
    const base = { config, lifecycle, log, root, now };
    const { store, agents, checks, intervals, observationLog, tracker, warn } = await openStore(config, { lifecycle, log, root, metrics, now });
    // Jobs that must run on one collector at a time (collectors in pairs share the store): each held by a lease.
    const jobs = createSingletonJobs({ store, ...(config.ha.collector_id ? { holder: config.ha.collector_id } : {}), now, timers: BACKGROUND_TIMERS, logger: root });

    // The one live answer to contracts, maintenance, derived timelines and incident clocks (a reload swaps its setup).
    const slaFront = await createSlaFrontDoor({ store, sla: config.sla, incidents: config.incidents, services: config.services, now, logger: root });
    let influx: InfluxService | null = null;
    if (config.influx.enabled) {
      const sink = createInfluxService({ config: config.influx, sla: slaFront, store, agents, checks, intervals, logger: root, now });
      influx = sink;
      registerInfluxMetrics(registry, sink);
      pipeline.onResult('influx', (m, receivedAtMs) => sink.onResult(m, receivedAtMs));
      pipeline.onStateChange('influx', (change) => sink.onStateChange(change));
      pipeline.onIncidentNotice('influx', (notice) => sink.onIncidentNotice(notice));
      lifecycle.add({ name: 'influx', stop: () => sink.stop() });
    }
    const stream = createStreamHub({ logger: root, now, agents, store });
    pipeline.onStateChange('console stream', (change) => stream.onStateChange(change));

    // Heartbeats are a source: their results enter the pipeline like an agent's; deadlines run on our clock.
    const heartbeats = await createHeartbeatService({ store, logger: root, now, configured: config.heartbeats, timeZone: config.timezone, publish: pipeline.publish });
    const publicUrl = config.api.public_url?.replace(/\/$/, '');
    // People open the console's deep link (phone or desk); machines get the API link as incident.api_url.
    const urls: IncidentUrls = publicUrl ? { incidentUrl: (n) => `${publicUrl}/#/incidents/${n}`, incidentApiUrl: (n) => `${publicUrl}/api/v1/incidents/${n}` } : {};
    // Findings and due times are added to every notice before it is rendered (notify/notice-context.ts).
    const noticeContext = createNoticeContext({
      findingOf: storedFindings(store),
      dueOf: async (id, atMs) => {
        const record = await getIncidentById(store.db, id);
        if (!record) return null;
        const timers = await slaFront.timers.compute(record, atMs);
        return { responseAtMs: timers.response?.dueAtMs ?? null, resolutionAtMs: timers.resolution?.dueAtMs ?? null };
      },
    });
    const injected = deps.onIncidentNotice;
    const dispatcher = injected ? null : startNotifications({ ...base, live, metrics, pipeline, noticeContext });
    if (injected) live.on('notifications', () => log.warn('notifications go to an injected handler: not reloaded'));
    // The dispatcher answers for the pages (their outcome settles the SLA outbox); an injected handler is done when it returns.
    pipeline.onIncidentNotice('notifications', injected ?? ((notice, paging) => dispatcher?.notify(notice, paging.take())));
    pipeline.onIncidentNotice('console stream', (notice) => stream.onIncidentNotice(notice));
    if (dispatcher) {
      const notifyMetrics = createNotifyMetrics(registry);
      pipeline.onDelivery('metrics', (delivery) => notifyMetrics.record(delivery));
    }
    const notify = (notice: IncidentNotice, settled?: NoticeSettled) => pipeline.incidentNotice(notice, settled);

    const sla = await createSlaService({ store, frontDoor: slaFront, sla: config.sla, incidents: config.incidents, services: config.services, now, logger: root, notify, ...(deps.timerFunctions ? { timerFunctions: deps.timerFunctions } : {}), ...(urls.incidentUrl ? { incidentUrl: urls.incidentUrl } : {}), registry });
    pipeline.onStateChange('sla month cache', (change) => sla.onStateChange(change));
    // Contracts, calendars, holiday data and maintenance take effect at once (docs/sla.md "Reloading contracts").
    live.on('sla', (next) => {
      try {
        sla.reload(next.sla);
      } catch (error) {
        log.error({ err: error }, 'sla section not applied; the running contracts stay');
      }
    });
    lifecycle.add({ name: 'sla timers', stop: () => sla.stop() });
    const reports = startReports({ store, config, startSchedules: false, sla, now, logger: root, notify, ...(dispatcher ? { deliver: dispatcher.deliver } : {}), ...(urls.incidentUrl ? { incidentUrl: urls.incidentUrl } : {}), ...(deps.timerFunctions ? { timerFunctions: deps.timerFunctions } : {}) });
    lifecycle.add({ name: 'reports', stop: () => reports.stop() });
    pipeline.onResult('report samples', (m) => reports.onResult(m));

    const { incidents, reconcileAfterMaintenance } = await startIncidents({ ...base, store, intervals, heartbeats, sla, slaFront, pipeline, metrics, urls, jobs, timerFunctions: deps.timerFunctions });
    // Agent events are stored in the ingest transaction; trap rules open/resolve incidents after its commit.
    const agentEvents = createAgentEventsService({ store, config: config.events, logger: root, now, ...(incidents ? { incidents } : {}), inMaintenance: slaFront.inMaintenance });
    lifecycle.add({ name: 'agent events', stop: () => agentEvents.stop() });

    const liveness = createLivenessMonitor({ silenceFactor: config.states.silence_factor });
    // Nothing could be heard while the collector was down: silence is measured from now, not from before the downtime.
    await restoreLiveness(store.db, liveness, checks, agents, intervals, now());
    const brokerHealth = externalBrokerHealth({ ...base, incidents, onReconnect: (atMs) => liveness.heardNothingUntil(atMs) });
    const processor = createProcessor({
      store, agents, checks, seqMarks: createSeqMarksRepo({ now, windowMs: config.ingest.dedupe_window }), tracker, liveness, metrics, logger: log, skewWarnMs: config.ingest.skew_warn, warn,
      onEvent: (q, m, receivedAtMs) => agentEvents.record(q, m, receivedAtMs),
      onAgentNotice: (q, agentId, kind, message, data, atMs) => agentEvents.notice(q, agentId, kind, message, data, atMs),
      onCommitted: () => agentEvents.committed(),
      onRolledBack: () => agentEvents.rolledBack(),
      willIsBrokersFault: (atMs) => brokerHealth?.willIsBrokersFault(atMs) ?? false,
    });
    const ingest = createIngest({
      processor,
      metrics,
      logger: root.child({ component: 'ingest' }),
      warn,
      now,
      maxPayloadBytes: config.ingest.max_payload_bytes,
      batchMaxItems: config.ingest.batch_max_messages,
      batchMaxDelayMs: batchDelayMs(config),
      announce: (changes) => pipeline.stateChanged(changes),
      onResult: (m, receivedAtMs) => pipeline.resultAccepted(m, receivedAtMs),
    });
    pipeline.setInput((topic, payload) => ingest.handle(topic, payload));
    lifecycle.add({ name: 'state change log', stop: () => changeLog.flush() });
    // Stops run in reverse: the last batch's state changes and notices go through their sinks (incidents, SLA,
    // InfluxDB) after the ingest flush and before those services and the store stop.
    lifecycle.add({ name: 'pipeline after the last batch', stop: () => pipeline.drain() });
    lifecycle.add({ name: 'ingest', stop: () => ingest.flush() });
    startJobs({ ...base, heartbeats, liveness, ingest, brokerHealth, store, checks, observationLog, jobs });
    // The report schedules and the SLA jobs run where their lease is held (stopped first at shutdown: reverse order).
    jobs.register('report-schedules', { start: () => reports.scheduler.start(), stop: () => reports.scheduler.stop() });
    for (const [name, job] of Object.entries(sla.jobs)) jobs.register(name, job);

    const broker = await startBroker({ ...base, live, health: brokerHealth, warnings, onMessage: pipeline.publish, store, holder: jobs.holder });
    if (config.api.tokens.length === 0 && config.api.users.length === 0) warnings.push('api.tokens and api.users are empty: every /api/v1 request is refused (401)');
    for (const w of warnings) if (w !== SHARED_GROUP_WARNING) log.warn(w);
    const { app, apiPort } = await startApi({
      ...base,
      live,
      parts: {
        store, agents, checks, intervals, registry, now, incidents, heartbeats, sla, reports: reports.service, reportSchedules: () => reports.scheduler.states(), events: agentEvents, stream,
        // Holiday-data warnings are checked at each request: a reload that adds the data clears them.
        health: { broker: () => broker.up(), warnings: () => [...warnings, ...slaFront.warnings()], jobs: () => jobs.status(), ...(broker.adoptedSessions ? { adoptedSessions: broker.adoptedSessions } : {}) },
      },
    });
    lifecycle.add({ name: 'console streams', stop: () => stream.close() });
    log.info({ api: `${config.api.listen.host}:${apiPort}`, mqtt: config.mqtt.url ?? `embedded ${config.mqtt.listen.host}:${broker.mqttPort}`, data_dir: config.data_dir }, 'collector started');

    await influx?.start();
    await sla.start(incidents, { timers: false });
    await agentEvents.start();
    await jobs.start();
    lifecycle.add({ name: 'singleton jobs', stop: () => jobs.stop() });
    // First at shutdown: a stopping collector adopts no peer's session (a peer stopping with it would release one).
    lifecycle.add({ name: 'session adoption', stop: () => broker.stopAdopting() });
    lifecycle.add({ name: 'pipeline', stop: () => pipeline.drain() });
    return { store, agents, checks, intervals, heartbeats, metrics, registry, ingest, influx, sla, app, mqttPort: broker.mqttPort, apiPort, warnings, jobs, reconcileAfterMaintenance, drain: () => pipeline.drain(), reload: (loaded) => live.reload(loaded), stop: () => lifecycle.stop() };
  }

  return {
    start,
    /** Subscribes to state changes (announced after commit). */
    onStateChange(listener: StateChangeListener): void {
      pipeline.onStateChange('subscriber', listener);
    },
  };
}
export type Collector = ReturnType<typeof createCollector>;
