/** Collector core: agents, durable dedupe marks, the compact per-check observation log and state intervals. */
import type { Migration } from './index.js';

export const migration001Core: Migration = {
  version: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE agents (
        agent_id TEXT PRIMARY KEY,
        hostname TEXT,
        agent_version TEXT,
        online INTEGER NOT NULL DEFAULT 0,
        status_reason TEXT,
        status_at_ms INTEGER,
        last_seen_ms INTEGER NOT NULL,
        skew_ms INTEGER,
        checks_json TEXT,
        inventory_json TEXT,
        inventory_at_ms INTEGER
      );

      -- Agents publish each stream in seq order, so a high-water mark per (agent, stream) dedupes durably.
      CREATE TABLE seq_marks (
        agent_id TEXT NOT NULL,
        stream TEXT NOT NULL,
        max_seq INTEGER NOT NULL,
        PRIMARY KEY (agent_id, stream)
      ) WITHOUT ROWID;

      CREATE TABLE checks (
        agent_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        check_type TEXT NOT NULL,
        target TEXT NOT NULL,
        interval_s REAL NOT NULL,
        last_observed_ms INTEGER NOT NULL,
        last_received_ms INTEGER NOT NULL,
        last_state TEXT NOT NULL,
        last_message TEXT NOT NULL,
        last_metrics_json TEXT,
        PRIMARY KEY (agent_id, check_id)
      ) WITHOUT ROWID;
      CREATE INDEX checks_target ON checks (target);

      -- Run-length encoded observations: consecutive results with the same state (and cause) are one row.
      CREATE TABLE observation_runs (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        state TEXT NOT NULL,
        cause TEXT NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        count INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX observation_runs_check ON observation_runs (agent_id, check_id, first_ms);

      -- The single source of truth for availability and reports. end_ms NULL = still open.
      CREATE TABLE state_intervals (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        check_type TEXT NOT NULL,
        target TEXT NOT NULL,
        state TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER,
        reason TEXT NOT NULL,
        cause TEXT NOT NULL
      );
      CREATE INDEX state_intervals_check ON state_intervals (agent_id, check_id, start_ms);
      CREATE INDEX state_intervals_target ON state_intervals (target, start_ms);
      CREATE INDEX state_intervals_open ON state_intervals (agent_id, check_id) WHERE end_ms IS NULL;
    `);
  },
};
