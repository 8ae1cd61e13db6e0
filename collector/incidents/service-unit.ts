/**
 * The incident service's unit of work: one transaction (`store.transaction`) in which a responsibility (state
 * changes, keyed incidents, people's actions) writes incidents and their timeline and collects the notices it owes;
 * after commit — never before — the open gauge is refreshed, the SLA hook told and the notices sent. A transaction
 * PostgreSQL aborts (deadlock, serialization failure, or another collector winning an incident key) reruns whole.
 */
import type { IncidentNotice, IncidentNoticeKind } from '../events.js';
import { SEVERITIES } from '../events.js';
import { isRetryableSqlError, withRetry } from '../store/sql/retry.js';
import type { Q } from '../store/sql/sql-helpers.js';
import { recordIncidentEvent } from './journal.js';
import { isActiveKeyConflict, lockIncident, lockIncidentKeys } from './key-locks.js';
import { countActiveBySeverity, getIncidentById, getIncidentByNumber, type IncidentRecord } from './repository.js';
import { english, type CodedText } from './texts.js';
import { IncidentError, type IncidentServiceDeps } from './service-types.js';

export type PendingNotice = { kind: IncidentNoticeKind; incidentId: number; actor?: string; note?: string; noteText?: CodedText };

/** What a piece of work gets: its transaction, its instant, and the list of notices to send after commit. */
export interface Work {
  trx: Q;
  atMs: number;
  pending: PendingNotice[];
}

/** Attempts of one unit of work before its error reaches the caller. */
const ATTEMPTS = 5;

export function createIncidentUnit(deps: IncidentServiceDeps) {
  const { store, now, notify } = deps;
  const logger = deps.logger.child({ component: 'incidents' });

  async function toNotice(trx: Q, pending: PendingNotice, atMs: number): Promise<IncidentNotice | null> {
    const record = await getIncidentById(trx, pending.incidentId);
    if (!record || record.parentId !== null) return null;
    const url = deps.incidentUrl?.(record.number);
    const apiUrl = deps.incidentApiUrl?.(record.number);
    return {
      kind: pending.kind,
      incident: {
        id: record.id,
        number: record.number,
        title: record.title,
        ...(record.titleCode ? { titleCode: record.titleCode, titleParams: record.titleParams } : {}),
        severity: record.severity,
        status: record.status,
        target: record.target,
        checkId: record.checkId,
        openedAtMs: record.openedAtMs,
        ...(url ? { url } : {}),
        ...(apiUrl ? { apiUrl } : {}),
      },
      atMs,
      ...(pending.actor ? { actor: pending.actor } : {}),
      ...(pending.note ? { note: pending.note } : {}),
      ...(pending.noteText ? { noteText: pending.noteText } : {}),
    };
  }

  async function refreshGauge(): Promise<void> {
    if (!deps.openGauge) return;
    const counts = await countActiveBySeverity(store.db);
    for (const severity of SEVERITIES) deps.openGauge.set({ severity }, counts[severity]);
  }

  /**
   * Runs `work` in one transaction (rerun whole when PostgreSQL aborts it), then refreshes the gauge, tells the SLA
   * hook and sends the collected notices. `atMs` is the instant of every write (default: now).
   */
  async function commit<T>(work: (w: Work) => Promise<T>, atMs: number = now()): Promise<T> {
    const { result, notices } = await withRetry(
      () =>
        store.transaction(async (trx) => {
          // Fresh per attempt: a rolled-back attempt's notices are never sent.
          const pending: PendingNotice[] = [];
          const result = await work({ trx, atMs, pending });
          // Built inside the transaction so each notice shows the committed state.
          const notices: IncidentNotice[] = [];
          for (const p of pending) {
            const notice = await toNotice(trx, p, atMs);
            if (notice) notices.push(notice);
          }
          return { result, notices };
        }),
      { attempts: ATTEMPTS, isRetryable: (error) => isRetryableSqlError(error) || isActiveKeyConflict(error) },
    );
    try {
      await refreshGauge();
    } catch (error) {
      logger.error({ err: error }, 'open incidents gauge not refreshed');
    }
    try {
      deps.sla?.changed();
    } catch (error) {
      logger.error({ err: error }, 'SLA hook failed');
    }
    for (const notice of notices) {
      try {
        notify(notice);
      } catch (error) {
        logger.error({ err: error, number: notice.incident.number, kind: notice.kind }, 'notify callback failed');
      }
    }
    return result;
  }

  /** A timeline entry; `text` (code + params) when the collector wrote the note, whose English text is then `note`. */
  async function timeline(trx: Q, incidentId: number, atMs: number, actor: string, kind: string, note: string | null, data: Record<string, unknown> | null = null, text?: CodedText): Promise<void> {
    await recordIncidentEvent(trx, { incidentId, atMs, actor, kind, note: text ? english(text) : note, data, ...(text ? { noteCode: text.code, noteParams: text.params } : {}) });
  }

  /** The incident a person acts on, locked against concurrent actions on another collector; 404 when unknown. */
  async function mustGet(trx: Q, number: string): Promise<IncidentRecord> {
    const found = await getIncidentByNumber(trx, number);
    const record = found && (await lockIncident(trx, store.dialect, found, () => getIncidentByNumber(trx, number)));
    if (!record) throw new IncidentError('not_found', `incident ${number} not found`);
    return record;
  }

  return {
    commit,
    timeline,
    mustGet,
    lockKeys: (trx: Q, keys: Iterable<string>) => lockIncidentKeys(trx, store.dialect, keys),
    logger,
  };
}

export type IncidentUnit = ReturnType<typeof createIncidentUnit>;
