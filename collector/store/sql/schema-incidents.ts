/** Row types of incidents, incident_events, incident_evaluations (both engines; integers as numbers). */
import type { Generated } from 'kysely';

/** Migration 002 (+ 013's title code columns). */
export interface IncidentsTable {
  id: Generated<number>;
  number: string;
  title: string;
  description: string | null;
  severity: string;
  status: string;
  source: string;
  dedup_key: string | null;
  agent_id: string | null;
  target: string | null;
  check_id: string | null;
  check_type: string | null;
  last_state: string | null;
  is_host: Generated<number>;
  auto_resolve: Generated<number>;
  rule: string | null;
  parent_id: number | null;
  sla_policy: string | null;
  reporter: string | null;
  started_at_ms: number;
  opened_at_ms: number;
  acknowledged_at_ms: number | null;
  acknowledged_by: string | null;
  resolved_at_ms: number | null;
  resolved_by: string | null;
  cause: string | null;
  resolution: string | null;
  closed_at_ms: number | null;
  closed_by: string | null;
  updated_at_ms: number;
  title_code: string | null;
  title_params_json: string | null;
}

/** Migration 002 (+ 013's note code columns). */
export interface IncidentEventsTable {
  id: Generated<number>;
  incident_id: number;
  at_ms: number;
  actor: string;
  kind: string;
  note: string | null;
  data_json: string | null;
  note_code: string | null;
  note_params_json: string | null;
}

/** Migration 007. */
export interface IncidentEvaluationsTable {
  incident_id: number;
  score: number;
  comment: string | null;
  evaluator: string;
  at_ms: number;
  recorded_by: string;
}

export interface IncidentTables {
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_evaluations: IncidentEvaluationsTable;
}
