/**
 * What every report builder reads: the SLA glue (availability, incident timers, the monthly summary — the same
 * objects the API uses, so the numbers agree), the store and the reports' own tables (result samples, fault reports,
 * asset baselines) and the config.
 */
import type { Logger } from '../../common/logger.js';
import type { CollectorConfig } from '../config.js';
import type { SlaService } from '../sla-service/service.js';
import { createSlaService } from '../sla-service/service.js';
import type { ServiceConfig } from '../sla-service/config.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createAssetsStore, type AssetsStore } from './assets-store.js';
import type { ReportsConfig } from './config.js';
import { createReportStore, type ReportStore } from './store.js';

export interface ReportContext {
  /** The store: reads run on `store.db`, writes that belong together in `store.transaction`. */
  store: SqlStore;
  now: () => number;
  sla: Pick<SlaService, 'setup' | 'availability' | 'timers' | 'summary' | 'maintenanceWindows' | 'inMaintenance'>;
  /** Result samples, fault reports and their notices (store.ts). */
  reports: ReportStore;
  /** Asset baselines (assets-store.ts). */
  assets: AssetsStore;
  config: ReportsConfig;
  /** incidents.targets (group, criticality) for labels. */
  targets: Readonly<Record<string, { group?: string | undefined }>>;
}

/** The `services:` section when the config has one (added by the SLA service). */
function servicesOf(config: CollectorConfig): readonly ServiceConfig[] {
  return (config as { services?: readonly ServiceConfig[] }).services ?? [];
}

/** The SLA glue a report needs when there is no collector's (the CLI on a stopped collector's store). */
export function standaloneSla(deps: { store: SqlStore; config: CollectorConfig; now: () => number; logger: Logger }): Promise<SlaService> {
  return createSlaService({ store: deps.store, sla: deps.config.sla, incidents: deps.config.incidents, services: servicesOf(deps.config), now: deps.now, logger: deps.logger, notify: () => undefined });
}

/** Builds a context on an open store with the collector's SLA glue (or `standaloneSla`'s). */
export function createReportContext(deps: { store: SqlStore; config: CollectorConfig; reports: ReportsConfig; now: () => number; logger: Logger; sla: SlaService }): ReportContext {
  const { sla } = deps;
  return { store: deps.store, now: deps.now, sla, reports: createReportStore(), assets: createAssetsStore(), config: deps.reports, targets: deps.config.incidents.targets };
}
