/**
 * Fault-report reminder: a resolved incident of the configured severities (default: all) whose fault report was not
 * recorded as sent to the customer gets one IncidentNotice `report_reminder` at `warnAt` (80 %) of the `after`
 * period (24 h) — "due in 4 h 48 min" — and one more when the period is over. Generating or reading the report does
 * not stop it; recording that it was sent does. Both notices are recorded, so each is sent once, across restarts.
 */
import type { Logger } from '../../common/logger.js';
import { formatDuration } from '../../common/humanize.js';
import type { IncidentNotice, Severity } from '../events.js';
import { SEVERITIES } from '../events.js';
import { getIncidentById, type IncidentRecord } from '../incidents/repository.js';
import type { ReportStore } from './store.js';

export interface ReminderDeps {
  store: ReportStore;
  db: Parameters<typeof getIncidentById>[0];
  /** The fault report is due this long after resolution (24 h). */
  afterMs: number;
  /** Share of `afterMs` at which the early warning goes out (0.8); null: no early warning. */
  warnAt?: number | null;
  /** Severities reminded about; default all. */
  severities?: readonly Severity[];
  now: () => number;
  notify: (notice: IncidentNotice) => void;
  logger: Logger;
  incidentUrl?: (number: string) => string;
}

export function createFaultReportReminder(deps: ReminderDeps) {
  const log = deps.logger.child({ component: 'reports.reminder' });
  const severities = deps.severities ?? SEVERITIES;
  const warnAt = deps.warnAt === undefined ? 0.8 : deps.warnAt;

  function send(r: IncidentRecord, nowMs: number, note: string): void {
    const url = deps.incidentUrl?.(r.number);
    const notice: IncidentNotice = {
      kind: 'report_reminder',
      incident: { id: r.id, number: r.number, title: r.title, severity: r.severity, status: r.status, target: r.target, checkId: r.checkId, openedAtMs: r.openedAtMs, ...(url ? { url } : {}) },
      atMs: nowMs,
      actor: 'system',
      note,
    };
    try {
      deps.notify(notice);
    } catch (error) {
      log.error({ err: error, number: r.number }, 'fault report reminder not sent');
    }
  }

  const hint = (number: string) => `run "outpost report fault ${number}", send it, then "outpost report fault ${number} --mark-sent"`;

  return {
    /** Sends the warnings and reminders due now; returns the incident numbers notified. */
    scan(): string[] {
      const nowMs = deps.now();
      const sent: string[] = [];
      const overdue = new Set<number>();
      for (const id of deps.store.dueReminders(nowMs - deps.afterMs, severities)) {
        overdue.add(id);
        const r = getIncidentById(deps.db, id);
        if (!r || !deps.store.markReminded(id, nowMs)) continue;
        // Past due: the early warning is moot (e.g. the collector was down at 80 %).
        deps.store.markWarned(id, nowMs);
        send(r, nowMs, `fault report not sent to the customer ${formatDuration(deps.afterMs / 1000, 'en')} after resolution: ${hint(r.number)}`);
        sent.push(r.number);
      }
      if (warnAt !== null) {
        for (const id of deps.store.dueWarnings(nowMs - Math.round(deps.afterMs * warnAt), severities)) {
          if (overdue.has(id)) continue;
          const r = getIncidentById(deps.db, id);
          if (!r || r.resolvedAtMs === null || !deps.store.markWarned(id, nowMs)) continue;
          const left = Math.max(0, r.resolvedAtMs + deps.afterMs - nowMs);
          send(r, nowMs, `fault report due to the customer in ${formatDuration(left / 1000, 'en')}: ${hint(r.number)}`);
          sent.push(r.number);
        }
      }
      return sent;
    },
  };
}
