/**
 * Incidents from state changes (the pipeline's batches, the start-up reconciliation, the maintenance-end watcher):
 * the engine decides from the incidents of each change's keys, and the decisions of a whole batch are applied in one
 * transaction — one fsync for an agent with 500 checks going offline, and on PostgreSQL the keys of the batch are
 * locked first (key-locks.ts) so that two collectors handling the same change open one incident, not two.
 */
import { isAgentDown, type StateChange } from '../events.js';
import { agentKey, contextNeeds, decide, dedupKeyFor, type EngineAction } from './engine.js';
import { nextIncidentNumberAsync } from '../store/sql/incident-numbers.js';
import {
  findActiveByKey,
  findActiveHosts,
  findLastResolvedByKey,
  getIncidentById,
  insertIncident,
  snapshotOf,
  UNSET_INCIDENT_FIELDS,
  updateIncident,
} from './repository.js';
import { coded, REOPENED, retitled, SYSTEM_ACTOR, type ApplyResolve } from './service-shared.js';
import type { IncidentServiceDeps } from './service-types.js';
import type { IncidentUnit, Work } from './service-unit.js';

export function createStateChangeHandling(deps: IncidentServiceDeps, unit: IncidentUnit, applyResolve: ApplyResolve) {
  const { config } = deps;
  const { logger } = unit;

  async function applyAction(w: Work, action: EngineAction): Promise<void> {
    const { trx, atMs, pending } = w;
    switch (action.kind) {
      case 'open': {
        const record = await insertIncident(trx, {
          ...UNSET_INCIDENT_FIELDS,
          number: await nextIncidentNumberAsync(trx, atMs),
          title: action.title,
          titleCode: action.titleText.code,
          titleParams: action.titleText.params,
          severity: action.severity,
          status: 'open',
          source: 'auto',
          dedupKey: action.dedupKey,
          agentId: action.agentId,
          target: action.target,
          checkId: action.checkId,
          checkType: action.checkType,
          lastState: action.state,
          isHost: action.isHost,
          autoResolve: action.autoResolve,
          rule: action.rule,
          parentId: action.parentId,
          slaPolicy: action.slaPolicy,
          startedAtMs: action.startedAtMs,
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        const parent = action.parentId === null ? null : await getIncidentById(trx, action.parentId);
        const data = { state: action.state, severity: action.severity, rule: action.rule, ...(parent ? { folded_under: parent.number } : {}) };
        await unit.timeline(trx, record.id, atMs, SYSTEM_ACTOR, 'opened', action.reason, data, action.reasonText);
        pending.push({ kind: 'opened', incidentId: record.id, ...coded(action.reasonText) });
        return;
      }
      case 'update': {
        const before = await getIncidentById(trx, action.incidentId);
        await updateIncident(trx, action.incidentId, { lastState: action.state, severity: action.severity, updatedAtMs: atMs });
        await unit.timeline(trx, action.incidentId, atMs, SYSTEM_ACTOR, 'state_changed', action.reason, { from: before?.lastState ?? null, to: action.state, severity: action.severity }, action.reasonText);
        if (action.severityRaised) pending.push({ kind: 'updated', incidentId: action.incidentId, ...coded({ code: 'note.severity_raised', params: { severity: action.severity } }) });
        return;
      }
      case 'resolve': {
        const record = await getIncidentById(trx, action.incidentId);
        if (!record) return;
        await updateIncident(trx, record.id, { lastState: 'ok' });
        await applyResolve(w, record, SYSTEM_ACTOR, action.cause, action.resolution, action.resolutionText);
        return;
      }
      case 'reopen': {
        const before = await getIncidentById(trx, action.incidentId);
        await updateIncident(trx, action.incidentId, {
          status: 'open',
          title: action.title,
          titleCode: action.titleText.code,
          titleParams: action.titleText.params,
          lastState: action.state,
          severity: action.severity,
          autoResolve: action.autoResolve,
          parentId: action.parentId,
          rule: action.rule,
          ...REOPENED,
          updatedAtMs: atMs,
        });
        await unit.timeline(trx, action.incidentId, atMs, SYSTEM_ACTOR, 'reopened', action.reason, { state: action.state, severity: action.severity, ...retitled(before, action.title, action.titleText) }, action.reasonText);
        pending.push({ kind: 'reopened', incidentId: action.incidentId, ...coded(action.reasonText) });
        return;
      }
    }
  }

  /** `suppressed`: the maintenance reason asked before the transaction, or null. */
  async function applyChange(w: Work, change: StateChange, suppressed: string | null): Promise<void> {
    const { trx } = w;
    const key = dedupKeyFor(change);
    const current = await findActiveByKey(trx, key);
    const needs = contextNeeds(change, current !== null);
    const lastResolved = needs.openingContext ? await findLastResolvedByKey(trx, key) : null;
    const agentLost = needs.agentLost ? await findActiveByKey(trx, agentKey(change.agentId)) : null;
    const hosts = needs.openingContext ? await findActiveHosts(trx, change.target) : [];
    const actions = decide(
      change,
      {
        current: current && snapshotOf(current),
        lastResolved: lastResolved && snapshotOf(lastResolved),
        hosts: hosts.map(snapshotOf),
        agentLost: agentLost && snapshotOf(agentLost),
      },
      config,
    );
    // Maintenance: the state is recorded, but no new incident opens or pages (updates and resolves still apply).
    const opening = actions.some((a) => a.kind === 'open' || a.kind === 'reopen');
    const allowed = suppressed !== null && opening ? actions.filter((a) => a.kind !== 'open' && a.kind !== 'reopen') : actions;
    if (suppressed !== null && opening) logger.info({ key, target: change.target, to: change.to, reason: suppressed }, 'incident suppressed by maintenance');
    for (const action of allowed) await applyAction(w, action);
    if (actions.length) logger.debug({ key, to: change.to, actions: actions.map((a) => a.kind) }, 'incident actions applied');
  }

  /**
   * The maintenance reasons of the changes that could open an incident (bad states, agents lost), asked before the
   * transaction; the SLA side may read the store for it.
   */
  async function suppressions(changes: readonly StateChange[], atMs: number): Promise<Array<string | null>> {
    const out: Array<string | null> = [];
    for (const change of changes) out.push(deps.sla && (change.to !== 'ok' || isAgentDown(change.cause)) ? await deps.sla.suppressOpening(change, atMs) : null);
    return out;
  }

  return {
    /**
     * Applies a batch in one transaction (one fsync instead of one per change, e.g. an agent with 500 checks
     * going offline). Replaying every check's current state at start-up repairs changes lost in a crash.
     */
    async handleStateChanges(changes: readonly StateChange[]): Promise<void> {
      if (changes.length === 0) return;
      const atMs = deps.now();
      const suppressed = await suppressions(changes, atMs);
      await unit.commit(async (w) => {
        await unit.lockKeys(w.trx, changes.flatMap((change) => [dedupKeyFor(change), agentKey(change.agentId)]));
        for (const [i, change] of changes.entries()) await applyChange(w, change, suppressed[i] ?? null);
      }, atMs);
    },
  };
}
