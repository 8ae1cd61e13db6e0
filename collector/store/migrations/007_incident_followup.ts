/**
 * Incident follow-up (collector/incidents, collector/sla-service, collector/reports): resolution-time extensions the
 * customer agreed to, the customer's evaluation recorded at closing, when a fault report was sent to the customer,
 * and the fault-report warnings already sent (the 80 % notice; the overdue reminder stays in fault_report_reminders).
 */
import type { Migration } from './index.js';

export const migration007IncidentFollowup: Migration = {
  version: 7,
  name: 'incident_followup',
  up(db) {
    db.exec(`
      -- Each extension adds extend_ms of working time to the resolution target, with the customer's consent.
      CREATE TABLE incident_extensions (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at_ms INTEGER NOT NULL,
        extend_ms INTEGER NOT NULL CHECK (extend_ms > 0),
        approved_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX incident_extensions_by_incident ON incident_extensions (incident_id, id);

      -- The customer's evaluation (0-100), at most one per incident, recorded when it is closed.
      CREATE TABLE incident_evaluations (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
        comment TEXT,
        evaluator TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        recorded_by TEXT NOT NULL
      );
      CREATE INDEX incident_evaluations_by_time ON incident_evaluations (at_ms);

      -- A fault report handed to the customer (reading or generating one never writes here).
      CREATE TABLE fault_report_sent (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        at_ms INTEGER NOT NULL,
        sent_by TEXT NOT NULL,
        note TEXT
      );
      CREATE TABLE fault_report_warnings (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        at_ms INTEGER NOT NULL
      );
    `);
    // Until now generating a report counted as sending it: keep those incidents quiet (no reminder after the upgrade).
    // (fault_reports comes from 005; tests of the incident service alone run 002 and 007 only.)
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fault_reports'").get()) {
      db.exec(`INSERT INTO fault_report_sent (incident_id, at_ms, sent_by, note)
        SELECT incident_id, generated_at_ms, generated_by, 'generated before upgrade' FROM fault_reports`);
    }
  },
};
