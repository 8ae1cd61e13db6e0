/** Incident tickets, their timeline and the per-day number sequence (collector/incidents). */
import type { Migration } from './index.js';

export const migration002Incidents: Migration = {
  version: 2,
  name: 'incidents',
  up(db) {
    db.exec(`
      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT,
        severity TEXT NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
        status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved', 'closed')),
        source TEXT NOT NULL CHECK (source IN ('auto', 'manual')),
        -- target + check for automatic incidents; NULL for manual tickets (never deduplicated).
        dedup_key TEXT,
        agent_id TEXT,
        target TEXT,
        check_id TEXT,
        check_type TEXT,
        last_state TEXT,
        is_host INTEGER NOT NULL DEFAULT 0,
        auto_resolve INTEGER NOT NULL DEFAULT 1,
        rule TEXT,
        parent_id INTEGER REFERENCES incidents (id),
        -- Reserved for the SLA engine: the policy that applies and its timers live in their own tables.
        sla_policy TEXT,
        reporter TEXT,
        started_at_ms INTEGER NOT NULL,
        opened_at_ms INTEGER NOT NULL,
        acknowledged_at_ms INTEGER,
        acknowledged_by TEXT,
        resolved_at_ms INTEGER,
        resolved_by TEXT,
        cause TEXT,
        resolution TEXT,
        closed_at_ms INTEGER,
        closed_by TEXT,
        updated_at_ms INTEGER NOT NULL
      );
      -- One active incident per dedup key, enforced by the database itself.
      CREATE UNIQUE INDEX incidents_one_active_per_key ON incidents (dedup_key)
        WHERE dedup_key IS NOT NULL AND status IN ('open', 'acknowledged');
      CREATE INDEX incidents_key_resolved ON incidents (dedup_key, resolved_at_ms) WHERE dedup_key IS NOT NULL;
      CREATE INDEX incidents_status_severity ON incidents (status, severity);
      CREATE INDEX incidents_target_status ON incidents (target, status);
      CREATE INDEX incidents_parent ON incidents (parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX incidents_opened ON incidents (opened_at_ms);

      -- Timeline: every event of an incident (who, when, what, note), including notification deliveries.
      CREATE TABLE incident_events (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        note TEXT,
        data_json TEXT
      );
      CREATE INDEX incident_events_by_incident ON incident_events (incident_id, id);

      CREATE TABLE incident_number_sequences (
        day TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
