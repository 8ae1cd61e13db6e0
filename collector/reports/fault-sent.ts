/**
 * Recording that a fault report went to the customer (`outpost report fault N --mark-sent`, POST
 * /api/v1/reports/fault/N/sent): once per incident, on its timeline, in one transaction. From then on the fault-report
 * reminder is silent for it. Only resolved (or closed) incidents have a fault report to send.
 */
import { recordIncidentEvent } from '../incidents/journal.js';
import { getIncidentByNumber } from '../incidents/repository.js';
import type { SqlStore } from '../store/sql/connect.js';
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

export async function markFaultReportSent(deps: { store: Pick<SqlStore, 'transaction'>; reports: ReportStore; now: () => number }, number: string, by: string, note?: string): Promise<FaultReportSent> {
  // One transaction: the sent row (its primary key decides between two callers) and the timeline entry land together.
  return deps.store.transaction(async (trx): Promise<FaultReportSent> => {
    const record = await getIncidentByNumber(trx, number);
    if (!record) throw new ReportError('not_found', `unknown incident "${number}"`);
    if (record.resolvedAtMs === null) throw new ReportError('invalid', `incident ${number} is not resolved yet (status ${record.status}); a fault report is sent after resolution`);
    const atMs = deps.now();
    const recorded = await deps.reports.markSent(trx, record.id, atMs, by, note ?? null);
    if (recorded) await recordIncidentEvent(trx, { incidentId: record.id, atMs, actor: by, kind: 'fault_report_sent', note: note ?? null, data: null });
    const sent = await deps.reports.sentOf(trx, record.id);
    return { number, sentAtMs: sent?.atMs ?? atMs, sentBy: sent?.by ?? by, note: sent?.note ?? null, recorded };
  });
}
