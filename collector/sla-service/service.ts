/**
 * The collector's SLA glue around the SLA front door (front-door.ts: the live setup, maintenance, availability and
 * incident timers): the scheduler of incident timers, pauses, extensions, burn-rate alerts, the monthly summary,
 * the holiday-data gauge; and the hooks the incident service calls (maintenance suppression, re-arming after every
 * change). `reload` swaps the contracts in place (SIGHUP).
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, type Timers } from '../../common/timers.js';
import type { IncidentNotice, StateChange } from '../events.js';
import type { IncidentsConfig } from '../incidents/config.js';
import type { IncidentService, IncidentSlaHooks } from '../incidents/service.js';
import { Gauge, type Registry } from 'prom-client';
import type { BusinessCalendar, MissingHolidayData, SlaConfig, SlaSetup } from '../sla/index.js';
import type { Db } from '../store/db.js';
import { createBurnRateMonitor } from './burn-rate-monitor.js';
import type { ServiceConfig } from './config.js';
import { createExtensions } from './extensions.js';
import { createSlaFrontDoor, type SlaFrontDoor } from './front-door.js';
import { createPauses } from './pauses.js';
import { createSlaScheduler } from './scheduler.js';
import { createSlaSummary } from './summary.js';

export interface SlaServiceDeps {
  db: Db;
  /** The collector's front door (shared with InfluxDB and the API); built from `sla` when absent (CLI, tests). */
  frontDoor?: SlaFrontDoor;
  sla: SlaConfig;
  incidents: Pick<IncidentsConfig, 'targets' | 'reachability'>;
  services: readonly ServiceConfig[];
  now: () => number;
  logger: Logger;
  /** Where SLA notices go (the same path as the incident service's notices). */
  notify: (notice: IncidentNotice) => void;
  timerFunctions?: Timers;
  incidentUrl?: (number: string) => string;
  /** /metrics: the gauge outpost_calendar_data_missing{calendar,year} is registered here. */
  registry?: Registry;
}

export function createSlaService(deps: SlaServiceDeps) {
  const { db, now } = deps;
  const log = deps.logger.child({ component: 'sla' });
  const timerFunctions = deps.timerFunctions ?? BACKGROUND_TIMERS;
  const front = deps.frontDoor ?? createSlaFrontDoor(deps);
  const missingAtStart = front.holidayDataMissing();
  // The collector still starts: the figures of those days count weekends only until the data is configured.
  for (const m of missingAtStart) log.error({ calendar: m.calendar, year: m.year }, m.message);
  if (deps.registry) registerHolidayGauge(deps.registry, front.holidayDataMissing);

  const { maintenance, availability, timers, store, monthCache } = front;
  const scheduler = createSlaScheduler({ db, store, timers, now, notify: deps.notify, logger: log, timerFunctions, ...(deps.incidentUrl ? { incidentUrl: deps.incidentUrl } : {}) });
  /** Bumped on every incident write, pause, extension and SLA reload: the summary's incident part is cached between. */
  let incidentsVersion = 0;
  const changed = () => {
    incidentsVersion++;
    scheduler.changed();
  };
  const pauses = createPauses({ db, store, now, changed });
  const extensions = createExtensions({ db, store, timers, now, changed });
  const summary = createSlaSummary({ db, setup: front.current, availability, timers, now, incidentsVersion: () => incidentsVersion, maintenanceVersion: maintenance.version });
  let burnRate: ReturnType<typeof createBurnRateMonitor> | null = null;
  // New calendars, windows or holiday data move due times: the scheduler re-arms on the new setup.
  front.onReplace(() => changed());

  const incidentHooks: IncidentSlaHooks = {
    suppressOpening(change: StateChange, atMs: number): string | null {
      const targets = change.cause === 'agent_offline' || change.cause === 'agent_stopped' ? [change.target, change.agentId] : [change.target];
      const inWindow = targets.find((t) => front.inMaintenance(t, atMs));
      return inWindow === undefined ? null : `target ${inWindow} is in a maintenance window`;
    },
    changed,
  };

  return {
    /** The setup in force now (a reload swaps it; read it at use time). */
    get setup(): SlaSetup {
      return front.setup;
    },
    frontDoor: front,
    /** Holiday-data warnings now (shown in /healthz): calendars of contracts without data for the next 60 days. */
    warnings: front.warnings,
    /** The same check now (the gauge and reports use it). */
    holidayDataMissing: front.holidayDataMissing,
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
    inMaintenance: front.inMaintenance,
    maintenanceWindows: front.maintenanceWindows,
    /** Applies a reloaded `sla:` section (already validated): contracts, calendars, holiday data, maintenance at once. */
    reload(config: SlaConfig): void {
      front.replace(config);
      for (const m of front.holidayDataMissing()) log.error({ calendar: m.calendar, year: m.year }, m.message);
    },
    /** Starts the timers once the incident service exists (burn-rate alerts open incidents through it). */
    start(incidents: IncidentService | undefined): void {
      if (incidents) {
        burnRate = createBurnRateMonitor({ db, setup: front.current, availability, incidents, now, logger: log, timerFunctions });
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
