/** Incident tickets, their timeline and the per-day number sequence (raw: ../../migrations/002_incidents.ts). */
import { sql, type SqlBool } from 'kysely';
import { columnTypes, notNull, oneOf, withId, withoutRowid, type SqlMigration } from './types.js';

const SEVERITIES = ['P1', 'P2', 'P3', 'P4'];

export const sqlMigration002Incidents: SqlMigration = {
  version: 2,
  name: 'incidents',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await withId(db.schema.createTable('incidents'), dialect)
      .addColumn('number', t.text, (c) => c.notNull().unique())
      .addColumn('title', t.text, notNull)
      .addColumn('description', t.text)
      .addColumn('severity', t.text, (c) => c.notNull().check(oneOf('severity', SEVERITIES)))
      .addColumn('status', t.text, (c) => c.notNull().check(oneOf('status', ['open', 'acknowledged', 'resolved', 'closed'])))
      .addColumn('source', t.text, (c) => c.notNull().check(oneOf('source', ['auto', 'manual'])))
      // target + check for automatic incidents; NULL for manual tickets (never deduplicated).
      .addColumn('dedup_key', t.text)
      .addColumn('agent_id', t.text)
      .addColumn('target', t.text)
      .addColumn('check_id', t.text)
      .addColumn('check_type', t.text)
      .addColumn('last_state', t.text)
      .addColumn('is_host', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('auto_resolve', t.int, (c) => c.notNull().defaultTo(1))
      .addColumn('rule', t.text)
      .addColumn('parent_id', t.int, (c) => c.references('incidents.id'))
      .addColumn('sla_policy', t.text)
      .addColumn('reporter', t.text)
      .addColumn('started_at_ms', t.int, notNull)
      .addColumn('opened_at_ms', t.int, notNull)
      .addColumn('acknowledged_at_ms', t.int)
      .addColumn('acknowledged_by', t.text)
      .addColumn('resolved_at_ms', t.int)
      .addColumn('resolved_by', t.text)
      .addColumn('cause', t.text)
      .addColumn('resolution', t.text)
      .addColumn('closed_at_ms', t.int)
      .addColumn('closed_by', t.text)
      .addColumn('updated_at_ms', t.int, notNull)
      .execute();
    // One active incident per dedup key, enforced by the database itself.
    await db.schema
      .createIndex('incidents_one_active_per_key')
      .unique()
      .on('incidents')
      .column('dedup_key')
      .where(sql<SqlBool>`dedup_key IS NOT NULL AND status IN ('open', 'acknowledged')`)
      .execute();
    await db.schema.createIndex('incidents_key_resolved').on('incidents').columns(['dedup_key', 'resolved_at_ms']).where(sql<SqlBool>`dedup_key IS NOT NULL`).execute();
    await db.schema.createIndex('incidents_status_severity').on('incidents').columns(['status', 'severity']).execute();
    await db.schema.createIndex('incidents_target_status').on('incidents').columns(['target', 'status']).execute();
    await db.schema.createIndex('incidents_parent').on('incidents').column('parent_id').where(sql<SqlBool>`parent_id IS NOT NULL`).execute();
    await db.schema.createIndex('incidents_opened').on('incidents').column('opened_at_ms').execute();

    // Timeline: every event of an incident (who, when, what, note), including notification deliveries.
    await withId(db.schema.createTable('incident_events'), dialect)
      .addColumn('incident_id', t.int, (c) => c.notNull().references('incidents.id'))
      .addColumn('at_ms', t.int, notNull)
      .addColumn('actor', t.text, notNull)
      .addColumn('kind', t.text, notNull)
      .addColumn('note', t.text)
      .addColumn('data_json', t.text)
      .execute();
    await db.schema.createIndex('incident_events_by_incident').on('incident_events').columns(['incident_id', 'id']).execute();

    await withoutRowid(
      db.schema
        .createTable('incident_number_sequences')
        .addColumn('day', t.text, (c) => c.primaryKey())
        .addColumn('last_seq', t.int, notNull),
      dialect,
    ).execute();
  },
};
