/**
 * The page of each fired SLA mark as an outbox: `paged_at_ms` null = its notice is owed (recorded, not yet known to
 * have reached a final outcome on every channel). Every mark that exists now is set done, so an upgrade pages
 * nothing old; a partial index keeps the scheduler's look for owed pages cheap however many marks accumulate.
 */
import { sql, type SqlBool } from 'kysely';
import { columnTypes, type SqlMigration } from './types.js';

export const sqlMigration020SlaPagesOwed: SqlMigration = {
  version: 20,
  name: 'sla_pages_owed',
  async up(db, dialect) {
    await db.schema.alterTable('incident_sla_fired').addColumn('paged_at_ms', columnTypes(dialect).int).execute();
    await sql`UPDATE incident_sla_fired SET paged_at_ms = at_ms`.execute(db);
    await db.schema
      .createIndex('incident_sla_fired_owed')
      .on('incident_sla_fired')
      .columns(['at_ms'])
      .where(sql<SqlBool>`paged_at_ms IS NULL`)
      .execute();
  },
};
