/**
 * The SLA front door: the one live answer to "which contracts, policies, calendars and maintenance windows are in
 * force", "is this target in maintenance at t?", "its derived state timeline" and "this incident's SLA clocks".
 * Everything SLA-related (timers, burn-rate alerts, reports, InfluxDB buckets, status pages, the API, agent events,
 * the maintenance-end watcher) asks it at use time and never keeps a setup of its own, so a config reload
 * (`replace`) takes effect everywhere at once. The swap is one assignment between two events: a computation that
 * runs synchronously sees one setup from start to end.
 *
 * What a reload does to running clocks (docs/sla.md "Reloading contracts"): an incident keeps the policy, contract
 * and policy terms (response/resolution targets, their calendars, escalation chain) it was opened under; they are
 * recorded with the incident (incident_sla). Calendars (hours, holiday data), escalation chains' levels and
 * maintenance windows are read from the current config, so a corrected holiday table or a new window re-times open
 * incidents at once. New incidents, availability figures, burn-rate alerts and reports use the new contracts.
 *
 * Opening it reads the maintenance windows (async: `await createSlaFrontDoor(…)`); from then on "is this target in
 * maintenance?" is answered from memory, kept current by the windows' own writes and by `refreshMaintenance()` (other
 * collectors' edits). Figures that read the history (timeline, availability, incident clocks) are async.
 */
import type { Logger } from '../../common/logger.js';
import type { IncidentsConfig } from '../incidents/config.js';
import {
  createSlaSetup,
  HOLIDAY_LOOKAHEAD_MS,
  missingHolidayData,
  type Contract,
  type MissingHolidayData,
  type SlaConfig,
  type SlaSetup,
} from '../sla/index.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createAvailabilityService, historyStamp } from './availability-service.js';
import type { ServiceConfig } from './config.js';
import { createIncidentSlaStore } from './incident-sla-store.js';
import { createIncidentTimers } from './incident-timers.js';
import { createMaintenanceStore } from './maintenance-store.js';
import { createMaintenanceView } from './maintenance-view.js';
import { createMonthCache } from './month-cache.js';

export interface SlaFrontDoorDeps {
  store: SqlStore;
  sla: SlaConfig;
  incidents: Pick<IncidentsConfig, 'targets' | 'reachability'>;
  services: readonly ServiceConfig[];
  now: () => number;
  logger: Logger;
}

export async function createSlaFrontDoor(deps: SlaFrontDoorDeps) {
  const { store, now } = deps;
  const log = deps.logger.child({ component: 'sla' });
  let setup = createSlaSetup(deps.sla);
  const current = (): SlaSetup => setup;
  const replaced: Array<(next: SlaSetup) => void> = [];

  const maintenance = createMaintenanceStore();
  await maintenance.load(store.db);
  const view = createMaintenanceView({ setup: current, store: maintenance, targets: deps.incidents.targets });
  // What targets' figures are computed from, per period; a reload clears it (config windows, contracts' members).
  // On PostgreSQL other collectors write the history too (a shared subscription splits a target's results).
  const monthCache = createMonthCache({ maintenanceVersion: maintenance.version, now, ...(store.dialect === 'postgres' ? { stamp: (target: string) => historyStamp(store, target) } : {}) });
  const availability = createAvailabilityService({ store, setup: current, now, targets: deps.incidents.targets, reachability: deps.incidents.reachability, services: deps.services, maintenance: view, cache: monthCache });
  const facts = createIncidentSlaStore();
  const timers = createIncidentTimers({ store, setup: current, facts, maintenance: view, maintenanceVersion: maintenance.version, logger: log });

  /** Calendars a contract uses with no holiday data for a day in the next 60 days (collector clock). */
  const holidayDataMissing = (): MissingHolidayData[] => missingHolidayData(setup, now(), now() + HOLIDAY_LOOKAHEAD_MS, contractsForHolidays(setup));

  return {
    /** The setup in force now (read it at use time; never keep it). */
    get setup(): SlaSetup {
      return setup;
    },
    current,
    maintenance,
    availability,
    timers,
    /** Inputs of targets' figures per period (month-cache.ts): cleared by a reload. */
    monthCache,
    /** The SQL of incidents' SLA facts (policy recorded at opening, pauses, fired events, extensions). */
    facts,
    /** Reads the maintenance windows again (other collectors' edits); the view changes only if they did. */
    refreshMaintenance: (): Promise<void> => maintenance.load(store.db),
    groupsOf: view.groupsOf,
    /** Which windows apply to a target (maintenance-view.ts); the functions below are its answers. */
    maintenanceView: view,
    /** Maintenance windows in force (config + API). */
    maintenanceWindows: view.windows,
    /** Maintenance of a target (its own windows and its group's) over [fromMs, toMs), merged. */
    maintenanceOf: view.of,
    /** Whether a maintenance window covers the target at `atMs`. */
    inMaintenance: view.at,
    /** The target's derived state intervals and maintenance over [fromMs, toMs) (availability, burn rate, InfluxDB; async). */
    timeline: (target: string, fromMs: number, toMs: number) => availability.targetTimeline(target, fromMs, toMs),
    holidayDataMissing,
    /** Messages of the holiday-data check now (/healthz). */
    warnings: (): string[] => holidayDataMissing().map((m) => m.message),
    /** Swaps in a new `sla:` config (already validated); throws, keeping the old one, when it cannot be built. */
    replace(config: SlaConfig): void {
      const next = createSlaSetup(config);
      setup = next;
      monthCache.clear();
      for (const listener of replaced) listener(next);
    },
    /** Called after every replace (the scheduler re-arms, the burn-rate monitor follows the new contracts). */
    onReplace(listener: (next: SlaSetup) => void): void {
      replaced.push(listener);
    },
  };
}
export type SlaFrontDoor = Awaited<ReturnType<typeof createSlaFrontDoor>>;

/** The contracts whose calendars need holiday data; with none configured, the default policy on 24x7. */
function contractsForHolidays(setup: SlaSetup): readonly Contract[] {
  if (setup.contracts.length > 0) return setup.contracts;
  return [{ name: '(default policy)', policy: setup.defaultPolicy, calendar: '24x7', availabilityTarget: 99.9, complianceTarget: null, targets: [], groups: [], all: true, satisfactionTarget: 90 }];
}
