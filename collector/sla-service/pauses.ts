/**
 * Pausing an incident's SLA clocks (waiting on the customer or a vendor) and resuming them, audited on the
 * timeline. Only active incidents pause; one pause at a time. Paused time does not count (engine: pauses excluded).
 */
import { IncidentError } from '../incidents/service.js';
import { addTimelineEntry, getIncidentByNumber, updateIncident, type IncidentRecord } from '../incidents/repository.js';
import type { Db } from '../store/db.js';
import type { IncidentSlaStore } from './incident-sla-store.js';

export interface PauseDeps {
  db: Db;
  store: IncidentSlaStore;
  now: () => number;
  /** Re-arms the SLA scheduler after the change. */
  changed: () => void;
}

export function createPauses(deps: PauseDeps) {
  const { db, store, now } = deps;

  function active(number: string, action: string): IncidentRecord {
    const record = getIncidentByNumber(db, number);
    if (!record) throw new IncidentError('not_found', `incident ${number} not found`);
    if (record.status !== 'open' && record.status !== 'acknowledged') {
      throw new IncidentError('illegal_transition', `cannot ${action} incident ${number}: it is ${record.status}`);
    }
    return record;
  }

  return {
    pause(number: string, actor: string, reason: string): IncidentRecord {
      const record = db
        .transaction(() => {
          const r = active(number, 'pause');
          if (store.pauses(r.id).some((p) => p.endMs === null)) throw new IncidentError('illegal_transition', `incident ${number} is already paused`);
          const atMs = now();
          store.pause(r.id, atMs, reason, actor);
          addTimelineEntry(db, { incidentId: r.id, atMs, actor, kind: 'sla_paused', note: reason, data: { reason } });
          return updateIncident(db, r.id, { updatedAtMs: atMs });
        })
        .immediate();
      deps.changed();
      return record;
    },

    resume(number: string, actor: string, note?: string): IncidentRecord {
      const record = db
        .transaction(() => {
          const r = active(number, 'resume');
          const open = store.pauses(r.id).find((p) => p.endMs === null);
          if (!open) throw new IncidentError('illegal_transition', `incident ${number} is not paused`);
          const atMs = now();
          store.resume(r.id, atMs, actor);
          addTimelineEntry(db, { incidentId: r.id, atMs, actor, kind: 'sla_resumed', note: note ?? null, data: { paused_ms: atMs - open.startMs, reason: open.reason } });
          return updateIncident(db, r.id, { updatedAtMs: atMs });
        })
        .immediate();
      deps.changed();
      return record;
    },
  };
}
export type Pauses = ReturnType<typeof createPauses>;
