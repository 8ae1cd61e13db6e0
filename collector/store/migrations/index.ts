/** Every migration, in version order. 001 core (collector core), 002 incidents, 003 heartbeats, 004 SLA (maintenance, incident timers), 005 reports, 006 agent events, 007 incident follow-up (extensions, evaluations, fault reports sent), 009 seq incarnations, 010 report findings and asset baselines, 012 console sessions, 013 coded titles/notes/findings, 014 report schedule runs, 016 incident SLA terms, 017 dedupe as a set of seen seqs, 018 index of the open intervals not ok, 019 singleton-job leases. */
import type Database from 'better-sqlite3';
import { migration001Core } from './001_core.js';
import { migration002Incidents } from './002_incidents.js';
import { migration003Heartbeats } from './003_heartbeats.js';
import { migration004Sla } from './004_sla.js';
import { migration005Reports } from './005_reports.js';
import { migration006AgentEvents } from './006_agent_events.js';
import { migration007IncidentFollowup } from './007_incident_followup.js';
import { migration009Incarnations } from './009_incarnations.js';
import { migration010ReportFindingsAssets } from './010_report_findings_assets.js';
import { migration012ConsoleSessions } from './012_console_sessions.js';
import { migration013CodedTexts } from './013_coded_texts.js';
import { migration014ReportScheduleRuns } from './014_report_schedule_runs.js';
import { migration016IncidentSlaTerms } from './016_incident_sla_terms.js';
import { migration017SeenSeqs } from './017_seen_seqs.js';
import { migration018OpenNotOk } from './018_open_not_ok.js';
import { migration019JobLeases } from './019_job_leases.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [
  migration001Core,
  migration002Incidents,
  migration003Heartbeats,
  migration004Sla,
  migration005Reports,
  migration006AgentEvents,
  migration007IncidentFollowup,
  migration009Incarnations,
  migration010ReportFindingsAssets,
  migration012ConsoleSessions,
  migration013CodedTexts,
  migration014ReportScheduleRuns,
  migration016IncidentSlaTerms,
  migration017SeenSeqs,
  migration018OpenNotOk,
  migration019JobLeases,
];
