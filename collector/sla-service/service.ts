/**
 * The collector's SLA glue around the SLA front door (front-door.ts: the live setup, maintenance, availability and
 * incident timers): the scheduler of incident timers, pauses, extensions, burn-rate alerts, the monthly summary,
 * the holiday-data gauge; and the hooks the incident service calls (maintenance suppression, re-arming after every
 * change). `reload` swaps the contracts in place (SIGHUP).
 *
 * Two kinds of running parts. Per collector (`start`/`stop`): the maintenance view re-read every
 * `maintenanceRefreshMs` (other collectors' edits). Singleton jobs (`startTimers`/`stopTimers`, or each of `jobs`
 * for a lease runner): the SLA scheduler and the burn-rate monitor — with two collectors only the lease holder runs
 * them. All of them start and stop as often as asked; a stop resolves once a running pass ended.
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, type Timers } from '../../common/timers.js';
import type { IncidentNotice, NoticeSettled, StateChange } from '../events.js';
import type { IncidentsConfig } from '../incidents/config.js';
import type { IncidentService, IncidentSlaHooks } from '../incidents/service.js';
import { Gauge, type Registry } from 'prom-client';
import type { BusinessCalendar, MissingHolidayData, SlaConfig, SlaSetup } from '../sla/index.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createBurnRateMonitor } from './burn-rate-monitor.js';
import type { ServiceConfig } from './config.js';
import { createExtensions } from './extensions.js';
import { createSlaFrontDoor, type SlaFrontDoor } from './front-door.js';
import { createPauses } from './pauses.js';
import { periodicPass } from './periodic.js';
import { createSlaScheduler } from './scheduler.js';
import { createSlaSummary } from './summary.js';

export interface SlaServiceDeps {
  store: SqlStore;
  /** The collector's front door (shared with InfluxDB and the API); built from `sla` when absent (CLI, tests). */
  frontDoor?: SlaFrontDoor;
  sla: SlaConfig;
  incidents: Pick<IncidentsConfig, 'targets' | 'reachability'>;
  services: readonly ServiceConfig[];
  now: () => number;
  logger: Logger;
  /** Where SLA notices go (the same path as the incident service's notices); `settled` confirms a page (page-outbox.ts). */
  notify: (notice: IncidentNotice, settled?: NoticeSettled) => unknown;
  timerFunctions?: Timers;
  incidentUrl?: (number: string) => string;
  /** /metrics: the gauge outpost_calendar_data_missing{calendar,year} is registered here. */
  registry?: Registry;
  /** How often the maintenance windows are re-read while started (default: 15 s on PostgreSQL, never on SQLite). */
  maintenanceRefreshMs?: number | null;
  /** The scheduler's re-evaluation while it runs (default: SLA_POLL_MS on PostgreSQL; null: due instants and changes only). */
  pollMs?: number | null;
}

export const MAINTENANCE_REFRESH_MS = 15_000;

/** The singleton jobs of the SLA service, by the name a lease runner registers them under. */
export type SlaJobName = 'sla-timers' | 'sla-burn-rate';

