/**
 * SQL for the customer's evaluation of an incident (migration 007; seed 002 服务评价: satisfaction 90 of 100 or
 * more): a 0–100 score, a comment and who gave it. At most one per incident: recorded when closing or later, on a
 * resolved or closed incident; a later one replaces it (the service writes the timeline entry that says so).
 * The SLA report counts an evaluation in the month its incident opened.
 */
import type { Db } from '../store/db.js';
import { addTimelineEntry } from './repository.js';
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

interface Row {
  incident_id: number;
  score: number;
  comment: string | null;
  evaluator: string;
  at_ms: number;
  recorded_by: string;
}

const fromRow = (r: Row): CustomerEvaluation => ({ score: r.score, comment: r.comment, evaluator: r.evaluator, atMs: r.at_ms, recordedBy: r.recorded_by });

/** Stores the incident's evaluation, replacing the one it had (the caller records the replacement on the timeline). */
export function upsertEvaluation(db: Db, incidentId: number, e: CustomerEvaluation): void {
  db.prepare('INSERT OR REPLACE INTO incident_evaluations (incident_id, score, comment, evaluator, at_ms, recorded_by) VALUES (?, ?, ?, ?, ?, ?)').run(
    incidentId,
    e.score,
    e.comment,
    e.evaluator,
    e.atMs,
    e.recordedBy,
  );
}

export function getEvaluation(db: Db, incidentId: number): CustomerEvaluation | null {
  const row = db.prepare('SELECT * FROM incident_evaluations WHERE incident_id = ?').get(incidentId) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Evaluations recorded in [fromMs, toMs) (whenever their incident opened), with their incident's id, oldest first. */
export function listEvaluations(db: Db, fromMs: number, toMs: number): Array<CustomerEvaluation & { incidentId: number }> {
  const rows = db.prepare('SELECT * FROM incident_evaluations WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, incident_id').all(fromMs, toMs) as Row[];
  return rows.map((r) => ({ ...fromRow(r), incidentId: r.incident_id }));
}

/**
 * Evaluations of the incidents opened in [fromMs, toMs) — however late they were recorded — with their incident's
 * id, in the order the incidents opened: what the SLA report of that period averages.
 */
export function listEvaluationsOfIncidentsOpened(db: Db, fromMs: number, toMs: number): Array<CustomerEvaluation & { incidentId: number }> {
  const rows = db
    .prepare(
      `SELECT e.* FROM incident_evaluations e JOIN incidents i ON i.id = e.incident_id
        WHERE i.opened_at_ms >= ? AND i.opened_at_ms < ? ORDER BY i.opened_at_ms, i.id`,
    )
    .all(fromMs, toMs) as Row[];
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
export function recordEvaluation(db: Db, incidentId: number, actor: string, evaluation: EvaluationInput, atMs: number): void {
  const evaluator = evaluation.evaluator ?? actor;
  const previous = getEvaluation(db, incidentId);
  const comment = evaluation.comment ?? null;
  upsertEvaluation(db, incidentId, { score: evaluation.score, comment, evaluator, atMs, recordedBy: actor });
  const data: Record<string, unknown> = { score: evaluation.score, evaluator };
  if (previous) Object.assign(data, { previous_score: previous.score, previous_evaluator: previous.evaluator, previous_at_ms: previous.atMs });
  addTimelineEntry(db, { incidentId, atMs, actor, kind: previous ? 'evaluation_replaced' : 'evaluated', note: comment, data });
}
