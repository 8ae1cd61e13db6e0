/**
 * The last run of each report schedule (collector/reports/schedule-runs.ts), so `GET /api/v1/reports/schedules` and
 * the console's SLA page can say when it ran, how it went and where it went — across restarts. One row per schedule,
 * keyed by what the schedule is (report, period, contract, cron, time zone): a schedule whose cron changes is a new
 * one. `outcome` is ok | partial | failed; `files` and `deliveries` are JSON.
 */
import type { Migration } from './index.js';

export const migration014ReportScheduleRuns: Migration = {
  version: 14,
  name: 'report_schedule_runs',
  up(db) {
    db.exec(`
      CREATE TABLE report_schedule_runs (
        schedule_key TEXT PRIMARY KEY,
        started_at_ms INTEGER NOT NULL,
        finished_at_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        files TEXT NOT NULL,
        written INTEGER NOT NULL,
        deliveries TEXT NOT NULL
      );
    `);
  },
};
