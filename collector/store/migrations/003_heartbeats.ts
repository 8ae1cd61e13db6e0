/** Push heartbeats (collector/heartbeats): definitions with their live state, and finished runs with durations. */
import type { Migration } from './index.js';

export const migration003Heartbeats: Migration = {
  version: 3,
  name: 'heartbeats',
  up(db) {
    db.exec(`
      CREATE TABLE heartbeats (
        name TEXT PRIMARY KEY,
        -- SHA-256 (hex) of the ping token; the token itself is never stored.
        token_sha256 TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL CHECK (source IN ('config', 'api')),
        target TEXT NOT NULL,
        period_ms INTEGER,
        schedule TEXT,
        timezone TEXT,
        grace_ms INTEGER NOT NULL,
        severity TEXT CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
        created_at_ms INTEGER NOT NULL,
        status TEXT NOT NULL,
        deadline_ms INTEGER NOT NULL,
        last_ping_ms INTEGER,
        last_ping_kind TEXT,
        last_success_ms INTEGER,
        started_at_ms INTEGER,
        last_duration_ms INTEGER,
        last_exit_code INTEGER,
        CHECK ((period_ms IS NULL) <> (schedule IS NULL))
      );

      CREATE TABLE heartbeat_runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        started_at_ms INTEGER,
        finished_at_ms INTEGER NOT NULL,
        duration_ms INTEGER,
        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'fail')),
        exit_code INTEGER
      );
      CREATE INDEX heartbeat_runs_by_name ON heartbeat_runs (name, finished_at_ms);

      -- The heartbeat service publishes results as one virtual agent; its result seq lives here.
      CREATE TABLE heartbeat_seq (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL);
      INSERT INTO heartbeat_seq (id, last_seq) VALUES (1, 0);
    `);
  },
};
