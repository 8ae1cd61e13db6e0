/**
 * What every report builder reads: the SLA glue (availability, incident timers, the monthly summary — the same
 * objects the API uses, so the numbers agree), the report store (result samples, fault reports) and the config.
 */
import type { Logger } from '../../common/logger.js';
import type { CollectorConfig } from '../config.js';
import type { SlaService } from '../sla-service/service.js';
import { createSlaService } from '../sla-service/service.js';
import type { ServiceConfig } from '../sla-service/config.js';
import type { Db } from '../store/db.js';
import type { ReportsConfig } from './config.js';
import { createReportStore, type ReportStore } from './store.js';

export interface ReportContext {
  db: Db;
  now: () => number;
  sla: Pick<SlaService, 'setup' | 'availability' | 'timers' | 'summary' | 'maintenanceWindows' | 'inMaintenance'>;
  store: ReportStore;
  config: ReportsConfig;
  /** incidents.targets (group, criticality) for labels. */
  targets: Readonly<Record<string, { group?: string | undefined }>>;
}

/** The `services:` section when the config has one (added by the SLA service). */
function servicesOf(config: CollectorConfig): readonly ServiceConfig[] {
  return (config as { services?: readonly ServiceConfig[] }).services ?? [];
}

/** Builds a context on an open database; `sla` reuses the collector's SLA glue when there is one. */
export function createReportContext(deps: { db: Db; config: CollectorConfig; reports: ReportsConfig; now: () => number; logger: Logger; sla?: SlaService }): ReportContext {
  const sla =
    deps.sla ??
    createSlaService({ db: deps.db, sla: deps.config.sla, incidents: deps.config.incidents, services: servicesOf(deps.config), now: deps.now, logger: deps.logger, notify: () => undefined });
  return { db: deps.db, now: deps.now, sla, store: createReportStore(deps.db), config: deps.reports, targets: deps.config.incidents.targets };
}
