/**
 * Incidents the collector raises under a key of its own (SLA burn-rate alerts, agent-event trap rules): open (or
 * update, or reopen within the grace period) and resolve, each in its own transaction with the key locked.
 */
import { nextIncidentNumberAsync } from '../store/sql/incident-numbers.js';
import { findActiveByKey, findLastResolvedByKey, insertIncident, UNSET_INCIDENT_FIELDS, updateIncident, type IncidentRecord } from './repository.js';
import { coded, descriptionNote, keyedTitle, REOPENED, retitled, sameTitle, SEVERITY_RANK, SYSTEM_ACTOR, type ApplyResolve } from './service-shared.js';
import type { IncidentServiceDeps, KeyedIncidentInput } from './service-types.js';
import type { IncidentUnit } from './service-unit.js';
import { english, type CodedText } from './texts.js';

export function createKeyedIncidents(deps: IncidentServiceDeps, unit: IncidentUnit, applyResolve: ApplyResolve) {
  const { config } = deps;

  return {
    /**
     * Opens an incident under `dedupKey` unless one is active for it (then returns that one unchanged). A failure
     * within `grace_period` of the key's last resolution reopens that incident (flapping: one ticket).
     */
    openKeyed(input: KeyedIncidentInput, actor: string = SYSTEM_ACTOR): Promise<IncidentRecord> {
      return unit.commit(async ({ trx, atMs, pending }) => {
        await unit.lockKeys(trx, [input.dedupKey]);
        const active = await findActiveByKey(trx, input.dedupKey);
        if (active) {
          // The condition that fires now names the incident (a burn-rate alert moving to another window); a more
          // urgent severity raises it, a calmer one never lowers it while it is open.
          const raised = SEVERITY_RANK[input.severity] < SEVERITY_RANK[active.severity];
          if (sameTitle(active, input) && !raised) return active;
          const severity = raised ? input.severity : active.severity;
          const updated = await updateIncident(trx, active.id, { ...keyedTitle(input), severity, updatedAtMs: atMs });
          await unit.timeline(trx, active.id, atMs, actor, 'state_changed', input.description ?? null, { severity, rule: input.rule, ...retitled(active, input.title, input.titleText) }, input.descriptionText);
          if (raised) pending.push({ kind: 'updated', incidentId: active.id, ...coded({ code: 'note.severity_raised', params: { severity } }) });
          return updated;
        }
        const last = await findLastResolvedByKey(trx, input.dedupKey);
        if (last && last.resolvedAtMs !== null && atMs - last.resolvedAtMs <= config.grace_period) {
          const reopened = await updateIncident(trx, last.id, { status: 'open', ...keyedTitle(input), severity: input.severity, lastState: null, ...REOPENED, updatedAtMs: atMs });
          await unit.timeline(trx, last.id, atMs, actor, 'reopened', input.description ?? null, { severity: input.severity, rule: input.rule, ...retitled(last, input.title, input.titleText) }, input.descriptionText);
          pending.push({ kind: 'reopened', incidentId: last.id, ...descriptionNote(input) });
          return reopened;
        }
        const record = await insertIncident(trx, {
          ...UNSET_INCIDENT_FIELDS,
          number: await nextIncidentNumberAsync(trx, atMs),
          ...keyedTitle(input),
          description: input.descriptionText ? english(input.descriptionText) : (input.description ?? null),
          severity: input.severity,
          status: 'open',
          source: 'auto',
          dedupKey: input.dedupKey,
          target: input.target ?? null,
          checkId: input.checkId ?? null,
          checkType: input.checkType,
          autoResolve: true,
          rule: input.rule,
          startedAtMs: Math.min(input.startedAtMs ?? atMs, atMs),
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        await unit.timeline(trx, record.id, atMs, actor, 'opened', input.description ?? null, { source: 'auto', severity: input.severity, rule: input.rule }, input.descriptionText);
        pending.push({ kind: 'opened', incidentId: record.id, ...descriptionNote(input) });
        return record;
      });
    },

    /** Resolves the active incident of `dedupKey` (its condition ended); null when none is active. */
    async resolveKeyed(dedupKey: string, cause: string, resolution: string, actor: string = SYSTEM_ACTOR, resolutionText?: CodedText): Promise<IncidentRecord | null> {
      // Most calls find nothing to resolve: no transaction (nor notices, gauge, SLA hook) for them.
      if (!(await findActiveByKey(deps.store.db, dedupKey))) return null;
      return unit.commit(async (w) => {
        await unit.lockKeys(w.trx, [dedupKey]);
        const active = await findActiveByKey(w.trx, dedupKey);
        return active ? applyResolve(w, active, actor, cause, resolutionText ? english(resolutionText) : resolution, resolutionText) : null;
      });
    },
  };
}
