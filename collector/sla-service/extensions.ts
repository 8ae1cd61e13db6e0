/**
 * Extending an incident's resolution time with the customer's consent (seed 003: extending the resolution time of
 * 高/中 incidents needs the customer representative's agreement). Only active incidents, only for the severities
 * the policy lists under `extensions`, and only where the policy sets a resolution target. Each extension adds
 * working time to the resolution target, so it moves the resolution due; it is audited on the timeline.
 */
import { recordIncidentEvent } from '../incidents/journal.js';
import type { IncidentRecord } from '../incidents/repository.js';
import { IncidentError } from '../incidents/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import { withRetry } from '../store/sql/retry.js';
import type { IncidentSlaStore } from './incident-sla-store.js';
import type { IncidentTimers } from './incident-timers.js';
import { activeIncident, reread } from './pauses.js';

export interface ExtensionDeps {
  store: SqlStore;
  facts: IncidentSlaStore;
  timers: Pick<IncidentTimers, 'policyOf' | 'compute'>;
  now: () => number;
  /** Re-arms the SLA scheduler after the change (awaited: it never throws). */
  changed: () => unknown;
}

export interface ExtensionInput {
  /** Working time added to the resolution target, ms (> 0). */
  extendMs: number;
  /** The customer representative who agreed. */
  approvedBy: string;
  reason: string;
}

export function createExtensions(deps: ExtensionDeps) {
  const { store, facts, now } = deps;

  return {
    async extend(number: string, actor: string, input: ExtensionInput): Promise<IncidentRecord> {
      if (!(input.extendMs > 0)) throw new RangeError('extendMs must be positive');
      // One transaction: the due instants before and after are computed on what it reads and writes (`trx`).
      const record = await withRetry(store, async (trx) => {
        const r = await activeIncident(trx, number, 'extend');
        const { policy } = await deps.timers.policyOf(r, trx);
        if (!policy.extensions.includes(r.severity)) {
          const allowed = policy.extensions.length ? policy.extensions.join(', ') : 'none';
          throw new IncidentError('illegal_transition', `cannot extend incident ${number}: policy "${policy.name}" allows extensions for ${allowed}, not ${r.severity}`);
        }
        if (!policy.severities[r.severity].resolution) {
          throw new IncidentError('illegal_transition', `cannot extend incident ${number}: policy "${policy.name}" sets no resolution time for ${r.severity}`);
        }
        const atMs = now();
        const before = (await deps.timers.compute(r, atMs, trx)).resolution?.dueAtMs ?? null;
        await facts.addExtension(trx, r.id, { atMs, extendMs: input.extendMs, approvedBy: input.approvedBy, reason: input.reason, createdBy: actor });
        const after = (await deps.timers.compute(r, atMs, trx)).resolution?.dueAtMs ?? null;
        await recordIncidentEvent(
          trx,
          {
            incidentId: r.id,
            atMs,
            actor,
            kind: 'sla_extended',
            note: input.reason,
            data: { extend_ms: input.extendMs, approved_by: input.approvedBy, resolution_due_before_ms: before, resolution_due_after_ms: after },
          },
          { touch: true },
        );
        return reread(trx, r.id);
      });
      facts.invalidate(record.id);
      await deps.changed();
      return record;
    },
  };
}
export type Extensions = ReturnType<typeof createExtensions>;
