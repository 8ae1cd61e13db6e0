/** Singleton-job leases: one row per job, its holder, expiry and fence (raw: ../../migrations/019_job_leases.ts). */
import { columnTypes, notNull, withoutRowid, type SqlMigration } from './types.js';

export const sqlMigration019JobLeases: SqlMigration = {
  version: 19,
  name: 'job_leases',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await withoutRowid(
      db.schema
        .createTable('job_leases')
        .addColumn('name', t.text, (c) => c.primaryKey())
        .addColumn('holder', t.text, notNull)
        .addColumn('acquired_at_ms', t.int, notNull)
        .addColumn('renewed_at_ms', t.int, notNull)
        .addColumn('expires_at_ms', t.int, notNull)
        .addColumn('fence', t.int, notNull),
      dialect,
    ).execute();
  },
};
