/** Notification outcomes reported by the dispatcher, written to the incident timeline. */
import type { IncidentNoticeKind } from '../events.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { Q } from '../store/sql/sql-helpers.js';
import { recordIncidentEvent } from './journal.js';
import { getIncidentById } from './repository.js';
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

/** Adds the timeline entry (inside the caller's transaction `q`); false when the incident does not exist. */
export async function recordDeliveryReport(q: Q, report: DeliveryReport, nowMs: number): Promise<boolean> {
  if (!(await getIncidentById(q, report.incidentId))) return false;
  const text: CodedText = report.ok
    ? { code: 'note.delivered', params: { channel: report.channel, attempts: report.attempts } }
    : { code: 'note.delivery_failed', params: { channel: report.channel, attempts: report.attempts, error: report.error ?? null } };
  await recordIncidentEvent(q, {
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

/** The incident service's `recordDelivery`: each outcome in its own short transaction. */
export function createDeliveryRecording(store: SqlStore, now: () => number) {
  return {
    /**
     * Timeline entry for a notification outcome, reported by the dispatcher: positional
     * `(incidentId, channel, ok, attempts, error)` or the dispatcher's DeliveryResult object. False when the
     * incident is unknown.
     */
    recordDelivery(incidentOrResult: number | DeliveryReport, channel?: string, ok?: boolean, attempts?: number, error?: string | null): Promise<boolean> {
      const report: DeliveryReport =
        typeof incidentOrResult === 'number'
          ? { incidentId: incidentOrResult, channel: channel ?? 'unknown', ok: ok ?? false, attempts: attempts ?? 0, error: error ?? undefined }
          : incidentOrResult;
      // An insert only: no row another transaction updates is read-then-written, so no retry or lock is needed.
      return store.transaction((trx) => recordDeliveryReport(trx, report, now()));
    },
  };
}
