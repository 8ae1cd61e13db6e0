/** Push heartbeats: definitions with their live state, finished runs, the virtual agent's seq (raw: ../../migrations/003_heartbeats.ts). */
import { sql } from 'kysely';
import { columnTypes, notNull, oneOf, withId, type SqlMigration } from './types.js';

const SEVERITIES = ['P1', 'P2', 'P3', 'P4'];

export const sqlMigration003Heartbeats: SqlMigration = {
  version: 3,
  name: 'heartbeats',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('heartbeats')
      .addColumn('name', t.text, (c) => c.primaryKey())
      // SHA-256 (hex) of the ping token; the token itself is never stored.
      .addColumn('token_sha256', t.text, (c) => c.notNull().unique())
      .addColumn('source', t.text, (c) => c.notNull().check(oneOf('source', ['config', 'api'])))
      .addColumn('target', t.text, notNull)
      .addColumn('period_ms', t.int)
      .addColumn('schedule', t.text)
      .addColumn('timezone', t.text)
      .addColumn('grace_ms', t.int, notNull)
      .addColumn('severity', t.text, (c) => c.check(oneOf('severity', SEVERITIES)))
      .addColumn('created_at_ms', t.int, notNull)
      .addColumn('status', t.text, notNull)
      .addColumn('deadline_ms', t.int, notNull)
      .addColumn('last_ping_ms', t.int)
      .addColumn('last_ping_kind', t.text)
      .addColumn('last_success_ms', t.int)
      .addColumn('started_at_ms', t.int)
      .addColumn('last_duration_ms', t.int)
      .addColumn('last_exit_code', t.int)
      .addCheckConstraint('heartbeats_period_or_schedule', sql`(period_ms IS NULL) <> (schedule IS NULL)`)
      .execute();

    await withId(db.schema.createTable('heartbeat_runs'), dialect)
      .addColumn('name', t.text, notNull)
      .addColumn('started_at_ms', t.int)
      .addColumn('finished_at_ms', t.int, notNull)
      .addColumn('duration_ms', t.int)
      .addColumn('outcome', t.text, (c) => c.notNull().check(oneOf('outcome', ['success', 'fail'])))
      .addColumn('exit_code', t.int)
      .execute();
    await db.schema.createIndex('heartbeat_runs_by_name').on('heartbeat_runs').columns(['name', 'finished_at_ms']).execute();

    // The heartbeat service publishes results as one virtual agent; its result seq lives here.
    await db.schema
      .createTable('heartbeat_seq')
      .addColumn('id', t.int, (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('last_seq', t.int, notNull)
      .execute();
    await sql`INSERT INTO heartbeat_seq (id, last_seq) VALUES (1, 0)`.execute(db);
  },
};
