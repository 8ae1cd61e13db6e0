/**
 * Every dialect-neutral migration, one per raw migration in ../../migrations with the same version and name (the
 * history in `schema_migrations` is shared: a database the synchronous store migrated is recognised). When a raw
 * migration is added there, its port is added here; test/integration/collector/store/sql/migrations.test.ts fails
 * until the two lists and the schemas they produce agree.
 */
import { sqlMigration001Core } from './001_core.js';
import { sqlMigration002Incidents } from './002_incidents.js';
import { sqlMigration003Heartbeats } from './003_heartbeats.js';
import { sqlMigration004Sla } from './004_sla.js';
import { sqlMigration005Reports } from './005_reports.js';
import { sqlMigration006AgentEvents } from './006_agent_events.js';
import { sqlMigration007IncidentFollowup } from './007_incident_followup.js';
import { sqlMigration009Incarnations } from './009_incarnations.js';
import { sqlMigration010ReportFindingsAssets } from './010_report_findings_assets.js';
import { sqlMigration012ConsoleSessions } from './012_console_sessions.js';
import { sqlMigration013CodedTexts } from './013_coded_texts.js';
import { sqlMigration014ReportScheduleRuns } from './014_report_schedule_runs.js';
import { sqlMigration016IncidentSlaTerms } from './016_incident_sla_terms.js';
import { sqlMigration017SeenSeqs } from './017_seen_seqs.js';
import { sqlMigration018OpenNotOk } from './018_open_not_ok.js';
import { sqlMigration019JobLeases } from './019_job_leases.js';
import { sqlMigration020SlaPagesOwed } from './020_sla_pages_owed.js';
import type { SqlMigration } from './types.js';

export type { SqlDialect, SqlMigration } from './types.js';

export const sqlMigrations: readonly SqlMigration[] = [
  sqlMigration001Core,
  sqlMigration002Incidents,
  sqlMigration003Heartbeats,
  sqlMigration004Sla,
  sqlMigration005Reports,
  sqlMigration006AgentEvents,
  sqlMigration007IncidentFollowup,
  sqlMigration009Incarnations,
  sqlMigration010ReportFindingsAssets,
  sqlMigration012ConsoleSessions,
  sqlMigration013CodedTexts,
  sqlMigration014ReportScheduleRuns,
  sqlMigration016IncidentSlaTerms,
  sqlMigration017SeenSeqs,
  sqlMigration018OpenNotOk,
  sqlMigration019JobLeases,
  sqlMigration020SlaPagesOwed,
];
