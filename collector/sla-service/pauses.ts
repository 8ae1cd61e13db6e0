/**
 * Pausing an incident's SLA clocks (waiting on the customer or a vendor) and resuming them, audited on the
 * timeline. Only active incidents pause; one pause at a time. Paused time does not count (engine: pauses excluded).
 * Each is one transaction (retried when PostgreSQL aborts it for a deadlock with another collector); the timeline
 * entry is written through the incident journal.
 */
import { recordIncidentEvent } from '../incidents/journal.js';
import { getIncidentById, getIncidentByNumber, type IncidentRecord } from '../incidents/repository.js';
import { IncidentError } from '../incidents/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import { withRetry } from '../store/sql/retry.js';
import type { Q } from '../store/sql/sql-helpers.js';
import { isUniqueViolation, type IncidentSlaStore } from './incident-sla-store.js';

export interface PauseDeps {
  store: SqlStore;
  facts: IncidentSlaStore;
  now: () => number;
  /** Re-arms the SLA scheduler after the change (awaited: it never throws). */
  changed: () => unknown;
}

/** The incident, open or acknowledged (else an IncidentError naming it). */
export async function activeIncident(q: Q, number: string, action: string): Promise<IncidentRecord> {
  const record = await getIncidentByNumber(q, number);
  if (!record) throw new IncidentError('not_found', `incident ${number} not found`);
  if (record.status !== 'open' && record.status !== 'acknowledged') {
    throw new IncidentError('illegal_transition', `cannot ${action} incident ${number}: it is ${record.status}`);
  }
  return record;
}

/** The incident as the transaction left it (after the journal touched it). */
export async function reread(q: Q, id: number): Promise<IncidentRecord> {
  const record = await getIncidentById(q, id);
  if (!record) throw new Error(`incident ${id} vanished during update`);
  return record;
}

export function createPauses(deps: PauseDeps) {
  const { store, facts, now } = deps;

  async function after(record: IncidentRecord): Promise<IncidentRecord> {
    facts.invalidate(record.id);
    await deps.changed();
    return record;
  }

  return {
    async pause(number: string, actor: string, reason: string): Promise<IncidentRecord> {
      const already = () => new IncidentError('illegal_transition', `incident ${number} is already paused`);
      let record: IncidentRecord;
      try {
        record = await withRetry(store, async (trx) => {
          const r = await activeIncident(trx, number, 'pause');
          if ((await facts.pauses(trx, r.id)).some((p) => p.endMs === null)) throw already();
          const atMs = now();
          await facts.pause(trx, r.id, atMs, reason, actor);
          await recordIncidentEvent(trx, { incidentId: r.id, atMs, actor, kind: 'sla_paused', note: reason, data: { reason } }, { touch: true });
          return reread(trx, r.id);
        });
      } catch (error) {
        // Another collector paused it between our read and our insert: the one-open-pause index refused ours.
        if (isUniqueViolation(error)) throw already();
        throw error;
      }
      return after(record);
    },

    async resume(number: string, actor: string, note?: string): Promise<IncidentRecord> {
      const record = await withRetry(store, async (trx) => {
        const r = await activeIncident(trx, number, 'resume');
        const open = (await facts.pauses(trx, r.id)).find((p) => p.endMs === null);
        const notPaused = () => new IncidentError('illegal_transition', `incident ${number} is not paused`);
        if (!open) throw notPaused();
        const atMs = now();
        // The update decides (WHERE end_ms IS NULL): of two resumes at once, one ends the pause, the other is told.
        if (!(await facts.resume(trx, r.id, atMs, actor))) throw notPaused();
        await recordIncidentEvent(trx, { incidentId: r.id, atMs, actor, kind: 'sla_resumed', note: note ?? null, data: { paused_ms: atMs - open.startMs, reason: open.reason } }, { touch: true });
        return reread(trx, r.id);
      });
      return after(record);
    },
  };
}
export type Pauses = ReturnType<typeof createPauses>;
