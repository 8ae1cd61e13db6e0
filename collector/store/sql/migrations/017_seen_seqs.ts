/**
 * Dedupe as a set: every applied (agent_id, incarnation, stream, seq) under the primary key, and per-stream floors
 * pruned into `seq_floors`, seeded from the high-water marks (raw: ../../migrations/017_seen_seqs.ts).
 */
import { sql } from 'kysely';
import { columnTypes, notNull, type SqlMigration } from './types.js';

export const sqlMigration017SeenSeqs: SqlMigration = {
  version: 17,
  name: 'seen_seqs',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('seen_seqs')
      .addColumn('agent_id', t.text, notNull)
      .addColumn('incarnation', t.text, (c) => c.notNull().defaultTo(''))
      .addColumn('stream', t.text, notNull)
      .addColumn('seq', t.int, notNull)
      .addColumn('received_at_ms', t.int, notNull)
      .addPrimaryKeyConstraint('seen_seqs_pkey', ['agent_id', 'incarnation', 'stream', 'seq'])
      .execute();
    await db.schema.createIndex('seen_seqs_received').on('seen_seqs').column('received_at_ms').execute();
    await db.schema
      .createTable('seq_floors')
      .addColumn('agent_id', t.text, notNull)
      .addColumn('stream', t.text, notNull)
      .addColumn('floor_seq', t.int, notNull)
      .addPrimaryKeyConstraint('seq_floors_pkey', ['agent_id', 'stream'])
      .execute();
    await sql`INSERT INTO seq_floors (agent_id, stream, floor_seq) SELECT agent_id, stream, max_seq FROM seq_marks`.execute(db);
  },
};
