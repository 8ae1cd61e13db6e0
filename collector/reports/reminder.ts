/**
 * Fault-report reminder: a resolved P1/P2 incident with no generated fault report `after` (24 h) its resolution gets
 * one IncidentNotice `report_reminder` through the collector's notify path. Reminders are recorded, so each incident
 * is reminded once, across restarts.
 */
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice } from '../events.js';
import { getIncidentById } from '../incidents/repository.js';
import type { ReportStore } from './store.js';

export interface ReminderDeps {
  store: ReportStore;
  db: Parameters<typeof getIncidentById>[0];
  afterMs: number;
  now: () => number;
  notify: (notice: IncidentNotice) => void;
  logger: Logger;
  incidentUrl?: (number: string) => string;
}

export function createFaultReportReminder(deps: ReminderDeps) {
  const log = deps.logger.child({ component: 'reports.reminder' });
  return {
    /** Sends the reminders due now; returns the incident numbers reminded. */
    scan(): string[] {
      const nowMs = deps.now();
      const sent: string[] = [];
      for (const id of deps.store.dueReminders(nowMs - deps.afterMs)) {
        const r = getIncidentById(deps.db, id);
        if (!r || !deps.store.markReminded(id, nowMs)) continue;
        const url = deps.incidentUrl?.(r.number);
        const notice: IncidentNotice = {
          kind: 'report_reminder',
          incident: { id: r.id, number: r.number, title: r.title, severity: r.severity, status: r.status, target: r.target, checkId: r.checkId, openedAtMs: r.openedAtMs, ...(url ? { url } : {}) },
          atMs: nowMs,
          actor: 'system',
          note: `no fault report ${Math.round(deps.afterMs / 3_600_000)} h after resolution: run "outpost report fault ${r.number}"`,
        };
        try {
          deps.notify(notice);
        } catch (error) {
          log.error({ err: error, number: r.number }, 'fault report reminder not sent');
        }
        sent.push(r.number);
      }
      return sent;
    },
  };
}