export async function createSlaService(deps: SlaServiceDeps) {
  const { store, now } = deps;
  const log = deps.logger.child({ component: 'sla' });
  const timerFunctions = deps.timerFunctions ?? BACKGROUND_TIMERS;
  const front = deps.frontDoor ?? (await createSlaFrontDoor(deps));
  const missingAtStart = front.holidayDataMissing();
  // The collector still starts: the figures of those days count weekends only until the data is configured.
  for (const m of missingAtStart) log.error({ calendar: m.calendar, year: m.year }, m.message);
  if (deps.registry) registerHolidayGauge(deps.registry, front.holidayDataMissing);

  const { maintenance, availability, timers, facts, monthCache } = front;
  const scheduler = createSlaScheduler({
    store,
    facts,
    timers,
    now,
    notify: deps.notify,
    logger: log,
    timerFunctions,
    ...(deps.incidentUrl ? { incidentUrl: deps.incidentUrl } : {}),
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
  });
  /** Bumped on every incident write, pause, extension and SLA reload: the summary's incident part is cached between. */
  let incidentsVersion = 0;
  const changed = async (): Promise<void> => {
    incidentsVersion++;
    await scheduler.changed();
  };
  const pauses = createPauses({ store, facts, now, changed });
  const extensions = createExtensions({ store, facts, timers, now, changed });
  const summary = createSlaSummary({ store, setup: front.current, availability, timers, now, incidentsVersion: () => incidentsVersion, maintenanceVersion: maintenance.version });
  let burnRate: ReturnType<typeof createBurnRateMonitor> | null = null;
  let burnRateWanted = false;
  // Only PostgreSQL can have other collectors editing windows (SQLite: one collector per file).
  const refreshMs = deps.maintenanceRefreshMs === undefined ? (store.dialect === 'postgres' ? MAINTENANCE_REFRESH_MS : null) : deps.maintenanceRefreshMs;
  const refresher = refreshMs === null ? null : periodicPass(timerFunctions, refreshMs, front.refreshMaintenance, (error) => log.error({ err: error }, 'maintenance windows not re-read'));
  // New calendars, windows or holiday data move due times: the scheduler re-arms on the new setup.
  front.onReplace(() => void changed());

  const incidentHooks: IncidentSlaHooks = {
    // In memory (the maintenance view): asked for every state change that would open an incident.
    suppressOpening(change: StateChange, atMs: number): string | null {
      const targets = change.cause === 'agent_offline' || change.cause === 'agent_stopped' ? [change.target, change.agentId] : [change.target];
      const inWindow = targets.find((t) => front.inMaintenance(t, atMs));
      return inWindow === undefined ? null : `target ${inWindow} is in a maintenance window`;
    },
    changed,
  };

  const jobs: Record<SlaJobName, { start(): Promise<void>; stop(): Promise<void>; handOver?(): Promise<void> }> = {
    // A graceful stop lets the pages in flight settle before the lease goes to the next holder (page-outbox.ts).
    'sla-timers': { start: () => scheduler.start(), stop: () => scheduler.stop(), handOver: () => scheduler.handOver() },
    // Started before `start` gave the incident service: the monitor starts as soon as it exists.
    'sla-burn-rate': {
      start: async () => {
        burnRateWanted = true;
        burnRate?.start();
      },
      stop: async () => {
        burnRateWanted = false;
        await burnRate?.stop();
      },
    },
  };
  const startTimers = async (): Promise<void> => {
    await jobs['sla-burn-rate'].start();
    await jobs['sla-timers'].start();
  };
  const stopTimers = async (): Promise<void> => {
    await Promise.all([jobs['sla-timers'].stop(), jobs['sla-burn-rate'].stop()]);
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
    /**
     * Starts this collector's part once the incident service exists (burn-rate alerts open incidents through it): the
     * maintenance refresh, and — unless `{ timers: false }` (a lease runner starts them: `jobs` / `startTimers`) — the
     * singleton jobs. Repeatable after `stop`.
     */
    async start(incidents: IncidentService | undefined, options: { timers?: boolean } = {}): Promise<void> {
      if (incidents && !burnRate) {
        burnRate = createBurnRateMonitor({ store, setup: front.current, availability, incidents, now, logger: log, timerFunctions });
        if (burnRateWanted) burnRate.start();
      }
      refresher?.start();
      if (options.timers !== false) await startTimers();
    },
    /** The singleton jobs one at a time (a lease runner registers each: `register(name, job)`). */
    jobs,
    /** Starts the SLA scheduler and the burn-rate monitor (this collector holds their lease). */
    startTimers,
    /** Stops them; resolves once their running passes ended (the lease can be handed over). */
    stopTimers,
    /** One burn-rate pass now (tests; the monitor runs every minute by itself). */
    evaluateBurnRate: async (): Promise<string[]> => (burnRate ? burnRate.evaluate() : []),
    /** Stops everything started here; resolves once running passes ended. */
    async stop(): Promise<void> {
      await stopTimers();
      await refresher?.stop();
    },
  };
}
export type SlaService = Awaited<ReturnType<typeof createSlaService>>;

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
