/**
 * SQL for the SLA facts of incidents (migration 004): the policy/contract an incident was opened under (with the
 * policy's terms as they were then, migration 016), pauses of its clocks, and which SLA events (warning, breach,
 * escalation level) were already fired. Every method takes the handle `q` first (the store's `db`, or a caller's
 * transaction); the incident timeline is read through the incident repository, never written here.
 */
import { listTimeline } from '../incidents/repository.js';
import type { PauseInterval } from '../sla/index.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';

export type FiredKind = 'warning' | 'breach' | 'escalation';

/** A fired mark whose page is owed (migration 020). */
export interface OwedPage {
  incidentId: number;
  kind: FiredKind;
  key: string;
  /** When it fired (the notice's event time). */
  atMs: number;
}

export interface StoredPause extends PauseInterval {
  id: number;
  pausedBy: string;
  resumedBy: string | null;
}

export interface StoredExtension {
  id: number;
  atMs: number;
  extendMs: number;
  approvedBy: string;
  reason: string;
  createdBy: string;
}

/** A unique constraint refused the row (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function createIncidentSlaStore() {
  /**
   * Writes per incident since start: readers that keep what they read (incident-timers.ts) compare it. A write in a
   * transaction bumps it before commit; callers bump it again after commit (`invalidate`), so a read that ran between
   * the two is never kept under the final number.
   */
  const writes = new Map<number, number>();
  const wrote = (incidentId: number): void => {
    writes.set(incidentId, (writes.get(incidentId) ?? 0) + 1);
  };

  return {
    /** Changes whenever this store writes something of the incident (policy, terms, pauses, extensions, fired events). */
    version(incidentId: number): number {
      return writes.get(incidentId) ?? 0;
    },
    /** Something of the incident was written (after the commit of a transaction that wrote it). */
    invalidate: wrote,
    /** `terms`: the policy's JSON as recorded (null for incidents recorded before migration 016). */
    async policyOf(q: Q, incidentId: number): Promise<{ policy: string; contract: string | null; terms: string | null } | null> {
      const row = await q.selectFrom('incident_sla').select(['policy', 'contract', 'terms']).where('incident_id', '=', incidentId).executeTakeFirst();
      return row ?? null;
    },
    /** Records the policy once; later calls keep the first (the policy an incident opened under never changes). */
    async recordPolicy(q: Q, incidentId: number, policy: string, contract: string | null, terms: string): Promise<void> {
      await q
        .insertInto('incident_sla')
        .values({ incident_id: incidentId, policy, contract, terms })
        .onConflict((oc) => oc.column('incident_id').doNothing())
        .execute();
      wrote(incidentId);
    },
    /** Records the terms of an incident recorded before migration 016 (once; the first recording stays). */
    async recordTerms(q: Q, incidentId: number, terms: string): Promise<void> {
      await q.updateTable('incident_sla').set({ terms }).where('incident_id', '=', incidentId).where('terms', 'is', null).execute();
      wrote(incidentId);
    },
    async pauses(q: Q, incidentId: number): Promise<StoredPause[]> {
      const rows = await q
        .selectFrom('incident_pauses')
        .select(['id', 'start_ms', 'end_ms', 'reason', 'paused_by', 'resumed_by'])
        .where('incident_id', '=', incidentId)
        .orderBy('start_ms')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, startMs: r.start_ms, endMs: r.end_ms, reason: r.reason, pausedBy: r.paused_by, resumedBy: r.resumed_by }));
    },
    /** Opens a pause; a second open pause of the incident is refused by a unique index (isUniqueViolation). */
    async pause(q: Q, incidentId: number, atMs: number, reason: string, by: string): Promise<void> {
      await q.insertInto('incident_pauses').values({ incident_id: incidentId, start_ms: atMs, reason, paused_by: by }).execute();
      wrote(incidentId);
    },
    /** Ends the open pause; false when there was none (or another collector ended it first). */
    async resume(q: Q, incidentId: number, atMs: number, by: string): Promise<boolean> {
      const result = await q
        .updateTable('incident_pauses')
        .set({ end_ms: atMs, resumed_by: by })
        .where('incident_id', '=', incidentId)
        .where('end_ms', 'is', null)
        .executeTakeFirst();
      wrote(incidentId);
      return changed(result) > 0;
    },
    /** The first acknowledgement on the timeline (a reopen clears the incident's own field; the response was still met). */
    async firstAckMs(q: Q, incidentId: number): Promise<number | null> {
      let first: number | null = null;
      for (const e of await listTimeline(q, incidentId)) if (e.kind === 'acknowledged' && (first === null || e.atMs < first)) first = e.atMs;
      return first;
    },
    /** Resolution-time extensions the customer agreed to (migration 007), oldest first. */
    async extensions(q: Q, incidentId: number): Promise<StoredExtension[]> {
      const rows = await q
        .selectFrom('incident_extensions')
        .select(['id', 'at_ms', 'extend_ms', 'approved_by', 'reason', 'created_by'])
        .where('incident_id', '=', incidentId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, atMs: r.at_ms, extendMs: r.extend_ms, approvedBy: r.approved_by, reason: r.reason, createdBy: r.created_by }));
    },
    async addExtension(q: Q, incidentId: number, e: Omit<StoredExtension, 'id'>): Promise<void> {
      await q
        .insertInto('incident_extensions')
        .values({ incident_id: incidentId, at_ms: e.atMs, extend_ms: e.extendMs, approved_by: e.approvedBy, reason: e.reason, created_by: e.createdBy })
        .execute();
      wrote(incidentId);
    },
    /** The spans the incident spent resolved before a reopen ([resolved, reopened)); a final resolution is no gap. */
    async resolvedGaps(q: Q, incidentId: number): Promise<Array<{ startMs: number; endMs: number }>> {
      const lifecycle = (await listTimeline(q, incidentId))
        .filter((e) => e.kind === 'resolved' || e.kind === 'reopened')
        .sort((a, b) => a.atMs - b.atMs || a.id - b.id);
      const gaps: Array<{ startMs: number; endMs: number }> = [];
      let resolvedAt: number | null = null;
      for (const e of lifecycle) {
        if (e.kind === 'resolved') resolvedAt ??= e.atMs;
        else if (resolvedAt !== null) {
          if (e.atMs > resolvedAt) gaps.push({ startMs: resolvedAt, endMs: e.atMs });
          resolvedAt = null;
        }
      }
      return gaps;
    },
    /** `kind:key` → when it fired. */
    async fired(q: Q, incidentId: number): Promise<Map<string, number>> {
      const rows = await q.selectFrom('incident_sla_fired').select(['kind', 'key', 'at_ms']).where('incident_id', '=', incidentId).execute();
      return new Map(rows.map((r) => [`${r.kind}:${r.key}`, r.at_ms]));
    },
    /**
     * True when this call recorded it (false: it had fired already). The primary key decides: with two collectors on
     * PostgreSQL the second insert waits for the first transaction and then counts nothing. `owed`: the mark carries
     * a page not yet sent (the outbox, migration 020); a silent mark is done at once.
     */
    async markFired(q: Q, incidentId: number, kind: FiredKind, key: string, atMs: number, owed = false): Promise<boolean> {
      const result = await q
        .insertInto('incident_sla_fired')
        .values({ incident_id: incidentId, kind, key, at_ms: atMs, paged_at_ms: owed ? null : atMs })
        .onConflict((oc) => oc.columns(['incident_id', 'kind', 'key']).doNothing())
        .executeTakeFirst();
      wrote(incidentId);
      return changed(result) > 0;
    },
    /** Marks whose page is owed, oldest first (at most `limit`). */
    async owedPages(q: Q, limit = 1000): Promise<OwedPage[]> {
      const rows = await q
        .selectFrom('incident_sla_fired')
        .select(['incident_id', 'kind', 'key', 'at_ms'])
        .where('paged_at_ms', 'is', null)
        .orderBy('at_ms')
        .orderBy('incident_id')
        .orderBy('kind')
        .orderBy('key')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ incidentId: r.incident_id, kind: r.kind as FiredKind, key: r.key, atMs: r.at_ms }));
    },
    /** The mark's page reached its final outcome (or was given up) at `atMs`; false when it was not owed (any more). */
    async markPaged(q: Q, page: Pick<OwedPage, 'incidentId' | 'kind' | 'key'>, atMs: number): Promise<boolean> {
      const result = await q
        .updateTable('incident_sla_fired')
        .set({ paged_at_ms: atMs })
        .where('incident_id', '=', page.incidentId)
        .where('kind', '=', page.kind)
        .where('key', '=', page.key)
        .where('paged_at_ms', 'is', null)
        .executeTakeFirst();
      return changed(result) > 0;
    },
  };
}

export type IncidentSlaStore = ReturnType<typeof createIncidentSlaStore>;
