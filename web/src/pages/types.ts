/** Shapes of the REST API's JSON that the console reads (snake_case as the API sends it). */
import type { Clock, Interval } from '../ui';

export interface TargetRow {
  target: string;
  state: string | null;
  /** In a maintenance window now (one-off or recurring), as the SLA service judges it. */
  maintenance: boolean;
  agents: string[];
  checks: Array<{ agent_id: string; check_id: string; state: string | null }>;
}

export interface Agent {
  agent_id: string;
  hostname: string | null;
  agent_version: string | null;
  online: boolean;
  status_reason: string | null;
  status_at_ms: number | null;
  last_seen_ms: number;
  checks: Array<{ check_id: string; check_type: string; target: string; interval_s: number }>;
  inventory: {
    os: { platform: string; distro: string; release: string; kernel: string; arch: string };
    hardware: { manufacturer: string; model: string; serial: string };
    cpu: { model: string; cores: number; physical_cores: number };
    memory_bytes: number;
    disks: Array<{ device: string; type: string; size_bytes: number }>;
    interfaces: Array<{ name: string; mac: string; ipv4: string[]; ipv6: string[] }>;
  } | null;
  inventory_at_ms: number | null;
}

export interface IncidentSla {
  policy: string;
  contract: string | null;
  response: Clock;
  resolution: Clock;
  paused: boolean;
  pause_reason: string | null;
  pauses: Array<{ started_at?: string; ended_at?: string | null; reason?: string; by?: string }>;
  escalation: { chain: string; levels: Array<{ level: number; name: string; channels: string[]; due_at: string | null; cancelled: boolean; fired_at: string | null }> } | null;
  extensions?: Array<Record<string, unknown>>;
}

export interface Incident {
  id: number;
  number: string;
  title: string;
  description: string | null;
  severity: string;
  status: string;
  source: string;
  target: string | null;
  check_id: string | null;
  reporter: string | null;
  opened_at_ms: number;
  acknowledged_at_ms: number | null;
  acknowledged_by: string | null;
  resolved_at_ms: number | null;
  resolved_by: string | null;
  cause: string | null;
  resolution: string | null;
  closed_at_ms: number | null;
  closed_by: string | null;
  sla?: IncidentSla;
}

export interface IncidentDetail extends Incident {
  parent_number: string | null;
  children: Array<{ number: string; title?: string; status?: string } | string>;
  timeline: Array<{ at_ms: number; actor: string; kind: string; note: string | null; data: unknown }>;
  extensions?: Array<Record<string, unknown>>;
  /** The customer's evaluation (seed 002 服务评价), recorded at closing or later. */
  evaluation?: { score: number; comment: string | null; evaluator: string; at_ms: number; recorded_by: string } | null;
}

export interface Compliance {
  with_target: number;
  met: number;
  breached: number;
  pending: number;
  compliance_percent: number | null;
}

export interface SlaSummary {
  period: string;
  contracts: Array<{
    name: string;
    policy: string;
    calendar: string;
    time_zone: string;
    availability_target: number;
    /** The contract as a whole: Σ up / Σ measured of its members (the SLA report's figure). */
    availability: { availability_percent: number | null; target_met: boolean | null; measured_targets: number; downtime_s: number | null; allowed_downtime_s: number | null; error_budget_left_s: number | null; error_budget_left_percent: number | null };
    members: Array<{ target: string; availability_percent: number | null; target_percent: number | null; target_met: boolean | null; downtime_s: number | null; allowed_downtime_s: number | null; coverage: number; outages: number }>;
    incidents: { total: number; by_severity: Record<string, { total: number; response: Compliance; resolution: Compliance }>; response: Compliance; resolution: Compliance; mtta_s: number | null; mttr_s: number | null };
  }>;
}

export interface MaintenanceWindow {
  id?: number;
  source: 'api' | 'config';
  name: string;
  reason?: string;
  targets: string[];
  groups: string[];
  kind: 'once' | 'rrule' | 'cron';
  start?: string;
  end?: string;
  rrule?: string;
  cron?: string;
  duration_s?: number;
  timezone?: string;
  created_by?: string;
  active?: boolean;
}

export interface CheckRow {
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  interval_s: number;
  state: string | null;
  since_ms: number | null;
  reason: string | null;
  last_result: { state: string; message: string; code?: string; params?: Record<string, string | number | boolean | null>; observed_at_ms: number; metrics: Record<string, number> } | null;
}

export type { Interval };
