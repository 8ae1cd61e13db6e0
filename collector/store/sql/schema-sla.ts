/** Row types of incident_sla, incident_sla_fired, incident_pauses, incident_extensions, maintenance_windows (both engines; integers as numbers). */
import type { Generated } from 'kysely';

/** Migration 004 (+ 016's terms). */
export interface IncidentSlaTable {
  incident_id: number;
  policy: string;
  contract: string | null;
  terms: string | null;
}

/**
 * Migration 004: kind warning | breach | escalation; key the timer name or the escalation level index. Migration 020:
 * `paged_at_ms` null while the mark's notice is owed (the scheduler's outbox); set once it reached a final outcome,
 * and at once for a mark without a notice.
 */
export interface IncidentSlaFiredTable {
  incident_id: number;
  kind: string;
  key: string;
  at_ms: number;
  paged_at_ms: number | null;
}

/** Migration 004. */
export interface IncidentPausesTable {
  id: Generated<number>;
  incident_id: number;
  start_ms: number;
  end_ms: number | null;
  reason: string;
  paused_by: string;
  resumed_by: string | null;
}

/** Migration 007. */
export interface IncidentExtensionsTable {
  id: Generated<number>;
  incident_id: number;
  at_ms: number;
  extend_ms: number;
  approved_by: string;
  reason: string;
  created_by: string;
}

/** Migration 004. */
export interface MaintenanceWindowsTable {
  id: Generated<number>;
  name: string;
  reason: string;
  targets_json: string;
  groups_json: string;
  kind: 'once' | 'rrule' | 'cron';
  start_ms: number | null;
  end_ms: number | null;
  rule: string | null;
  duration_ms: number | null;
  timezone: string;
  retroactive: Generated<number>;
  created_by: string;
  created_at_ms: number;
  deleted_by: string | null;
  deleted_at_ms: number | null;
}

export interface SlaTables {
  incident_sla: IncidentSlaTable;
  incident_sla_fired: IncidentSlaFiredTable;
  incident_pauses: IncidentPausesTable;
  incident_extensions: IncidentExtensionsTable;
  maintenance_windows: MaintenanceWindowsTable;
}
