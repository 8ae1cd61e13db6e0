/**
 * SQL for the customer's evaluation of an incident (migration 007; seed 002 服务评价: satisfaction 90 of 100 or
 * more): a 0–100 score, a comment and who gave it. At most one per incident: recorded when closing or later, on a
 * resolved or closed incident; a later one replaces it (the service writes the timeline entry that says so).
 * The SLA report counts an evaluation in the month its incident opened.
 */
import type { Selectable } from 'kysely';
import type { IncidentEvaluationsTable } from '../store/sql/schema-incidents.js';
import type { Q } from '../store/sql/sql-helpers.js';
import { recordIncidentEvent } from './journal.js';
import type { EvaluationInput } from './service-types.js';

export interface CustomerEvaluation {
  /** 0–100. */
  score: number;
  comment: string | null;
  /** Who gave it (the customer's representative). */
  evaluator: string;
  atMs: number;
  /** Who entered it (the operator closing the incident). */
  recordedBy: string;
}

type Row = Selectable<IncidentEvaluationsTable>;

const fromRow = (r: Row): CustomerEvaluation => ({ score: r.score, comment: r.comment, evaluator: r.evaluator, atMs: r.at_ms, recordedBy: r.recorded_by });

/** Stores the incident's evaluation, replacing the one it had (the caller records the replacement on the timeline). */
export async function upsertEvaluation(q: Q, incidentId: number, e: CustomerEvaluation): Promise<void> {
  const row = { incident_id: incidentId, score: e.score, comment: e.comment, evaluator: e.evaluator, at_ms: e.atMs, recorded_by: e.recordedBy };
  await q
    .insertInto('incident_evaluations')
    .values(row)
    .onConflict((oc) =>
      oc.column('incident_id').doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'),
        comment: eb.ref('excluded.comment'),
        evaluator: eb.ref('excluded.evaluator'),
        at_ms: eb.ref('excluded.at_ms'),
        recorded_by: eb.ref('excluded.recorded_by'),
      })),
    )
    .execute();
}

export async function getEvaluation(q: Q, incidentId: number): Promise<CustomerEvaluation | null> {
  const row = await q.selectFrom('incident_evaluations').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** Evaluations recorded in [fromMs, toMs) (whenever their incident opened), with their incident's id, oldest first. */
export async function listEvaluations(q: Q, fromMs: number, toMs: number): Promise<Array<CustomerEvaluation & { incidentId: number }>> {
  const rows = await q.selectFrom('incident_evaluations').selectAll().where('at_ms', '>=', fromMs).where('at_ms', '<', toMs).orderBy('at_ms').orderBy('incident_id').execute();
  return rows.map((r) => ({ ...fromRow(r), incidentId: r.incident_id }));
}

/**
 * Evaluations of the incidents opened in [fromMs, toMs) — however late they were recorded — with their incident's
 * id, in the order the incidents opened: what the SLA report of that period averages.
 */
export async function listEvaluationsOfIncidentsOpened(q: Q, fromMs: number, toMs: number): Promise<Array<CustomerEvaluation & { incidentId: number }>> {
  const rows = await q
    .selectFrom('incident_evaluations as e')
    .innerJoin('incidents as i', 'i.id', 'e.incident_id')
    .select(['e.incident_id', 'e.score', 'e.comment', 'e.evaluator', 'e.at_ms', 'e.recorded_by'])
    .where('i.opened_at_ms', '>=', fromMs)
    .where('i.opened_at_ms', '<', toMs)
    .orderBy('i.opened_at_ms')
    .orderBy('i.id')
    .execute();
  return rows.map((r) => ({ ...fromRow(r), incidentId: r.incident_id }));
}

/** Throws a RangeError unless `score` is a whole number 0–100 (the API and CLI check first and name the field). */
export function checkScore(score: number): void {
  if (!(Number.isInteger(score) && score >= 0 && score <= 100)) throw new RangeError(`evaluation score must be an integer 0-100, got ${score}`);
}

/**
 * Stores (or replaces) the incident's evaluation with its timeline entry, inside the caller's transaction:
 * `evaluated`, or `evaluation_replaced` keeping the score, evaluator and time it replaced.
 */
export async function recordEvaluation(q: Q, incidentId: number, actor: string, evaluation: EvaluationInput, atMs: number): Promise<void> {
  const evaluator = evaluation.evaluator ?? actor;
  const previous = await getEvaluation(q, incidentId);
  const comment = evaluation.comment ?? null;
  await upsertEvaluation(q, incidentId, { score: evaluation.score, comment, evaluator, atMs, recordedBy: actor });
  const data: Record<string, unknown> = { score: evaluation.score, evaluator };
  if (previous) Object.assign(data, { previous_score: previous.score, previous_evaluator: previous.evaluator, previous_at_ms: previous.atMs });
  await recordIncidentEvent(q, { incidentId, atMs, actor, kind: previous ? 'evaluation_replaced' : 'evaluated', note: comment, data });
}
