/** Agent events (traps, spool drops, ...) once per (agent_id, seq) with what the trap rules did (raw: ../../migrations/006_agent_events.ts). */
import { sql, type SqlBool } from 'kysely';
import { columnTypes, notNull, withId, type SqlMigration } from './types.js';

export const sqlMigration006AgentEvents: SqlMigration = {
  version: 6,
  name: 'agent_events',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await withId(db.schema.createTable('agent_events'), dialect)
      .addColumn('agent_id', t.text, notNull)
      .addColumn('seq', t.int, notNull)
      .addColumn('kind', t.text, notNull)
      .addColumn('target', t.text)
      .addColumn('check_id', t.text)
      .addColumn('message', t.text, notNull)
      .addColumn('data_json', t.text)
      .addColumn('observed_at_ms', t.int, notNull)
      .addColumn('sent_at_ms', t.int, notNull)
      .addColumn('received_at_ms', t.int, notNull)
      .addColumn('pending', t.int, (c) => c.notNull().defaultTo(0))
      // What the trap rules did: open | update | resolve | record, the rule, and the incident touched.
      .addColumn('action', t.text)
      .addColumn('rule', t.text)
      .addColumn('incident_id', t.int, (c) => c.references('incidents.id'))
      // Named so that 009 can replace it on PostgreSQL (SQLite rebuilds the table).
      .addUniqueConstraint('agent_events_agent_id_seq_key', ['agent_id', 'seq'])
      .execute();
    await createAgentEventsIndexes(db);
  },
};

export async function createAgentEventsIndexes(db: Parameters<SqlMigration['up']>[0]): Promise<void> {
  await db.schema.createIndex('agent_events_by_time').on('agent_events').column('observed_at_ms').execute();
  await db.schema.createIndex('agent_events_by_target').on('agent_events').columns(['target', 'observed_at_ms']).execute();
  await db.schema.createIndex('agent_events_pending').on('agent_events').column('pending').where(sql<SqlBool>`pending = 1`).execute();
}
