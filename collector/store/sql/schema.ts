/**
 * Row types of the tables the async repositories use, as both engines return them (integers as numbers: see
 * connect.ts). Tables not ported yet are absent; add each with its repository.
 */
import type { Generated } from 'kysely';
import type { ApiTables } from './schema-api.js';
import type { EventTables } from './schema-events.js';
import type { IncidentTables } from './schema-incidents.js';
import type { LeaseTables } from './schema-leases.js';
import type { ReportTables } from './schema-reports.js';
import type { SlaTables } from './schema-sla.js';

export interface AgentsTable {
  agent_id: string;
  hostname: string | null;
  agent_version: string | null;
  online: Generated<number>;
  status_reason: string | null;
  status_at_ms: number | null;
  last_seen_ms: number;
  skew_ms: number | null;
  checks_json: string | null;
  inventory_json: string | null;
  inventory_at_ms: number | null;
  incarnation: string | null;
  incarnation_at_ms: number | null;
}

export interface SeqMarksTable {
  agent_id: string;
  stream: string;
  max_seq: number;
}

export interface SeenSeqsTable {
  agent_id: string;
  incarnation: Generated<string>;
  stream: string;
  seq: number;
  received_at_ms: number;
}

export interface SeqFloorsTable {
  agent_id: string;
  stream: string;
  floor_seq: number;
}

export interface ChecksTable {
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  interval_s: number;
  last_observed_ms: number;
  last_received_ms: number;
  last_state: string;
  last_message: string;
  last_metrics_json: string | null;
  last_code: string | null;
  last_params_json: string | null;
}

export interface ObservationRunsTable {
  id: Generated<number>;
  agent_id: string;
  check_id: string;
  state: string;
  cause: string;
  first_ms: number;
  last_ms: number;
  count: number;
  reason: string;
  code: string | null;
  params_json: string | null;
}

export interface StateIntervalsTable {
  id: Generated<number>;
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  state: string;
  start_ms: number;
  end_ms: number | null;
  reason: string;
  cause: string;
  code: string | null;
  params_json: string | null;
}

export interface IncidentNumberSequencesTable {
  day: string;
  last_seq: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at_ms: number;
}

/**
 * Every table, by owning area: the core (above) and one file per area, each filled in by its owner. Keep a table's
 * row type next to the area that writes it; readers elsewhere import the type.
 */
export interface StoreSchema extends IncidentTables, SlaTables, EventTables, ReportTables, ApiTables, LeaseTables {
  agents: AgentsTable;
  seq_marks: SeqMarksTable;
  seen_seqs: SeenSeqsTable;
  seq_floors: SeqFloorsTable;
  checks: ChecksTable;
  observation_runs: ObservationRunsTable;
  state_intervals: StateIntervalsTable;
  incident_number_sequences: IncidentNumberSequencesTable;
  schema_migrations: SchemaMigrationsTable;
}
