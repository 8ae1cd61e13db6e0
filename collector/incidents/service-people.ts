/**
 * What people do to incidents (API, console, CLI): raise a manual ticket, acknowledge, resolve with cause, close
 * (with the customer's evaluation), evaluate later, reopen, add a note. Each is one transaction; on PostgreSQL the
 * incident is locked first (service-unit.ts `mustGet`), so two people acting at once on two collectors are serialized
 * exactly as on one SQLite file, and the loser gets the 409 for the status the winner left.
 */
import { nextIncidentNumberAsync } from '../store/sql/incident-numbers.js';
import { checkScore, recordEvaluation } from './evaluations.js';
import { touchIncident } from './journal.js';
import { transition, type IncidentStatus, type LifecycleAction } from './lifecycle.js';
import { findActiveByKey, insertIncident, listTimeline, UNSET_INCIDENT_FIELDS, updateIncident, type IncidentRecord, type TimelineEntry } from './repository.js';
import { REOPENED, type ApplyResolve } from './service-shared.js';
import { IncidentError, type EvaluationInput, type ManualIncidentInput } from './service-types.js';
import type { IncidentUnit, Work } from './service-unit.js';

function mustTransition(record: IncidentRecord, action: LifecycleAction): IncidentStatus {
  const to = transition(record.status, action);
  if (!to) throw new IncidentError('illegal_transition', `cannot ${action} incident ${record.number}: it is ${record.status}`);
  return to;
}

export function createPeopleActions(unit: IncidentUnit, applyResolve: ApplyResolve) {
  /** A person's lifecycle step that only stamps who and when (acknowledge, close), with its timeline entry and notice. */
  function stamp(
    number: string,
    actor: string,
    note: string | undefined,
    action: LifecycleAction,
    kind: 'acknowledged' | 'closed',
    fields: (w: Work, record: IncidentRecord) => Promise<Partial<IncidentRecord>>,
  ): Promise<IncidentRecord> {
    return unit.commit(async (w) => {
      const { trx, atMs, pending } = w;
      const record = await unit.mustGet(trx, number);
      const status = mustTransition(record, action);
      await unit.timeline(trx, record.id, atMs, actor, kind, note ?? null);
      const updated = await updateIncident(trx, record.id, { status, ...(await fields(w, record)), updatedAtMs: atMs });
      pending.push({ kind, incidentId: record.id, actor, ...(note ? { note } : {}) });
      return updated;
    });
  }

  return {
    /** A ticket raised by a person (e.g. a hotline call): numbered at once, never deduplicated. */
    createManual(input: ManualIncidentInput, actor: string): Promise<IncidentRecord> {
      return unit.commit(async ({ trx, atMs, pending }) => {
        const record = await insertIncident(trx, {
          ...UNSET_INCIDENT_FIELDS,
          number: await nextIncidentNumberAsync(trx, atMs),
          title: input.title,
          description: input.description ?? null,
          severity: input.severity,
          status: 'open',
          source: 'manual',
          target: input.target ?? null,
          checkId: input.checkId ?? null,
          reporter: input.reporter ?? null,
          // A start in the future would make SLA clocks run backwards.
          startedAtMs: Math.min(input.startedAtMs ?? atMs, atMs),
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        await unit.timeline(trx, record.id, atMs, actor, 'opened', input.description ?? null, { source: 'manual', severity: input.severity, reporter: input.reporter ?? null });
        pending.push({ kind: 'opened', incidentId: record.id, actor });
        return record;
      });
    },

    acknowledge(number: string, actor: string, note?: string): Promise<IncidentRecord> {
      return stamp(number, actor, note, 'acknowledge', 'acknowledged', async ({ atMs }) => ({ acknowledgedAtMs: atMs, acknowledgedBy: actor }));
    },

    /** Resolve by a person: cause and resolution feed the fault report. */
    resolve(number: string, actor: string, cause: string, resolution: string): Promise<IncidentRecord> {
      return unit.commit(async (w) => {
        const record = await unit.mustGet(w.trx, number);
        mustTransition(record, 'resolve');
        return applyResolve(w, record, actor, cause, resolution);
      });
    },

    /** Closes a resolved incident; with `evaluation`, records the customer's evaluation in the same transaction. */
    async close(number: string, actor: string, note?: string, evaluation?: EvaluationInput): Promise<IncidentRecord> {
      if (evaluation) checkScore(evaluation.score);
      return stamp(number, actor, note, 'close', 'closed', async ({ trx, atMs }, record) => {
        if (evaluation) await recordEvaluation(trx, record.id, actor, evaluation, atMs);
        return { closedAtMs: atMs, closedBy: actor };
      });
    },

    /**
     * Records the customer's evaluation after the fact (seed 002: the satisfaction follow-up comes after the
     * resolution) on a resolved or closed incident. One per incident: a second one replaces the first, and the
     * timeline entry `evaluation_replaced` keeps the score it replaced — the customer may revise a score after a
     * call-back, and the desk needs the latest one counted and the earlier one visible.
     */
    async evaluate(number: string, actor: string, evaluation: EvaluationInput): Promise<void> {
      checkScore(evaluation.score);
      await unit.commit(async ({ trx, atMs }) => {
        const record = await unit.mustGet(trx, number);
        if (record.status !== 'resolved' && record.status !== 'closed') {
          throw new IncidentError('illegal_transition', `cannot evaluate incident ${record.number}: it is ${record.status} (the customer evaluates a resolved or closed incident)`);
        }
        await recordEvaluation(trx, record.id, actor, evaluation, atMs);
        await touchIncident(trx, record.id, atMs);
      });
    },

    /** A person reopens a resolved incident; 409 when another incident is already active for its key. */
    reopen(number: string, actor: string, note?: string): Promise<IncidentRecord> {
      return unit.commit(async ({ trx, atMs, pending }) => {
        const record = await unit.mustGet(trx, number);
        const status = mustTransition(record, 'reopen');
        const active = record.dedupKey ? await findActiveByKey(trx, record.dedupKey) : null;
        if (active) throw new IncidentError('illegal_transition', `cannot reopen ${record.number}: ${active.number} is already active for the same check`);
        const updated = await updateIncident(trx, record.id, { status, ...REOPENED, updatedAtMs: atMs });
        await unit.timeline(trx, record.id, atMs, actor, 'reopened', note ?? null);
        pending.push({ kind: 'reopened', incidentId: record.id, actor, ...(note ? { note } : {}) });
        return updated;
      });
    },

    addNote(number: string, actor: string, text: string): Promise<TimelineEntry> {
      return unit.commit(async ({ trx, atMs }) => {
        const record = await unit.mustGet(trx, number);
        await touchIncident(trx, record.id, atMs);
        await unit.timeline(trx, record.id, atMs, actor, 'note', text);
        const entries = await listTimeline(trx, record.id);
        return entries[entries.length - 1] as TimelineEntry;
      });
    },
  };
}
