/** Row types of report_samples, report_schedule_runs, fault_reports, fault_report_sent, fault_report_reminders, fault_report_warnings, asset_baselines, asset_baseline_agents (both engines; integers as numbers). */
import type { Generated } from 'kysely';

export interface ReportSamplesTable {
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  slot: number;
  observed_ms: number;
  state: string;
  message: string;
  metrics_json: string;
  series_json: string | null;
  details_json: string | null;
  code: string | null;
  params_json: string | null;
}

export interface ReportScheduleRunsTable {
  schedule_key: string;
  started_at_ms: number;
  finished_at_ms: number;
  outcome: string;
  error: string | null;
  files: string;
  written: number;
  deliveries: string;
}

export interface FaultReportsTable {
  incident_id: number;
  number: string;
  generated_at_ms: number;
  generated_by: string;
}

export interface FaultReportSentTable {
  incident_id: number;
  at_ms: number;
  sent_by: string;
  note: string | null;
}

export interface FaultReportNoticesTable {
  incident_id: number;
  at_ms: number;
}

export interface AssetBaselinesTable {
  id: Generated<number>;
  verified_at_ms: number;
  verified_by: string;
}

export interface AssetBaselineAgentsTable {
  baseline_id: number;
  agent_id: string;
  inventory_json: string | null;
  inventory_at_ms: number | null;
}

export interface ReportTables {
  report_samples: ReportSamplesTable;
  report_schedule_runs: ReportScheduleRunsTable;
  fault_reports: FaultReportsTable;
  fault_report_sent: FaultReportSentTable;
  fault_report_reminders: FaultReportNoticesTable;
  fault_report_warnings: FaultReportNoticesTable;
  asset_baselines: AssetBaselinesTable;
  asset_baseline_agents: AssetBaselineAgentsTable;
}
