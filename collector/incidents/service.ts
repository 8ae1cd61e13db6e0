/**
 * The incident service — the one writer of incidents and their timeline (other areas write a timeline entry through
 * journal.ts). Composed of one part per responsibility, each applying its work in one transaction of the async store
 * and sending IncidentNotices through the injected `notify` only after commit (service-unit.ts):
 * - state changes from the pipeline (service-changes.ts),
 * - incidents under the collector's own keys: burn-rate alerts, trap rules (service-keyed.ts),
 * - people's actions: manual tickets, acknowledge, resolve, close, evaluate, reopen, notes (service-people.ts),
 * - notification outcomes on the timeline (deliveries.ts).
 * Incidents folded under a host incident (parent_id set) send no notices.
 */
import type { Severity, StateChange } from '../events.js';
import { createDeliveryRecording, type DeliveryReport } from './deliveries.js';
import { getEvaluation } from './evaluations.js';
import { countActiveBySeverity, getIncidentById, getIncidentByNumber, listChildren, listIncidents, listTimeline, type IncidentFilters, type IncidentRecord, type TimelineEntry } from './repository.js';
import { createStateChangeHandling } from './service-changes.js';
import { createKeyedIncidents } from './service-keyed.js';
import { createPeopleActions } from './service-people.js';
import { createResolver } from './service-shared.js';
import type { EvaluationInput, IncidentDetail, IncidentServiceDeps } from './service-types.js';
import { createIncidentUnit } from './service-unit.js';

export type { DeliveryReport, IncidentFilters, IncidentRecord, TimelineEntry };
export { IncidentError, type EvaluationInput, type IncidentDetail, type IncidentServiceDeps, type IncidentSlaHooks, type KeyedIncidentInput, type ManualIncidentInput } from './service-types.js';
export { SYSTEM_ACTOR } from './service-shared.js';

export function createIncidentService(deps: IncidentServiceDeps) {
  const { store } = deps;
  const unit = createIncidentUnit(deps);
  const applyResolve = createResolver(unit);
  const changes = createStateChangeHandling(deps, unit, applyResolve);
  const keyed = createKeyedIncidents(deps, unit, applyResolve);
  const people = createPeopleActions(unit, applyResolve);
  const deliveries = createDeliveryRecording(store, deps.now);

  async function detailOf(number: string): Promise<IncidentDetail | null> {
    const q = store.db;
    const record = await getIncidentByNumber(q, number);
    if (!record) return null;
    const parent = record.parentId === null ? null : await getIncidentById(q, record.parentId);
    const children = await listChildren(q, record.id);
    return { ...record, parentNumber: parent?.number ?? null, children, timeline: await listTimeline(q, record.id), evaluation: await getEvaluation(q, record.id) };
  }

  return {
    /** Applies one confirmed state change (call after it is durably stored). Idempotent for replays. */
    handleStateChange(change: StateChange): Promise<void> {
      return changes.handleStateChanges([change]);
    },
    handleStateChanges: changes.handleStateChanges,
    openKeyed: keyed.openKeyed,
    resolveKeyed: keyed.resolveKeyed,
    createManual: people.createManual,
    acknowledge: people.acknowledge,
    resolve: people.resolve,
    close: people.close,
    /** Records (or replaces) the customer's evaluation; the incident's detail after it. */
    async evaluate(number: string, actor: string, evaluation: EvaluationInput): Promise<IncidentDetail> {
      await people.evaluate(number, actor, evaluation);
      return (await detailOf(number)) as IncidentDetail;
    },
    reopen: people.reopen,
    addNote: people.addNote,
    recordDelivery: deliveries.recordDelivery,

    get(number: string): Promise<IncidentDetail | null> {
      return detailOf(number);
    },

    list(filters: IncidentFilters): Promise<{ items: IncidentRecord[]; total: number }> {
      return listIncidents(store.db, filters);
    },

    openCountsBySeverity(): Promise<Record<Severity, number>> {
      return countActiveBySeverity(store.db);
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
