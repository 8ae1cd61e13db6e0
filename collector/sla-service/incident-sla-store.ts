/**
 * SQL for the SLA facts of incidents (migration 004): the policy/contract an incident was opened under (with the
 * policy's terms as they were then, migration 016), pauses of its clocks, and which SLA events (warning, breach,
 * escalation level) were already fired.
 */
import type { PauseInterval } from '../sla/index.js';
import type { Db } from '../store/db.js';

export type FiredKind = 'warning' | 'breach' | 'escalation';

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

export function createIncidentSlaStore(db: Db) {
  const extensions = db.prepare<[number], { id: number; at_ms: number; extend_ms: number; approved_by: string; reason: string; created_by: string }>(
    'SELECT id, at_ms, extend_ms, approved_by, reason, created_by FROM incident_extensions WHERE incident_id = ? ORDER BY id',
  );
  const insertExtension = db.prepare('INSERT INTO incident_extensions (incident_id, at_ms, extend_ms, approved_by, reason, created_by) VALUES (?, ?, ?, ?, ?, ?)');
  const getPolicy = db.prepare<[number], { policy: string; contract: string | null; terms: string | null }>('SELECT policy, contract, terms FROM incident_sla WHERE incident_id = ?');
  const setPolicy = db.prepare('INSERT OR IGNORE INTO incident_sla (incident_id, policy, contract, terms) VALUES (?, ?, ?, ?)');
  const setTerms = db.prepare('UPDATE incident_sla SET terms = ? WHERE incident_id = ? AND terms IS NULL');
  const pauses = db.prepare<[number], { id: number; start_ms: number; end_ms: number | null; reason: string; paused_by: string; resumed_by: string | null }>(
    'SELECT id, start_ms, end_ms, reason, paused_by, resumed_by FROM incident_pauses WHERE incident_id = ? ORDER BY start_ms, id',
  );
  const insertPause = db.prepare('INSERT INTO incident_pauses (incident_id, start_ms, reason, paused_by) VALUES (?, ?, ?, ?)');
  const endPause = db.prepare('UPDATE incident_pauses SET end_ms = ?, resumed_by = ? WHERE incident_id = ? AND end_ms IS NULL');
  const fired = db.prepare<[number], { kind: FiredKind; key: string; at_ms: number }>('SELECT kind, key, at_ms FROM incident_sla_fired WHERE incident_id = ?');
  const markFired = db.prepare('INSERT OR IGNORE INTO incident_sla_fired (incident_id, kind, key, at_ms) VALUES (?, ?, ?, ?)');
  const lifecycle = db.prepare<[number], { kind: string; at_ms: number }>(
    "SELECT kind, at_ms FROM incident_events WHERE incident_id = ? AND kind IN ('resolved', 'reopened') ORDER BY at_ms, id",
  );
  const firstAck = db.prepare<[number], { at_ms: number | null }>("SELECT MIN(at_ms) AS at_ms FROM incident_events WHERE incident_id = ? AND kind = 'acknowledged'");

  /** Writes per incident since start: readers that keep what they read (incident-timers.ts) compare it. */
  const writes = new Map<number, number>();
  const wrote = (incidentId: number): void => {
    writes.set(incidentId, (writes.get(incidentId) ?? 0) + 1);
  };

  return {
    /** Changes whenever this store writes something of the incident (policy, terms, pauses, extensions, fired events). */
    version(incidentId: number): number {
      return writes.get(incidentId) ?? 0;
    },
    /** `terms`: the policy's JSON as recorded (null for incidents recorded before migration 016). */
    policyOf(incidentId: number): { policy: string; contract: string | null; terms: string | null } | null {
      return getPolicy.get(incidentId) ?? null;
    },
    /** Records the policy once; later calls keep the first (the policy an incident opened under never changes). */
    recordPolicy(incidentId: number, policy: string, contract: string | null, terms: string): void {
      setPolicy.run(incidentId, policy, contract, terms);
      wrote(incidentId);
    },
    /** Records the terms of an incident recorded before migration 016 (once; the first recording stays). */
    recordTerms(incidentId: number, terms: string): void {
      setTerms.run(terms, incidentId);
      wrote(incidentId);
    },
    pauses(incidentId: number): StoredPause[] {
      return pauses.all(incidentId).map((r) => ({ id: r.id, startMs: r.start_ms, endMs: r.end_ms, reason: r.reason, pausedBy: r.paused_by, resumedBy: r.resumed_by }));
    },
    pause(incidentId: number, atMs: number, reason: string, by: string): void {
      insertPause.run(incidentId, atMs, reason, by);
      wrote(incidentId);
    },
    /** Ends the open pause; false when there was none. */
    resume(incidentId: number, atMs: number, by: string): boolean {
      wrote(incidentId);
      return endPause.run(atMs, by, incidentId).changes > 0;
    },
    /** The first acknowledgement on the timeline (a reopen clears the incident's own field; the response was still met). */
    firstAckMs(incidentId: number): number | null {
      return firstAck.get(incidentId)?.at_ms ?? null;
    },
    /** Resolution-time extensions the customer agreed to (migration 007), oldest first. */
    extensions(incidentId: number): StoredExtension[] {
      return extensions
        .all(incidentId)
        .map((r) => ({ id: r.id, atMs: r.at_ms, extendMs: r.extend_ms, approvedBy: r.approved_by, reason: r.reason, createdBy: r.created_by }));
    },
    addExtension(incidentId: number, e: Omit<StoredExtension, 'id'>): void {
      insertExtension.run(incidentId, e.atMs, e.extendMs, e.approvedBy, e.reason, e.createdBy);
      wrote(incidentId);
    },
    /** The spans the incident spent resolved before a reopen ([resolved, reopened)); a final resolution is no gap. */
    resolvedGaps(incidentId: number): Array<{ startMs: number; endMs: number }> {
      const gaps: Array<{ startMs: number; endMs: number }> = [];
      let resolvedAt: number | null = null;
      for (const e of lifecycle.all(incidentId)) {
        if (e.kind === 'resolved') resolvedAt ??= e.at_ms;
        else if (resolvedAt !== null) {
          if (e.at_ms > resolvedAt) gaps.push({ startMs: resolvedAt, endMs: e.at_ms });
          resolvedAt = null;
        }
      }
      return gaps;
    },
    /** `kind:key` → when it fired. */
    fired(incidentId: number): Map<string, number> {
      return new Map(fired.all(incidentId).map((r) => [`${r.kind}:${r.key}`, r.at_ms]));
    },
    /** True when this call recorded it (false: it had fired already). */
    markFired(incidentId: number, kind: FiredKind, key: string, atMs: number): boolean {
      wrote(incidentId);
      return markFired.run(incidentId, kind, key, atMs).changes > 0;
    },
  };
}
export type IncidentSlaStore = ReturnType<typeof createIncidentSlaStore>;
