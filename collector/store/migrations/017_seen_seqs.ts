/**
 * Dedupe as a set (issue 13): every applied (agent_id, incarnation, stream, seq) is one row under the primary key,
 * so collectors sharing one agent's stream (`$share`) each accept a seq at most once whatever the order it arrives
 * in. Rows older than the dedupe window are pruned into `seq_floors` (per agent and stream: every seq at or below
 * the floor was applied, or is too late to count). Today's high-water marks are exactly such floors, so they are
 * copied over and an upgraded collector drops every replay the old one would have dropped. `seq_marks` stays as
 * the highest seq applied per stream (a fact, no longer the dedupe). Plain SQL: the same tables serve PostgreSQL.
 */
import type { Migration } from './index.js';

export const migration017SeenSeqs: Migration = {
  version: 17,
  name: 'seen_seqs',
  up(db) {
    db.exec(`
      CREATE TABLE seen_seqs (
        agent_id TEXT NOT NULL,
        incarnation TEXT NOT NULL DEFAULT '',
        stream TEXT NOT NULL,
        seq INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL,
        PRIMARY KEY (agent_id, incarnation, stream, seq)
      );
      CREATE INDEX seen_seqs_received ON seen_seqs (received_at_ms);
      CREATE TABLE seq_floors (
        agent_id TEXT NOT NULL,
        stream TEXT NOT NULL,
        floor_seq INTEGER NOT NULL,
        PRIMARY KEY (agent_id, stream)
      );
      INSERT INTO seq_floors (agent_id, stream, floor_seq) SELECT agent_id, stream, max_seq FROM seq_marks;
    `);
  },
};
