/** Collector core: agents, durable dedupe marks, the compact per-check observation log and state intervals (raw: ../../migrations/001_core.ts). */
import { sql, type SqlBool } from 'kysely';
import { columnTypes, notNull, withId, withoutRowid, type SqlMigration } from './types.js';

export const sqlMigration001Core: SqlMigration = {
  version: 1,
  name: 'core',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('agents')
      .addColumn('agent_id', t.text, (c) => c.primaryKey())
      .addColumn('hostname', t.text)
      .addColumn('agent_version', t.text)
      .addColumn('online', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('status_reason', t.text)
      .addColumn('status_at_ms', t.int)
      .addColumn('last_seen_ms', t.int, notNull)
      .addColumn('skew_ms', t.int)
      .addColumn('checks_json', t.text)
      .addColumn('inventory_json', t.text)
      .addColumn('inventory_at_ms', t.int)
      .execute();

    // Agents publish each stream in seq order, so a high-water mark per (agent, stream) dedupes durably.
    await withoutRowid(
      db.schema
        .createTable('seq_marks')
        .addColumn('agent_id', t.text, notNull)
        .addColumn('stream', t.text, notNull)
        .addColumn('max_seq', t.int, notNull)
        .addPrimaryKeyConstraint('seq_marks_pkey', ['agent_id', 'stream']),
      dialect,
    ).execute();

    await withoutRowid(
      db.schema
        .createTable('checks')
        .addColumn('agent_id', t.text, notNull)
        .addColumn('check_id', t.text, notNull)
        .addColumn('check_type', t.text, notNull)
        .addColumn('target', t.text, notNull)
        .addColumn('interval_s', t.real, notNull)
        .addColumn('last_observed_ms', t.int, notNull)
        .addColumn('last_received_ms', t.int, notNull)
        .addColumn('last_state', t.text, notNull)
        .addColumn('last_message', t.text, notNull)
        .addColumn('last_metrics_json', t.text)
        .addPrimaryKeyConstraint('checks_pkey', ['agent_id', 'check_id']),
      dialect,
    ).execute();
    await db.schema.createIndex('checks_target').on('checks').column('target').execute();

    // Run-length encoded observations: consecutive results with the same state (and cause) are one row.
    await withId(db.schema.createTable('observation_runs'), dialect)
      .addColumn('agent_id', t.text, notNull)
      .addColumn('check_id', t.text, notNull)
      .addColumn('state', t.text, notNull)
      .addColumn('cause', t.text, notNull)
      .addColumn('first_ms', t.int, notNull)
      .addColumn('last_ms', t.int, notNull)
      .addColumn('count', t.int, notNull)
      .addColumn('reason', t.text, notNull)
      .execute();
    await db.schema.createIndex('observation_runs_check').on('observation_runs').columns(['agent_id', 'check_id', 'first_ms']).execute();

    // The single source of truth for availability and reports. end_ms NULL = still open.
    await withId(db.schema.createTable('state_intervals'), dialect)
      .addColumn('agent_id', t.text, notNull)
      .addColumn('check_id', t.text, notNull)
      .addColumn('check_type', t.text, notNull)
      .addColumn('target', t.text, notNull)
      .addColumn('state', t.text, notNull)
      .addColumn('start_ms', t.int, notNull)
      .addColumn('end_ms', t.int)
      .addColumn('reason', t.text, notNull)
      .addColumn('cause', t.text, notNull)
      .execute();
    await db.schema.createIndex('state_intervals_check').on('state_intervals').columns(['agent_id', 'check_id', 'start_ms']).execute();
    await db.schema.createIndex('state_intervals_target').on('state_intervals').columns(['target', 'start_ms']).execute();
    await db.schema.createIndex('state_intervals_open').on('state_intervals').columns(['agent_id', 'check_id']).where(sql<SqlBool>`end_ms IS NULL`).execute();
  },
};
