/**
 * The collector's SLA glue, wired once at start: the runtime setup from `sla:` (with holiday-data warnings for this
 * and next year), maintenance windows (config + API), availability, incident timers with their scheduler, pauses,
 * burn-rate alerts and the monthly summary; and the hooks the incident service calls (maintenance suppression,
 * re-arming after every change).
 */
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice, StateChange } from '../events.js';
import type { IncidentsConfig } from '../incidents/config.js';
import type { IncidentService, IncidentSlaHooks } from '../incidents/service.js';
import { createSlaSetup, maintenanceIntervals, setupWarnings, type BusinessCalendar, type SlaConfig, type SlaSetup } from '../sla/index.js';
import type { Db } from '../store/db.js';
import { createAvailabilityService } from './availability-service.js';
import { createBurnRateMonitor } from './burn-rate-monitor.js';
import type { ServiceConfig } from './config.js';
import { createIncidentSlaStore } from './incident-sla-store.js';
import { createIncidentTimers } from './incident-timers.js';
import { createMaintenanceStore } from './maintenance-store.js';
import { createExtensions } from './extensions.js';
import { createPauses } from './pauses.js';
import { createSlaScheduler, REAL_TIMERS, type TimerFunctions } from './scheduler.js';
import { createSlaSummary } from './summary.js';

export interface SlaServiceDeps {
  db: Db;
  sla: SlaConfig;
  incidents: Pick<IncidentsConfig, 'targets' | 'reachability'>;
  services: readonly ServiceConfig[];
  now: () => number;
  logger: Logger;
  /** Where SLA notices go (the same path as the incident service's notices). */
  notify: (notice: IncidentNotice) => void;
  timerFunctions?: TimerFunctions;
  incidentUrl?: (number: string) => string;
}

export function createSlaService(deps: SlaServiceDeps) {
  const { db, now } = deps;
  const log = deps.logger.child({ component: 'sla' });
  const timerFunctions = deps.timerFunctions ?? REAL_TIMERS;
  const setup = createSlaSetup(deps.sla);
  const year = new Date(now()).getUTCFullYear();
  const warnings = setupWarnings({ ...setup, calendars: calendarsInUse(setup, Object.keys(deps.sla.calendars)) }, [year, year + 1]);
  for (const w of warnings) log.warn(w);

  const maintenance = createMaintenanceStore(db);
  const availability = createAvailabilityService({ db, setup, now, targets: deps.incidents.targets, reachability: deps.incidents.reachability, services: deps.services, maintenance });
  const store = createIncidentSlaStore(db);
  const timers = createIncidentTimers({ setup, store, maintenance, groupsOf: availability.groupsOf, logger: log });
  const scheduler = createSlaScheduler({ db, store, timers, now, notify: deps.notify, logger: log, timerFunctions, ...(deps.incidentUrl ? { incidentUrl: deps.incidentUrl } : {}) });
  const pauses = createPauses({ db, store, now, changed: () => scheduler.changed() });
  const extensions = createExtensions({ db, store, timers, now, changed: () => scheduler.changed() });
  const summary = createSlaSummary({ db, setup, availability, timers, now });
  let burnRate: ReturnType<typeof createBurnRateMonitor> | null = null;

  /** The maintenance window a target is in at `atMs`, if any. */
  function maintenanceOf(target: string, atMs: number): boolean {
    return maintenanceIntervals(maintenance.windows(setup), target, availability.groupsOf(target), atMs, atMs + 1).length > 0;
  }

  const incidentHooks: IncidentSlaHooks = {
    suppressOpening(change: StateChange, atMs: number): string | null {
      const targets = change.cause === 'agent_offline' || change.cause === 'agent_stopped' ? [change.target, change.agentId] : [change.target];
      const inWindow = targets.find((t) => maintenanceOf(t, atMs));
      return inWindow === undefined ? null : `target ${inWindow} is in a maintenance window`;
    },
    changed: () => scheduler.changed(),
  };

  return {
    setup,
    /** Holiday-data warnings for this and next year (shown in /healthz). */
    warnings,
    maintenance,
    availability,
    timers,
    scheduler,
    pauses,
    extensions,
    summary,
    incidentHooks,
    inMaintenance: maintenanceOf,
    /** Starts the timers once the incident service exists (burn-rate alerts open incidents through it). */
    start(incidents: IncidentService | undefined): void {
      if (incidents) {
        burnRate = createBurnRateMonitor({ db, setup, availability, incidents, now, logger: log, timerFunctions });
        burnRate.start();
      }
      scheduler.changed();
    },
    /** One burn-rate pass now (tests; the monitor runs every minute by itself). */
    evaluateBurnRate: (): string[] => burnRate?.evaluate() ?? [],
    stop(): void {
      burnRate?.stop();
      scheduler.stop();
    },
  };
}
export type SlaService = ReturnType<typeof createSlaService>;

/**
 * Calendars something can use: those of the default policy and of the contracts' policies (timers and escalation
 * chains), the contracts' availability calendars, and every calendar the operator configured. Unused built-ins
 * (e.g. 5x8 with no policy on it) raise no holiday-data warning.
 */
export function calendarsInUse(setup: SlaSetup, configured: readonly string[]): Map<string, BusinessCalendar> {
  const names = new Set<string>(configured);
  for (const policyName of new Set([setup.defaultPolicy, ...setup.contracts.map((c) => c.policy)])) {
    const policy = setup.policies.get(policyName);
    for (const severity of Object.values(policy?.severities ?? {})) {
      if (severity.response) names.add(severity.response.calendar);
      if (severity.resolution) names.add(severity.resolution.calendar);
      const chain = severity.escalation ? setup.escalations.get(severity.escalation) : undefined;
      if (chain?.calendar) names.add(chain.calendar);
    }
  }
  for (const c of setup.contracts) names.add(c.calendar);
  return new Map([...setup.calendars].filter(([name]) => names.has(name)));
}
