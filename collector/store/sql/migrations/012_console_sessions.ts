/** Web console sessions: only the SHA-256 of the cookie value is stored (raw: ../../migrations/012_console_sessions.ts). */
import { columnTypes, notNull, withId, type SqlMigration } from './types.js';

export const sqlMigration012ConsoleSessions: SqlMigration = {
  version: 12,
  name: 'console_sessions',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await withId(db.schema.createTable('console_sessions'), dialect)
      .addColumn('token_sha256', t.text, (c) => c.notNull().unique())
      .addColumn('csrf_token', t.text, notNull)
      .addColumn('user_name', t.text, notNull)
      .addColumn('remember', t.int, notNull)
      .addColumn('created_at_ms', t.int, notNull)
      .addColumn('expires_at_ms', t.int, notNull)
      .addColumn('last_seen_ms', t.int, notNull)
      .addColumn('user_agent', t.text)
      .addColumn('address', t.text)
      .addColumn('revoked_at_ms', t.int)
      .addColumn('revoked_by', t.text)
      .execute();
    await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_name').execute();
  },
};
