/**
 * The reports inside a running collector: the report service (API), result sampling (ingest hook, flushed every few
 * seconds), the fault-report reminder scan and the report schedules. One call to start, one to stop.
 */
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { CollectorConfig } from '../config.js';
import type { IncidentNotice } from '../events.js';
import { createDispatcher, type Dispatcher } from '../notify/dispatcher.js';
import type { SlaService } from '../sla-service/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createReportContext } from './context.js';
import { createFaultReportReminder } from './reminder.js';
import { createSampleRecorder } from './samples.js';
import { createScheduleRunStore } from './schedule-runs.js';
import { createReportScheduler } from './scheduler.js';
import { createReportService, type ReportRequest } from './service.js';
import type { ReportFormat } from './config.js';
import { BACKGROUND_TIMERS, repeat, type Timers } from '../../common/timers.js';

const SAMPLE_FLUSH_MS = 5_000;

export interface ReportsRuntimeDeps {
  /** Start the report schedules now (default); false: the caller starts and stops `scheduler` (a singleton job). */
  startSchedules?: boolean;
  store: SqlStore;
  config: CollectorConfig;
  sla: SlaService;
  now: () => number;
  logger: Logger;
  notify: (notice: IncidentNotice) => void;
  /** The collector's notification dispatcher (retries, metrics); without it the reports start their own. */
  deliver?: Dispatcher['deliver'];
  incidentUrl?: (number: string) => string;
  /** Timers of the report schedules (tests drive a clock). */
  timerFunctions?: Timers;
}

/** The API link of a generated report (for IM messages), when api.public_url is set. */
export function reportUrlOf(publicUrl: string | undefined): ((request: ReportRequest, format: ReportFormat) => string) | undefined {
  if (!publicUrl) return undefined;
  const base = `${publicUrl.replace(/\/+$/, '')}/api/v1/reports`;
  return (request, format) => {
    if (request.kind === 'fault') return `${base}/fault/${encodeURIComponent(request.number)}?format=${format}`;
    if (request.kind === 'assets') return `${base}/assets?format=${format}`;
    const query: Record<string, string> = request.kind === 'sla' ? { period: request.period, contract: request.contract, format } : { date: request.date, ...(request.timeZone ? { tz: request.timeZone } : {}), format };
    return `${base}/${request.kind}?${new URLSearchParams(query).toString()}`;
  };
}

export function startReports(deps: ReportsRuntimeDeps) {
  const cfg = deps.config.reports;
  const ctx = createReportContext({ store: deps.store, config: deps.config, reports: cfg, now: deps.now, logger: deps.logger, sla: deps.sla });
  const service = createReportService(ctx);
  const recorder = createSampleRecorder({ store: deps.store, samples: ctx.reports, periodMs: cfg.sample_period, retentionMs: cfg.sample_retention, now: deps.now, logger: deps.logger });
  const fail = (what: string) => (error: unknown) => deps.logger.error({ err: error }, `${what} failed`);
  const flush = repeat(BACKGROUND_TIMERS, SAMPLE_FLUSH_MS, () => recorder.flush(), fail('report sample flush'));
  const reminder = createFaultReportReminder({ store: deps.store, reports: ctx.reports, afterMs: cfg.fault_reminder.after, warnAt: cfg.fault_reminder.warn_at, severities: cfg.fault_reminder.severities, lang: deps.config.notifications.lang ?? deps.config.lang, now: deps.now, notify: deps.notify, logger: deps.logger, ...(deps.incidentUrl ? { incidentUrl: deps.incidentUrl } : {}) });
  const scan = cfg.fault_reminder.enabled ? repeat(BACKGROUND_TIMERS, cfg.fault_reminder.scan, () => void reminder.scan().catch(fail('fault-report reminder scan')), fail('fault-report reminder scan')) : null;
  const needsChannels = cfg.schedules.some((s) => s.channels.length > 0);
  // Reports go out through the notification dispatcher: the collector's, else one of their own (tests, no notify).
  const own = needsChannels && !deps.deliver ? createDispatcher(deps.config.notifications, { logger: deps.logger, now: deps.now, timeZone: deps.config.timezone, onDelivery: () => undefined }) : null;
  const deliver: Dispatcher['deliver'] = deps.deliver ?? own?.deliver ?? (() => Promise.resolve([]));
  const reportUrl = reportUrlOf(deps.config.api.public_url);
  const scheduler = createReportScheduler({
    schedules: cfg.schedules,
    reports: service,
    contracts: () => ctx.sla.setup.contracts.map((c) => c.name),
    dir: cfg.dir ?? join(deps.config.data_dir, 'reports'),
    deliver,
    now: deps.now,
    logger: deps.logger,
    ...(deps.timerFunctions ? { timers: deps.timerFunctions } : {}),
    ...(reportUrl ? { reportUrl } : {}),
    runs: { store: deps.store, repo: createScheduleRunStore() },
  });
  // The collector starts it where the `report-schedules` lease is held (collectors in pairs send each report once).
  if (deps.startSchedules !== false) scheduler.start();
  return {
    service,
    reminder,
    scheduler,
    /** The ingest hook: buffers the result (no store access; written by the next flush). */
    onResult: (m: ResultMessage): void => recorder.onResult(m),
    /** Writes the buffered samples now (never rejects). */
    flushSamples: (): Promise<void> => recorder.flush(),
    /** Stops the timers, then writes the samples still buffered (await it before closing the store). */
    async stop(): Promise<void> {
      scheduler.stop();
      flush.stop();
      scan?.stop();
      await scheduler.settle();
      await recorder.flush();
      await own?.stop().catch((error: unknown) => deps.logger.error({ err: error }, 'report notifications did not stop cleanly'));
    },
  };
}
