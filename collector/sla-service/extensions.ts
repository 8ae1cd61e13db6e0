/**
 * Extending an incident's resolution time with the customer's consent (seed 003: extending the resolution time of
 * 高/中 incidents needs the customer representative's agreement). Only active incidents, only for the severities
 * the policy lists under `extensions`, and only where the policy sets a resolution target. Each extension adds
 * working time to the resolution target, so it moves the resolution due; it is audited on the timeline.
 */
import { IncidentError } from '../incidents/service.js';
import { addTimelineEntry, getIncidentByNumber, updateIncident, type IncidentRecord } from '../incidents/repository.js';
import type { Db } from '../store/db.js';
import type { IncidentSlaStore } from './incident-sla-store.js';
import type { IncidentTimers } from './incident-timers.js';

export interface ExtensionDeps {
  db: Db;
  store: IncidentSlaStore;
  timers: Pick<IncidentTimers, 'policyOf' | 'compute'>;
  now: () => number;
  /** Re-arms the SLA scheduler after the change. */
  changed: () => void;
}

export interface ExtensionInput {
  /** Working time added to the resolution target, ms (> 0). */
  extendMs: number;
  /** The customer representative who agreed. */
  approvedBy: string;
  reason: string;
}

export function createExtensions(deps: ExtensionDeps) {
  const { db, store, now } = deps;

  return {
    extend(number: string, actor: string, input: ExtensionInput): IncidentRecord {
      if (!(input.extendMs > 0)) throw new RangeError('extendMs must be positive');
      const record = db
        .transaction(() => {
          const r = getIncidentByNumber(db, number);
          if (!r) throw new IncidentError('not_found', `incident ${number} not found`);
          if (r.status !== 'open' && r.status !== 'acknowledged') {
            throw new IncidentError('illegal_transition', `cannot extend incident ${number}: it is ${r.status}`);
          }
          const { policy } = deps.timers.policyOf(r);
          if (!policy.extensions.includes(r.severity)) {
            const allowed = policy.extensions.length ? policy.extensions.join(', ') : 'none';
            throw new IncidentError('illegal_transition', `cannot extend incident ${number}: policy "${policy.name}" allows extensions for ${allowed}, not ${r.severity}`);
          }
          if (!policy.severities[r.severity].resolution) {
            throw new IncidentError('illegal_transition', `cannot extend incident ${number}: policy "${policy.name}" sets no resolution time for ${r.severity}`);
          }
          const atMs = now();
          const before = deps.timers.compute(r, atMs).resolution?.dueAtMs ?? null;
          store.addExtension(r.id, { atMs, extendMs: input.extendMs, approvedBy: input.approvedBy, reason: input.reason, createdBy: actor });
          const after = deps.timers.compute(r, atMs).resolution?.dueAtMs ?? null;
          addTimelineEntry(db, {
            incidentId: r.id,
            atMs,
            actor,
            kind: 'sla_extended',
            note: input.reason,
            data: { extend_ms: input.extendMs, approved_by: input.approvedBy, resolution_due_before_ms: before, resolution_due_after_ms: after },
          });
          return updateIncident(db, r.id, { updatedAtMs: atMs });
        })
        .immediate();
      deps.changed();
      return record;
    },
  };
}
export type Extensions = ReturnType<typeof createExtensions>;
