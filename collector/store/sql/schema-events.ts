/** Row types of agent_events, heartbeats, heartbeat_runs, heartbeat_seq (both engines; integers as numbers). */
import type { Generated } from 'kysely';

export interface AgentEventsTable {
  id: Generated<number>;
  agent_id: string;
  /** Migration 009 ('' for agents without incarnations). */
  incarnation: Generated<string>;
  seq: number;
  kind: string;
  target: string | null;
  check_id: string | null;
  message: string;
  data_json: string | null;
  observed_at_ms: number;
  sent_at_ms: number;
  received_at_ms: number;
  /** 0/1: a trap whose rule is not applied yet. */
  pending: Generated<number>;
  action: string | null;
  rule: string | null;
  incident_id: number | null;
}

export interface HeartbeatsTable {
  name: string;
  token_sha256: string;
  source: string;
  target: string;
  period_ms: number | null;
  schedule: string | null;
  timezone: string | null;
  grace_ms: number;
  severity: string | null;
  created_at_ms: number;
  status: string;
  deadline_ms: number;
  last_ping_ms: number | null;
  last_ping_kind: string | null;
  last_success_ms: number | null;
  started_at_ms: number | null;
  last_duration_ms: number | null;
  last_exit_code: number | null;
}

export interface HeartbeatRunsTable {
  id: Generated<number>;
  name: string;
  started_at_ms: number | null;
  finished_at_ms: number;
  duration_ms: number | null;
  outcome: string;
  exit_code: number | null;
}

export interface HeartbeatSeqTable {
  id: number;
  last_seq: number;
}

export interface EventTables {
  agent_events: AgentEventsTable;
  heartbeats: HeartbeatsTable;
  heartbeat_runs: HeartbeatRunsTable;
  heartbeat_seq: HeartbeatSeqTable;
}
