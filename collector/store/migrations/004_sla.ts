/**
 * SLA glue (collector/sla-service): maintenance windows declared through the API, the policy/contract each
 * incident was opened under, pauses of its clocks, and the SLA events already fired (so restarts never repeat them).
 */
import type { Migration } from './index.js';

export const migration004Sla: Migration = {
  version: 4,
  name: 'sla',
  up(db) {
    db.exec(`
      -- Windows from the API/CLI (config windows stay in the config). Deleting keeps the row (audit): deleted_*.
      CREATE TABLE maintenance_windows (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        reason TEXT NOT NULL,
        targets_json TEXT NOT NULL,
        groups_json TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('once', 'rrule', 'cron')),
        start_ms INTEGER,
        end_ms INTEGER,
        rule TEXT,
        duration_ms INTEGER,
        timezone TEXT NOT NULL,
        -- Declared after it began (reclassifies a past outage); only admins may, and it is kept visible.
        retroactive INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        deleted_by TEXT,
        deleted_at_ms INTEGER
      );

      CREATE TABLE incident_sla (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
        policy TEXT NOT NULL,
        contract TEXT
      );

      CREATE TABLE incident_pauses (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        start_ms INTEGER NOT NULL,
        end_ms INTEGER,
        reason TEXT NOT NULL,
        paused_by TEXT NOT NULL,
        resumed_by TEXT
      );
      CREATE INDEX incident_pauses_by_incident ON incident_pauses (incident_id, start_ms);
      CREATE UNIQUE INDEX incident_pauses_one_open ON incident_pauses (incident_id) WHERE end_ms IS NULL;

      -- kind: warning | breach | escalation; key: the timer name or the escalation level index.
      CREATE TABLE incident_sla_fired (
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (incident_id, kind, key)
      ) WITHOUT ROWID;
    `);
  },
};
