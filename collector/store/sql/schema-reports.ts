/** Row types of report_samples, report_schedule_runs, fault_reports, fault_report_sent, fault_report_reminders, fault_report_warnings, asset_baselines, asset_baseline_agents (both engines; integers as numbers). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the area's queries are ported
export interface ReportTables {}
