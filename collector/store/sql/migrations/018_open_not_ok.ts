/** The open intervals not ok, as a partial index (raw: ../../migrations/018_open_not_ok.ts). */
import { sql, type SqlBool } from 'kysely';
import type { SqlMigration } from './types.js';

export const sqlMigration018OpenNotOk: SqlMigration = {
  version: 18,
  name: 'open_not_ok',
  async up(db) {
    await db.schema
      .createIndex('state_intervals_open_not_ok')
      .on('state_intervals')
      .columns(['agent_id', 'check_id'])
      .where(sql<SqlBool>`end_ms IS NULL AND state <> 'ok'`)
      .execute();
  },
};
