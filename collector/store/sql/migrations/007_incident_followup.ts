/** Incident follow-up: extensions, evaluations, fault reports sent, fault-report warnings (raw: ../../migrations/007_incident_followup.ts). */
import { sql } from 'kysely';
import { columnTypes, notNull, withId, type SqlMigration } from './types.js';

export const sqlMigration007IncidentFollowup: SqlMigration = {
  version: 7,
  name: 'incident_followup',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    // Each extension adds extend_ms of working time to the resolution target, with the customer's consent.
    await withId(db.schema.createTable('incident_extensions'), dialect)
      .addColumn('incident_id', t.int, (c) => c.notNull().references('incidents.id'))
      .addColumn('at_ms', t.int, notNull)
      .addColumn('extend_ms', t.int, (c) => c.notNull().check(sql`extend_ms > 0`))
      .addColumn('approved_by', t.text, notNull)
      .addColumn('reason', t.text, notNull)
      .addColumn('created_by', t.text, notNull)
      .execute();
    await db.schema.createIndex('incident_extensions_by_incident').on('incident_extensions').columns(['incident_id', 'id']).execute();

    // The customer's evaluation (0-100), at most one per incident, recorded when it is closed.
    await db.schema
      .createTable('incident_evaluations')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('score', t.int, (c) => c.notNull().check(sql`score BETWEEN 0 AND 100`))
      .addColumn('comment', t.text)
      .addColumn('evaluator', t.text, notNull)
      .addColumn('at_ms', t.int, notNull)
      .addColumn('recorded_by', t.text, notNull)
      .execute();
    await db.schema.createIndex('incident_evaluations_by_time').on('incident_evaluations').column('at_ms').execute();

    // A fault report handed to the customer (reading or generating one never writes here).
    await db.schema
      .createTable('fault_report_sent')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('at_ms', t.int, notNull)
      .addColumn('sent_by', t.text, notNull)
      .addColumn('note', t.text)
      .execute();
    await db.schema
      .createTable('fault_report_warnings')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('at_ms', t.int, notNull)
      .execute();

    // Until now generating a report counted as sending it: keep those incidents quiet (no reminder after the upgrade).
    const tables = await db.introspection.getTables();
    if (tables.some((table) => table.name === 'fault_reports')) {
      await sql`INSERT INTO fault_report_sent (incident_id, at_ms, sent_by, note)
        SELECT incident_id, generated_at_ms, generated_by, 'generated before upgrade' FROM fault_reports`.execute(db);
    }
  },
};
