/**
 * The incident stage of the pipeline (when `incidents.enabled`): the incident service takes every batch of committed
 * state changes in one transaction (and the open state at start, so nothing bad is left without its incident), and
 * the maintenance-end watcher offers checks still bad when their target's window ends. Async: resolves once the
 * start-up reconciliation has committed.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, type Timers } from '../../common/timers.js';
import type { CollectorConfig } from '../config.js';
import { withHeartbeatRules } from '../heartbeats/incident-rules.js';
import type { HeartbeatService } from '../heartbeats/service.js';
import { reconciliationChanges } from '../incidents/reconcile.js';
import { activeIncidentKeys } from '../incidents/repository.js';
import { createIncidentService, type IncidentService } from '../incidents/service.js';
import type { CollectorMetrics } from '../metrics.js';
import type { Pipeline } from '../pipeline.js';
import type { SlaFrontDoor } from '../sla-service/front-door.js';
import type { SingletonJobs } from '../jobs/singleton.js';
import { createMaintenanceEndWatcher } from '../sla-service/maintenance-end.js';
import type { SlaService } from '../sla-service/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';

export interface IncidentUrls {
  incidentUrl?: (number: string) => string;
  incidentApiUrl?: (number: string) => string;
}

export async function startIncidents(deps: {
  config: CollectorConfig;
  store: SqlStore;
  intervals: IntervalsRepo;
  heartbeats: HeartbeatService;
  sla: SlaService;
  slaFront: SlaFrontDoor;
  pipeline: Pipeline;
  metrics: CollectorMetrics;
  urls: IncidentUrls;
  lifecycle: Lifecycle;
  log: Logger;
  root: Logger;
  now: () => number;
  timerFunctions: Timers | undefined;
  /** The maintenance-end watcher runs on one collector at a time (its lease). */
  jobs: Pick<SingletonJobs, 'register'>;
}): Promise<{ incidents: IncidentService | undefined; reconcileAfterMaintenance: () => Promise<number> }> {
  const { config, store, intervals, pipeline, now, log, root } = deps;
  if (!config.incidents.enabled) return { incidents: undefined, reconcileAfterMaintenance: () => Promise.resolve(0) };
  const incidents = createIncidentService({
    store,
    config: withHeartbeatRules(config.incidents, () => deps.heartbeats.list()),
    now,
    logger: root,
    notify: (notice) => pipeline.incidentNotice(notice),
    ...deps.urls,
    openGauge: deps.metrics.incidentsOpen,
    sla: deps.sla.incidentHooks,
  });
  await incidents.handleStateChanges(reconciliationChanges(await intervals.openAll(store.db), await activeIncidentKeys(store.db)));
  // The pipeline awaits the batch (one at a time): its transaction commits before the next batch is decided.
  pipeline.onStateChanges('incidents', (changes) => incidents.handleStateChanges(changes));
  pipeline.onDelivery('incident timeline', async (delivery) => {
    if (delivery.incidentId > 0) await incidents.recordDelivery(delivery);
  });
  // A check still bad when its target's maintenance ends gets its incident then.
  const watcher = createMaintenanceEndWatcher({
    openIntervals: () => intervals.openNotOk(store.db),
    maintenanceOf: deps.slaFront.maintenanceOf,
    handle: (changes) => incidents.handleStateChanges(changes),
    now,
    timerFunctions: deps.timerFunctions ?? BACKGROUND_TIMERS,
    everyMs: config.states.silence_scan,
    onError: (error) => log.error({ err: error }, 'maintenance-end pass failed'),
  });
  deps.jobs.register('maintenance-watcher', { start: () => watcher.start(), stop: () => watcher.stop() });
  return { incidents, reconcileAfterMaintenance: watcher.scan };
}
