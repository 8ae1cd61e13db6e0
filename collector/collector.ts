/**
 * createCollector(deps): wires the store, state tracker, ingest, broker (embedded aedes or an external
 * broker), liveness scanning and the REST API. Starts in dependency order; stops in reverse. State changes
 * are announced to listeners only after they are committed.
 */
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Registry } from 'prom-client';
import type { Logger } from '../common/logger.js';
import { createLifecycle } from '../common/lifecycle.js';
import { createRateLimitedLog } from '../common/logger.js';
import { createApp } from './api/app.js';
import { createStreamHub, type StreamHub } from './api/stream.js';
import { findConsoleDir } from './api/web-assets.js';
import { startEmbeddedBroker } from './broker.js';
import { brokerHost, createBrokerHealth, type BrokerHealth } from './broker-health.js';
import { databaseFile, type CollectorConfig } from './config.js';
import { createLiveConfig, type ReloadPlan } from './reload.js';
import type { IncidentNotice, StateChange } from './events.js';
import { reconciliationChanges } from './incidents/reconcile.js';
import { createStateChangeLog } from './state-change-log.js';
import { createMaintenanceEndWatcher } from './sla-service/maintenance-end.js';
import { REAL_TIMERS } from './sla-service/scheduler.js';
import { activeIncidentKeys, getIncidentById } from './incidents/repository.js';
import { createIncidentService, type IncidentService } from './incidents/service.js';
import { createDispatcher, type Dispatcher } from './notify/dispatcher.js';
import { createNoticeContext, storedFindings } from './notify/notice-context.js';
import { createNotifyMetrics } from './notify/metrics.js';
import { registerInfluxMetrics } from './influx/metrics.js';
import { createInfluxService, type InfluxService } from './influx/service.js';
import { createSlaFrontDoor } from './sla-service/front-door.js';
import type { TimerFunctions } from './sla-service/scheduler.js';
import { createSlaService, type SlaService } from './sla-service/service.js';
import { startReports } from './reports/runtime.js';
import { withHeartbeatRules } from './heartbeats/incident-rules.js';
import { createHeartbeatService, type HeartbeatService } from './heartbeats/service.js';
import { startExternalSource } from './ingest/external-source.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { createProcessor } from './ingest/processor.js';
import { createLivenessMonitor, restoreLiveness } from './liveness.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.js';
import { createStateTracker, type CheckMeta } from './states/tracker.js';
import { createAgentsStore, type AgentsStore } from './store/agents-store.js';
import { createChecksStore, type ChecksStore } from './store/checks-store.js';
import { acquireDataDirLock } from './store/data-dir-lock.js';
import { openDatabase, type Db } from './store/db.js';
import { createIntervalsStore, type IntervalsStore } from './store/intervals-store.js';
import { createObservationLog } from './store/observation-log.js';
import { createSeqMarks } from './store/seq-marks.js';
import { createAgentEventsService } from './agent-events/service.js';

const PRUNE_EVERY_MS = 3_600_000;

export type StateChangeListener = (change: StateChange) => void;

export interface CollectorDeps {
  config: CollectorConfig;
  logger: Logger;
  now?: () => number;
  /** Defaults to a fresh registry (tests run several collectors in one process). */
  registry?: Registry;
  /** Subscribers to committed state changes (the incident engine). More can be added with onStateChange. */
  listeners?: StateChangeListener[];
  /** Where incident notices go (the notification dispatcher); without it they are only logged. */
  onIncidentNotice?: (notice: IncidentNotice) => void;
  /** Timer functions of the SLA scheduler and burn-rate monitor (tests drive time with `now` and these). */
  timerFunctions?: TimerFunctions;
}

export interface RunningCollector {
  db: Db;
  agents: AgentsStore;
  checks: ChecksStore;
  intervals: IntervalsStore;
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
  /** One pass of the maintenance-end watcher (it runs every states.silence_scan by itself); returns checks offered. */
  reconcileAfterMaintenance(): number;
  /** Applies a new config's logins and notifications in place (SIGHUP); the rest is reported as needing a restart. */
  reload(config: CollectorConfig): ReloadPlan;
  stop(): Promise<void>;
}

export const SHARED_GROUP_WARNING =
  'mqtt.shared_group is set: several collectors on one shared subscription split each agent\'s history between their own SQLite files until a shared store (PostgreSQL) exists; run one collector per broker otherwise';

