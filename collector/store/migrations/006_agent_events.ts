/**
 * Agent events (collector/agent-events): every accepted `events` message (SNMP traps, spool drops, ...) once per
 * (agent_id, seq), with what the trap rules did with it. `pending` marks a trap stored by the ingest whose rule
 * has not been applied yet (applied after the commit; rows still pending at start-up are applied then).
 */
import type { Migration } from './index.js';

export const migration006AgentEvents: Migration = {
  version: 6,
  name: 'agent_events',
  up(db) {
    db.exec(`
      CREATE TABLE agent_events (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
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
        -- What the trap rules did: open | update | resolve | record, the rule, and the incident touched.
        action TEXT,
        rule TEXT,
        incident_id INTEGER REFERENCES incidents (id),
        UNIQUE (agent_id, seq)
      );
      CREATE INDEX agent_events_by_time ON agent_events (observed_at_ms);
      CREATE INDEX agent_events_by_target ON agent_events (target, observed_at_ms);
      CREATE INDEX agent_events_pending ON agent_events (pending) WHERE pending = 1;
    `);
  },
};
