/**
 * SQL for the customer's evaluation of an incident (migration 007; seed 002 服务评价: satisfaction 90 of 100 or
 * more): a 0–100 score, a comment and who gave it, recorded once, when the incident is closed.
 */
import type { Db } from '../store/db.js';

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

export function insertEvaluation(db: Db, incidentId: number, e: CustomerEvaluation): void {
  db.prepare('INSERT INTO incident_evaluations (incident_id, score, comment, evaluator, at_ms, recorded_by) VALUES (?, ?, ?, ?, ?, ?)').run(
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

/** Evaluations recorded in [fromMs, toMs), with their incident's id, oldest first. */
export function listEvaluations(db: Db, fromMs: number, toMs: number): Array<CustomerEvaluation & { incidentId: number }> {
  const rows = db.prepare('SELECT * FROM incident_evaluations WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, incident_id').all(fromMs, toMs) as Row[];
  return rows.map((r) => ({ ...fromRow(r), incidentId: r.incident_id }));
}
