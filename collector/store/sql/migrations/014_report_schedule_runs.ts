/** The last run of each report schedule (raw: ../../migrations/014_report_schedule_runs.ts). */
import { columnTypes, notNull, type SqlMigration } from './types.js';

export const sqlMigration014ReportScheduleRuns: SqlMigration = {
  version: 14,
  name: 'report_schedule_runs',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('report_schedule_runs')
      .addColumn('schedule_key', t.text, (c) => c.primaryKey())
      .addColumn('started_at_ms', t.int, notNull)
      .addColumn('finished_at_ms', t.int, notNull)
      .addColumn('outcome', t.text, notNull)
      .addColumn('error', t.text)
      .addColumn('files', t.text, notNull)
      .addColumn('written', t.int, notNull)
      .addColumn('deliveries', t.text, notNull)
      .execute();
  },
};
