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
import { Gauge, type Registry } from 'prom-client';
import {
  createSlaSetup,
  HOLIDAY_LOOKAHEAD_MS,
  maintenanceIntervals,
  missingHolidayData,
  type BusinessCalendar,
  type Contract,
  type MissingHolidayData,
  type SlaConfig,
  type SlaSetup,
} from '../sla/index.js';
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
import { createMonthCache } from './month-cache.js';

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
  /** /metrics: the gauge outpost_calendar_data_missing{calendar,year} is registered here. */
  registry?: Registry;
}

export function createSlaService(deps: SlaServiceDeps) {
  const { db, now } = deps;
  const log = deps.logger.child({ component: 'sla' });
  const timerFunctions = deps.timerFunctions ?? REAL_TIMERS;
  const setup = createSlaSetup(deps.sla);
  /** Calendars a contract uses with no holiday data for a day in the next 60 days (collector clock). */
  const holidayDataMissing = (): MissingHolidayData[] => missingHolidayData(setup, now(), now() + HOLIDAY_LOOKAHEAD_MS, contractsForHolidays(setup));
  const missingAtStart = holidayDataMissing();
  // The collector still starts: the figures of those days count weekends only until the data is configured.
  for (const m of missingAtStart) log.error({ calendar: m.calendar, year: m.year }, m.message);
  const warnings = missingAtStart.map((m) => m.message);
  if (deps.registry) registerHolidayGauge(deps.registry, holidayDataMissing);

  const maintenance = createMaintenanceStore(db);
  const monthCache = createMonthCache({ maintenanceVersion: maintenance.version, now });
  const availability = createAvailabilityService({ db, setup, now, targets: deps.incidents.targets, reachability: deps.incidents.reachability, services: deps.services, maintenance, cache: monthCache });
  const store = createIncidentSlaStore(db);
  const timers = createIncidentTimers({ setup, store, maintenance, groupsOf: availability.groupsOf, logger: log });
  const scheduler = createSlaScheduler({ db, store, timers, now, notify: deps.notify, logger: log, timerFunctions, ...(deps.incidentUrl ? { incidentUrl: deps.incidentUrl } : {}) });
  /** Bumped on every incident write, pause and extension: the summary's incident part is cached between them. */
  let incidentsVersion = 0;
  const changed = () => {
    incidentsVersion++;
    scheduler.changed();
  };
  const pauses = createPauses({ db, store, now, changed });
  const extensions = createExtensions({ db, store, timers, now, changed });
  const summary = createSlaSummary({ db, setup, availability, timers, now, incidentsVersion: () => incidentsVersion, maintenanceVersion: maintenance.version });
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
    changed,
  };

  return {
    setup,
    /** Start-up warnings (shown in /healthz): calendars of contracts without holiday data for the next 60 days. */
    warnings,
    /** The same check now (the gauge and reports use it). */
    holidayDataMissing,
    maintenance,
    availability,
    timers,
    scheduler,
    pauses,
    extensions,
    summary,
    /** What targets' figures are computed from, per period (month-cache.ts; clear() after an SLA reload). */
    monthCache,
    /** A state changed (collector state-change listener): the target's cached figures are recomputed on next read. */
    onStateChange(change: StateChange): void {
      monthCache.invalidate(change.target);
    },
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

/** The contracts whose calendars need holiday data; with none configured, the default policy on 24x7. */
function contractsForHolidays(setup: SlaSetup): readonly Contract[] {
  if (setup.contracts.length > 0) return setup.contracts;
  return [{ name: '(default policy)', policy: setup.defaultPolicy, calendar: '24x7', availabilityTarget: 99.9, complianceTarget: null, targets: [], groups: [], all: true, satisfactionTarget: 90 }];
}

/** `outpost_calendar_data_missing{calendar,year}` = 1 for every calendar/year lacking holiday data in the next 60 days. */
function registerHolidayGauge(registry: Registry, missing: () => MissingHolidayData[]): void {
  if (registry.getSingleMetric('outpost_calendar_data_missing')) return;
  new Gauge({
    name: 'outpost_calendar_data_missing',
    help: 'Calendars used by a contract without holiday data for a day in the next 60 days (1 per calendar and year); add sla.holiday_data',
    labelNames: ['calendar', 'year'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of missing()) this.set({ calendar: m.calendar, year: String(m.year) }, 1);
    },
  });
}