export function createCollector(deps: CollectorDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const listeners: StateChangeListener[] = [...(deps.listeners ?? [])];
  const log = deps.logger.child({ component: 'collector' });
  const changeLog = createStateChangeLog(log);

  let incidentBatch: ((changes: StateChange[]) => void) | null = null;

  function announce(changes: StateChange[], metrics: CollectorMetrics): void {
    for (const change of changes) {
      metrics.stateChanges.inc({ to: change.to, cause: change.cause });
      changeLog.record(change);
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          log.error({ err: error }, 'state change listener failed');
        }
      }
    }
    // The incident service takes a whole ingest batch in one transaction: one fsync when an agent drops 500 checks.
    if (incidentBatch && changes.length > 0) {
      try {
        incidentBatch(changes);
      } catch (error) {
        // The batch rolled back: retry one by one so one bad change cannot cost the others their incidents.
        log.error({ err: error }, 'incident service failed on a batch of state changes; applying them one by one');
        for (const change of changes) {
          try {
            incidentBatch([change]);
          } catch (single) {
            log.error({ err: single, agent_id: change.agentId, check_id: change.checkId }, 'incident service failed on a state change');
          }
        }
      }
    }
  }

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

  async function startWith(lifecycle: ReturnType<typeof createLifecycle>): Promise<RunningCollector> {
    const registry = deps.registry ?? new Registry();
    const metrics = createCollectorMetrics(registry);
    /** The config in effect: the start config with what reloads (SIGHUP) applied since. */
    const live = createLiveConfig(config, log);
    const warnings: string[] = [];
    // First: a second collector on this data_dir is refused before it touches anything.
    const lock = acquireDataDirLock(config.data_dir);
    lifecycle.add({ name: 'data_dir lock', stop: () => lock.release() });
    if (lock.tookOverFrom !== null) log.warn({ stale_pid: lock.tookOverFrom, lock_file: lock.file }, 'stale data_dir lock of a collector that is gone taken over');
    const db = openDatabase(databaseFile(config));
    lifecycle.add({ name: 'database', stop: () => void db.close() });
    const agents = createAgentsStore(db);
    metrics.countAgentsOnlineWith(() => agents.countOnline());
    const checks = createChecksStore(db);
    const intervals = createIntervalsStore(db);
    const confirmations = config.states.confirmations;
    const observationLog = createObservationLog(db);
    const warn = createRateLimitedLog(log.child({ component: 'ingest' }), 10_000, 5, now);
    const tracker = createStateTracker({
      intervals,
      log: observationLog,
      confirmationsFor: (meta: CheckMeta) => confirmations[meta.checkId] ?? confirmations[meta.checkType] ?? config.states.default_confirmations,
      reorderWindowMs: config.states.reorder_window,
      now,
      onTooLate: (meta, run) => {
        metrics.tooLate.inc();
        warn(`too-late:${meta.agentId}`, { agent_id: meta.agentId, check_id: meta.checkId, observed_at_ms: run.firstMs }, 'result older than the reorder window dropped');
      },
    });
    // The one live answer to contracts, maintenance, derived timelines and incident clocks (a reload swaps its setup).
    const slaFront = createSlaFrontDoor({ db, sla: config.sla, incidents: config.incidents, services: config.services, now, logger: log });
    let influx: InfluxService | null = null;
    if (config.influx.enabled) {
      const sink = createInfluxService({ config: config.influx, sla: slaFront, db, agents, checks, intervals, logger: log, now });
      influx = sink;
      registerInfluxMetrics(registry, sink);
      listeners.push((change) => sink.onStateChange(change));
      lifecycle.add({ name: 'influx', stop: () => sink.stop() });
    }
    // Heartbeats publish their results through the ingest (created below), like an agent; deadlines run on our clock.
    const heartbeats = createHeartbeatService({ db, logger: log, now, configured: config.heartbeats, timeZone: config.timezone, publish: (topic, payload) => ingest.handle(topic, payload) });
    const publicUrl = config.api.public_url?.replace(/\/$/, '');
    // People open the console's deep link (phone or desk); machines get the API link as incident.api_url.
    const incidentUrl = publicUrl ? (number: string) => `${publicUrl}/#/incidents/${number}` : undefined;
    const incidentApiUrl = publicUrl ? (number: string) => `${publicUrl}/api/v1/incidents/${number}` : undefined;
    let incidents: IncidentService | undefined;
    // Findings and due times are added to every notice before it is rendered (notify/notice-context.ts).
    const noticeContext = createNoticeContext({
      findingOf: storedFindings(db),
      dueOf: (id, atMs) => {
        const record = getIncidentById(db, id);
        if (!record) return null;
        const timers = slaFront.timers.compute(record, atMs);
        return { responseAtMs: timers.response?.dueAtMs ?? null, resolutionAtMs: timers.resolution?.dueAtMs ?? null };
      },
    });
    /** Scheduled reports go out through the same dispatcher (set when it runs). */
    let deliverReport: Dispatcher['deliver'] | undefined;
    const stream = createStreamHub({ logger: log, now, agents });
    listeners.push((change) => stream.onStateChange(change));
    const notify = withStreamNotices(stream, withInfluxNotices(influx, deps.onIncidentNotice ?? startDispatcher()));
    if (deps.onIncidentNotice) live.on('notifications', () => log.warn('notifications go to an injected handler: not reloaded'));
    /** Notices go to the configured channels; every delivery outcome lands on the ticket timeline and in /metrics. */
    function startDispatcher(): (notice: IncidentNotice) => void {
      const notifyMetrics = createNotifyMetrics(registry);
      const build = (cfg: CollectorConfig['notifications']) => createDispatcher(cfg, {
        logger: log,
        now,
        timeZone: config.timezone,
        onDelivery: (delivery) => {
          notifyMetrics.record(delivery);
          if (delivery.incidentId > 0) incidents?.recordDelivery(delivery);
        },
        onFailure: (channel) => metrics.notificationFailures.inc({ channel }),
      });
      let dispatcher = build(config.notifications);
      // A reload swaps the dispatcher; the old one finishes what it has queued in the background.
      live.on('notifications', (next) => {
        const old = dispatcher;
        dispatcher = build(next.notifications);
        old.stop().catch((error: unknown) => log.error({ err: error }, 'previous notification dispatcher did not stop cleanly'));
      });
      lifecycle.add({ name: 'notifications', stop: () => dispatcher.stop() });
      deliverReport = (message, channels, name) => dispatcher.deliver(message, channels, name);
      return (notice) => dispatcher.notify(noticeContext.enrich(notice));
    }
    const sla = createSlaService({
      db,
      frontDoor: slaFront,
      sla: config.sla,
      incidents: config.incidents,
      services: config.services,
      now,
      logger: log,
      notify,
      ...(deps.timerFunctions ? { timerFunctions: deps.timerFunctions } : {}),
      ...(incidentUrl ? { incidentUrl } : {}),
      registry,
    });
    listeners.push((change) => sla.onStateChange(change));
    // Contracts, calendars, holiday data and maintenance take effect at once (docs/sla.md "Reloading contracts").
    live.on('sla', (next) => {
      try {
        sla.reload(next.sla);
      } catch (error) {
        log.error({ err: error }, 'sla section not applied; the running contracts stay');
      }
    });
    lifecycle.add({ name: 'sla timers', stop: () => sla.stop() });
    const reports = startReports({ db, config, sla, now, logger: log, notify, ...(deliverReport ? { deliver: deliverReport } : {}), ...(incidentUrl ? { incidentUrl } : {}), ...(deps.timerFunctions ? { timerFunctions: deps.timerFunctions } : {}) });
    lifecycle.add({ name: 'reports', stop: () => reports.stop() });
    let afterMaintenance = (): number => 0;
    if (config.incidents.enabled) {
      incidents = createIncidentService({
        db,
        config: withHeartbeatRules(config.incidents, () => heartbeats.list()),
        now,
        logger: log,
        notify,
        ...(incidentUrl ? { incidentUrl } : {}),
        ...(incidentApiUrl ? { incidentApiUrl } : {}),
        openGauge: metrics.incidentsOpen,
        sla: sla.incidentHooks,
      });
      const service = incidents;
      service.handleStateChanges(reconciliationChanges(intervals.openAll(), activeIncidentKeys(db)));
      incidentBatch = (changes) => service.handleStateChanges(changes);
      // A check still bad when its target's maintenance ends gets its incident then.
      const watcher = createMaintenanceEndWatcher({
        openIntervals: () => intervals.openNotOk(),
        maintenanceOf: slaFront.maintenanceOf,
        handle: (changes) => service.handleStateChanges(changes),
        now,
        timerFunctions: deps.timerFunctions ?? REAL_TIMERS,
        everyMs: config.states.silence_scan,
      });
      watcher.start();
      afterMaintenance = watcher.scan;
      lifecycle.add({ name: 'maintenance end watcher', stop: () => watcher.stop() });
    }
    // Agent events are stored in the ingest transaction; trap rules open/resolve incidents after its commit.
    const agentEvents = createAgentEventsService({
      db,
      config: config.events,
      logger: log,
      now,
      ...(incidents ? { incidents } : {}),
      inMaintenance: slaFront.inMaintenance,
    });
    lifecycle.add({ name: 'agent events', stop: () => agentEvents.stop() });
    const liveness = createLivenessMonitor({ silenceFactor: config.states.silence_factor });
    // Nothing could be heard while the collector was down: silence is measured from now, not from before the downtime.
    restoreLiveness(liveness, checks, agents, intervals, now());
    let brokerHealth: BrokerHealth | null = null;
    const processor = createProcessor({
      db, agents, checks, seqMarks: createSeqMarks(db, { now, windowMs: config.ingest.dedupe_window }), tracker, liveness, metrics, logger: log, skewWarnMs: config.ingest.skew_warn, warn,
      onEvent: (m, receivedAtMs) => agentEvents.record(m, receivedAtMs),
      onAgentNotice: (agentId, kind, message, data, atMs) => agentEvents.notice(agentId, kind, message, data, atMs),
      willIsBrokersFault: (atMs) => brokerHealth?.willIsBrokersFault(atMs) ?? false,
    });
    const ingest = createIngest({
      processor,
      metrics,
      logger: log.child({ component: 'ingest' }),
      warn,
      now,
      maxPayloadBytes: config.ingest.max_payload_bytes,
      batchMaxItems: config.ingest.batch_max_messages,
      batchMaxDelayMs: config.ingest.batch_max_delay,
      announce: (changes) => announce(changes, metrics),
      onResult: (m, receivedAtMs) => {
        influx?.onResult(m, receivedAtMs);
        reports.onResult(m);
      },
    });
    lifecycle.add({ name: 'state change log', stop: () => changeLog.flush() });
    lifecycle.add({ name: 'ingest', stop: () => ingest.flush() });
    const deadlineScan = setInterval(() => {
      heartbeats.checkDeadlines().catch((error: unknown) => log.error({ err: error }, 'heartbeat deadlines not applied'));
    }, config.states.silence_scan);
    lifecycle.add({ name: 'heartbeat deadlines', stop: () => clearInterval(deadlineScan) });

    const scan = setInterval(() => {
      // Without a broker connection nothing can be heard: that is the broker incident, not every check's silence.
      if (brokerHealth && !brokerHealth.connected()) return;
      const due = liveness.dueForSilence(now());
      if (due.length > 0) ingest.silence(due).catch((error: unknown) => log.error({ err: error }, 'silence verdicts not stored'));
    }, config.states.silence_scan);
    lifecycle.add({ name: 'silence scan', stop: () => clearInterval(scan) });
    // Between batches (better-sqlite3 is synchronous), so it never interleaves with an ingest transaction.
    const pruneOld = () => {
      const dropped = observationLog.prune(now() - config.states.reorder_window);
      if (dropped > 0) log.info({ dropped }, 'observation log pruned beyond the reorder window');
    };
    pruneOld();
    const pruning = setInterval(pruneOld, PRUNE_EVERY_MS);
    lifecycle.add({ name: 'observation log pruning', stop: () => clearInterval(pruning) });

    let mqttPort: number | null = null;
    let brokerUp: () => boolean;
    const onMessage = (topic: string, payload: Uint8Array) => ingest.handle(topic, payload);
    if (config.mqtt.url) {
      if (config.mqtt.shared_group) {
        log.warn({ shared_group: config.mqtt.shared_group }, SHARED_GROUP_WARNING);
        warnings.push(SHARED_GROUP_WARNING);
      }
      const health = createBrokerHealth({
        broker: brokerHost(config.mqtt.url),
        unreachableAfterMs: config.mqtt.unreachable_after,
        now,
        logger: log,
        ...(incidents ? { incidents } : {}),
        onReconnect: (atMs) => liveness.heardNothingUntil(atMs),
      });
      brokerHealth = health;
      lifecycle.add({ name: 'broker health', stop: () => health.stop() });
      const source = await startExternalSource({
        url: config.mqtt.url,
        clientId: config.mqtt.client_id,
        username: config.mqtt.username,
        password: config.mqtt.password,
        ca: config.mqtt.ca,
        cert: config.mqtt.cert,
        key: config.mqtt.key,
        sharedGroup: config.mqtt.shared_group,
        protocolVersion: config.mqtt.protocol_version,
        logger: log.child({ component: 'mqtt' }),
        // PUBACKs wait in the corked socket until the batch commits (ingest/ack-gate.ts), so messages batch here too.
        onMessage,
        // Backpressure: reading stops while two batches' worth are uncommitted.
        maxPending: 2 * config.ingest.batch_max_messages,
        onConnectionChange: (connected) => health.connectionChanged(connected),
      });
      brokerUp = source.connected;
      lifecycle.add({ name: 'mqtt client', stop: () => source.stop() });
      // Stopped before the client: our own disconnect is no outage.
      lifecycle.add({ name: 'broker health', stop: () => health.stop() });
    } else {
      const broker = await startEmbeddedBroker({
        ...config.mqtt.listen,
        agents: config.mqtt.agents,
        enrolmentSecret: config.mqtt.enrolment_secret,
        revoked: config.mqtt.revoked,
        maxPayloadBytes: config.ingest.max_payload_bytes,
        now,
        logger: log.child({ component: 'broker' }),
        onPublish: onMessage,
      });
      mqttPort = broker.port;
      live.on('mqtt', (next) => void broker.updateLogins(next.mqtt));
      let up = true;
      brokerUp = () => up;
      lifecycle.add({ name: 'embedded broker', stop: () => ((up = false), broker.stop()) });
    }

    if (config.api.tokens.length === 0 && config.api.users.length === 0) warnings.push('api.tokens and api.users are empty: every /api/v1 request is refused (401)');
    const webDir = findConsoleDir();
    if (!webDir) log.warn('web console assets not found (run npm run build): only the API is served');
    for (const w of warnings) if (w !== SHARED_GROUP_WARNING) log.warn(w);
    const app = createApp({
      db,
      agents,
      checks,
      intervals,
      tokens: () => live.current().api.tokens,
      registry,
      logger: log.child({ component: 'api' }),
      now,
      publicUrl: config.api.public_url,
      timeZone: config.timezone,
      incidents,
      heartbeats,
      sla,
      reports: reports.service,
      reportSchedules: () => reports.scheduler.states(),
      events: agentEvents,
      stream,
      console: { users: () => live.current().api.users, statusPages: config.api.status_pages, timezone: config.timezone, lang: config.lang, webDir },
      health: {
        db: () => db.prepare('SELECT 1 AS ok').get() !== undefined,
        broker: () => brokerUp(),
        // Holiday-data warnings are checked at each request: a reload that adds the data clears them.
        warnings: () => [...warnings, ...slaFront.warnings()],
      },
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.api.listen.port, config.api.listen.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    const address = server.address();
    const apiPort = typeof address === 'object' && address ? address.port : config.api.listen.port;
    lifecycle.add({ name: 'api', stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    lifecycle.add({ name: 'console streams', stop: () => stream.close() });
    log.info({ api: `${config.api.listen.host}:${apiPort}`, mqtt: config.mqtt.url ?? `embedded ${config.mqtt.listen.host}:${mqttPort}`, data_dir: config.data_dir }, 'collector started');

    influx?.start();
    sla.start(incidents);
    agentEvents.start();
    return { db, agents, checks, intervals, heartbeats, metrics, registry, ingest, influx, sla, app, mqttPort, apiPort, warnings, reconcileAfterMaintenance: () => afterMaintenance(), reload: (loaded) => live.reload(loaded), stop: () => lifecycle.stop() };
  }

  return {
    start,
    /** Subscribes to state changes (announced after commit). */
    onStateChange(listener: StateChangeListener): void {
      listeners.push(listener);
    },
  };
}
export type Collector = ReturnType<typeof createCollector>;

/** Incident notices also go to the console's live streams (after the notification path got them). */
function withStreamNotices(stream: StreamHub, notify: (notice: IncidentNotice) => void): (notice: IncidentNotice) => void {
  return (notice) => {
    notify(notice);
    stream.onIncidentNotice(notice);
  };
}

/** Incident notices also go to InfluxDB (events, SLA outcomes) when it is enabled. */
function withInfluxNotices(influx: InfluxService | null, notify: (notice: IncidentNotice) => void): (notice: IncidentNotice) => void {
  if (!influx) return notify;
  return (notice) => {
    influx.onIncidentNotice(notice);
    notify(notice);
  };
}
