/** Reports: sampled full results, generated fault reports and their reminders (raw: ../../migrations/005_reports.ts). */
import { columnTypes, notNull, withoutRowid, type SqlMigration } from './types.js';

export const sqlMigration005Reports: SqlMigration = {
  version: 5,
  name: 'reports',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await withoutRowid(
      db.schema
        .createTable('report_samples')
        .addColumn('agent_id', t.text, notNull)
        .addColumn('check_id', t.text, notNull)
        .addColumn('check_type', t.text, notNull)
        .addColumn('target', t.text, notNull)
        // floor(observed_ms / sample period): one row per check and period, the newest result of it wins.
        .addColumn('slot', t.int, notNull)
        .addColumn('observed_ms', t.int, notNull)
        .addColumn('state', t.text, notNull)
        .addColumn('message', t.text, notNull)
        .addColumn('metrics_json', t.text, notNull)
        .addColumn('series_json', t.text)
        .addColumn('details_json', t.text)
        .addPrimaryKeyConstraint('report_samples_pkey', ['agent_id', 'check_id', 'slot']),
      dialect,
    ).execute();
    await db.schema.createIndex('report_samples_by_time').on('report_samples').column('observed_ms').execute();

    await db.schema
      .createTable('fault_reports')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('number', t.text, notNull)
      .addColumn('generated_at_ms', t.int, notNull)
      .addColumn('generated_by', t.text, notNull)
      .execute();

    await db.schema
      .createTable('fault_report_reminders')
      .addColumn('incident_id', t.int, (c) => c.primaryKey().references('incidents.id'))
      .addColumn('at_ms', t.int, notNull)
      .execute();
  },
};
