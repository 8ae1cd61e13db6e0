/** SLA glue: API maintenance windows, each incident's policy, clock pauses, SLA events fired (raw: ../../migrations/004_sla.ts). */
import { sql, type SqlBool } from 'kysely';
import { columnTypes, notNull, oneOf, withId, withoutRowid, type SqlMigration } from './types.js';

export const sqlMigration004Sla: SqlMigration = {
  version: 4,
  name: 'sla',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    // Windows from the API/CLI (config windows stay in the config). Deleting keeps the row (audit): deleted_*.
    await withId(db.schema.createTable('maintenance_windows'), dialect)
      .addColumn('name', t.text, notNull)
      .addColumn('reason', t.text, notNull)
      .addColumn('targets_json', t.text, notNull)
      .addColumn('groups_json', t.text, notNull)
      .addColumn('kind', t.text, (c) => c.notNull().check(oneOf('kind', ['once', 'rrule', 'cron'])))
      .addColumn('start_ms', t.int)
      .addColumn('end_ms', t.int)
      .addColumn('rule', t.text)
      .addColumn('duration_ms', t.int)
      .addColumn('timezone', t.text, notNull)
      // Declared after it began (reclassifies a past outage); only admins may, and it is kept visible.
      .addColumn('retroactive', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', t.text, notNull)
      .addColumn('created_at_ms', t.int, notNull)
      .addColumn('deleted_by', t.text)
      .addColumn('deleted_at_ms', t.int)
      .execute();

    await db.schema
      .createTable('incident_sla')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('policy', t.text, notNull)
      .addColumn('contract', t.text)
      .execute();

    await withId(db.schema.createTable('incident_pauses'), dialect)
      .addColumn('incident_id', t.int, (c) => c.notNull().references('incidents.id'))
      .addColumn('start_ms', t.int, notNull)
      .addColumn('end_ms', t.int)
      .addColumn('reason', t.text, notNull)
      .addColumn('paused_by', t.text, notNull)
      .addColumn('resumed_by', t.text)
      .execute();
    await db.schema.createIndex('incident_pauses_by_incident').on('incident_pauses').columns(['incident_id', 'start_ms']).execute();
    await db.schema.createIndex('incident_pauses_one_open').unique().on('incident_pauses').column('incident_id').where(sql<SqlBool>`end_ms IS NULL`).execute();

    // kind: warning | breach | escalation; key: the timer name or the escalation level index.
    await withoutRowid(
      db.schema
        .createTable('incident_sla_fired')
        .addColumn('incident_id', t.int, (c) => c.notNull().references('incidents.id'))
        .addColumn('kind', t.text, notNull)
        .addColumn('key', t.text, notNull)
        .addColumn('at_ms', t.int, notNull)
        .addPrimaryKeyConstraint('incident_sla_fired_pkey', ['incident_id', 'kind', 'key']),
      dialect,
    ).execute();
  },
};
