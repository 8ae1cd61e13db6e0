/**
 * What a notice needs beyond the incident service's facts, added just before the dispatcher renders it: the check
 * finding behind the incident (its code and parameters, read from the store — the newest result of that target and
 * check, as the ingest wrote it to `checks`, so a notice sent after a collector restart is still localized) and when
 * the response and the resolution are due (the SLA clocks at the notice's instant). Both are store reads: `enrich`
 * is async, and the dispatcher awaits it in the order notices arrive (dispatcher.ts).
 */
import type { FindingParams } from '../../common/protocol.js';
import type { IncidentNotice } from '../events.js';
import type { SqlStore } from '../store/sql/connect.js';

const DUE_KINDS = new Set<IncidentNotice['kind']>(['opened', 'reopened', 'escalated']);

type Finding = NonNullable<IncidentNotice['finding']>;
type Due = { responseAtMs: number | null; resolutionAtMs: number | null };

export interface NoticeContextDeps {
  /** Due instants of an incident's clocks at `atMs`; null when it has no SLA (or it cannot be computed). */
  dueOf(incidentId: number, atMs: number): Promise<Due | null> | Due | null;
  /** The newest not-OK finding of (target, check), or null (default: none). See `storedFindings`. */
  findingOf?(target: string, checkId: string): Promise<Finding | null> | Finding | null;
}

/** Reads the newest finding of a (target, check) from the `checks` table (null while it is OK or has no code). */
export function storedFindings(store: Pick<SqlStore, 'db'>): (target: string, checkId: string) => Promise<Finding | null> {
  return async (target, checkId) => {
    const row = await store.db
      .selectFrom('checks')
      .select(['last_state', 'last_message', 'last_code', 'last_params_json'])
      .where('target', '=', target)
      .where('check_id', '=', checkId)
      .orderBy('last_observed_ms', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row || row.last_state === 'ok' || !row.last_code) return null;
    return { code: row.last_code, params: row.last_params_json ? (JSON.parse(row.last_params_json) as FindingParams) : null, message: row.last_message };
  };
}

export function createNoticeContext(deps: NoticeContextDeps) {
  return {
    async enrich(notice: IncidentNotice): Promise<IncidentNotice> {
      const { target, checkId } = notice.incident;
      const finding = notice.finding ?? (target && checkId ? await deps.findingOf?.(target, checkId) : undefined) ?? undefined;
      const due = notice.due ?? (DUE_KINDS.has(notice.kind) ? await deps.dueOf(notice.incident.id, notice.atMs) : null);
      return { ...notice, ...(finding?.code ? { finding } : {}), ...(due ? { due } : {}) };
    },
  };
}
