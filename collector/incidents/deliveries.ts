/** Notification outcomes reported by the dispatcher, written to the incident timeline. */
import type { IncidentNoticeKind } from '../events.js';
import type { Db } from '../store/db.js';
import { addTimelineEntry, getIncidentById } from './repository.js';
import { english, type CodedText } from './texts.js';

/** What the dispatcher reports per channel (structurally its DeliveryResult). */
export interface DeliveryReport {
  incidentId: number;
  channel: string;
  ok: boolean;
  attempts: number;
  error?: string;
  /** The notice kind that was delivered. */
  kind?: IncidentNoticeKind | 'report';
  /** When the outcome was known; defaults to now. */
  atMs?: number;
}

/** Adds the timeline entry; false when the incident does not exist. Call inside a transaction. */
export function recordDeliveryReport(db: Db, report: DeliveryReport, nowMs: number): boolean {
  if (!getIncidentById(db, report.incidentId)) return false;
  const text: CodedText = report.ok
    ? { code: 'note.delivered', params: { channel: report.channel, attempts: report.attempts } }
    : { code: 'note.delivery_failed', params: { channel: report.channel, attempts: report.attempts, error: report.error ?? null } };
  addTimelineEntry(db, {
    incidentId: report.incidentId,
    atMs: report.atMs ?? nowMs,
    actor: 'notifier',
    kind: report.ok ? 'notification_delivered' : 'notification_failed',
    note: english(text),
    noteCode: text.code,
    noteParams: text.params,
    data: { channel: report.channel, ok: report.ok, attempts: report.attempts, error: report.error ?? null, ...(report.kind ? { notice: report.kind } : {}) },
  });
  return true;
}
