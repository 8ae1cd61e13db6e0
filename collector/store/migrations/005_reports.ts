/**
 * Reports (collector/reports): the latest full result of each check (metrics, series, details — the checks table keeps
 * only flat metrics), hourly samples of those results for trends (disk fill, backup size), generated fault reports and
 * the fault-report reminders already sent (once per incident).
 */
import type { Migration } from './index.js';

export const migration005Reports: Migration = {
  version: 5,
  name: 'reports',
  up(db) {
    db.exec(`
      CREATE TABLE report_samples (
        agent_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        check_type TEXT NOT NULL,
        target TEXT NOT NULL,
        -- floor(observed_ms / sample period): one row per check and period, the newest result of it wins.
        slot INTEGER NOT NULL,
        observed_ms INTEGER NOT NULL,
        state TEXT NOT NULL,
        message TEXT NOT NULL,
        metrics_json TEXT NOT NULL,
        series_json TEXT,
        details_json TEXT,
        PRIMARY KEY (agent_id, check_id, slot)
      ) WITHOUT ROWID;
      CREATE INDEX report_samples_by_time ON report_samples (observed_ms);

      CREATE TABLE fault_reports (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        number TEXT NOT NULL,
        generated_at_ms INTEGER NOT NULL,
        generated_by TEXT NOT NULL
      );

      CREATE TABLE fault_report_reminders (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        at_ms INTEGER NOT NULL
      );
    `);
  },
};
