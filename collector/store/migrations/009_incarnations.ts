/**
 * Seq incarnations (protocol v1 optional `incarnation`): the agent's current incarnation, and agent events unique per
 * (agent_id, incarnation, seq) — a re-installed agent numbers its events from 1 again. Events without an incarnation
 * keep '' (the seq marks of such agents are per agent, as before). The table is rebuilt (SQLite cannot change a
 * UNIQUE constraint in place); its rows and ids are kept.
 */
import type { Migration } from './index.js';

export const migration009Incarnations: Migration = {
  version: 9,
  name: 'incarnations',
  up(db) {
    db.exec(`
      ALTER TABLE agents ADD COLUMN incarnation TEXT;
      ALTER TABLE agents ADD COLUMN incarnation_at_ms INTEGER;
      CREATE TABLE agent_events_new (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        incarnation TEXT NOT NULL DEFAULT '',
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        target TEXT,
        check_id TEXT,
        message TEXT NOT NULL,
        data_json TEXT,
        observed_at_ms INTEGER NOT NULL,
        sent_at_ms INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL,
        pending INTEGER NOT NULL DEFAULT 0,
        action TEXT,
        rule TEXT,
        incident_id INTEGER REFERENCES incidents (id),
        UNIQUE (agent_id, incarnation, seq)
      );
      INSERT INTO agent_events_new (id, agent_id, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending, action, rule, incident_id)
        SELECT id, agent_id, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending, action, rule, incident_id FROM agent_events;
      DROP TABLE agent_events;
      ALTER TABLE agent_events_new RENAME TO agent_events;
      CREATE INDEX agent_events_by_time ON agent_events (observed_at_ms);
      CREATE INDEX agent_events_by_target ON agent_events (target, observed_at_ms);
      CREATE INDEX agent_events_pending ON agent_events (pending) WHERE pending = 1;
    `);
  },
};
