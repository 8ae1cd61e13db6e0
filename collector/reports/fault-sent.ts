/**
 * Recording that a fault report went to the customer (`outpost report fault N --mark-sent`, POST
 * /api/v1/reports/fault/N/sent): once per incident, on its timeline, in one transaction. From then on the fault-report
 * reminder is silent for it. Only resolved (or closed) incidents have a fault report to send.
 */
import { addTimelineEntry, getIncidentByNumber } from '../incidents/repository.js';
import type { Db } from '../store/db.js';
import { ReportError } from './errors.js';
import type { ReportStore } from './store.js';

export interface FaultReportSent {
  number: string;
  sentAtMs: number;
  sentBy: string;
  note: string | null;
  /** False when it had been recorded before (nothing changed). */
  recorded: boolean;
}

export function markFaultReportSent(deps: { db: Db; store: ReportStore; now: () => number }, number: string, by: string, note?: string): FaultReportSent {
  return deps.db
    .transaction((): FaultReportSent => {
      const record = getIncidentByNumber(deps.db, number);
      if (!record) throw new ReportError('not_found', `unknown incident "${number}"`);
      if (record.resolvedAtMs === null) throw new ReportError('invalid', `incident ${number} is not resolved yet (status ${record.status}); a fault report is sent after resolution`);
      const atMs = deps.now();
      const recorded = deps.store.markSent(record.id, atMs, by, note ?? null);
      if (recorded) addTimelineEntry(deps.db, { incidentId: record.id, atMs, actor: by, kind: 'fault_report_sent', note: note ?? null, data: null });
      const sent = deps.store.sentOf(record.id);
      return { number, sentAtMs: sent?.atMs ?? atMs, sentBy: sent?.by ?? by, note: sent?.note ?? null, recorded };
    })
    .immediate();
}
