/**
 * Seq incarnations: the agent's current incarnation, and agent events unique per (agent_id, incarnation, seq)
 * (raw: ../../migrations/009_incarnations.ts). SQLite rebuilds agent_events (it cannot change a UNIQUE constraint in
 * place; rows and ids kept); PostgreSQL adds the column and swaps the named constraint.
 */
import { sql } from 'kysely';
import { createAgentEventsIndexes } from './006_agent_events.js';
import { columnTypes, notNull, withId, type SqlMigration } from './types.js';

export const sqlMigration009Incarnations: SqlMigration = {
  version: 9,
  name: 'incarnations',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('agents').addColumn('incarnation', t.text).execute();
    await db.schema.alterTable('agents').addColumn('incarnation_at_ms', t.int).execute();
    if (dialect === 'postgres') {
      await db.schema.alterTable('agent_events').addColumn('incarnation', t.text, (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('agent_events').dropConstraint('agent_events_agent_id_seq_key').execute();
      await db.schema.alterTable('agent_events').addUniqueConstraint('agent_events_agent_id_incarnation_seq_key', ['agent_id', 'incarnation', 'seq']).execute();
      return;
    }
    await withId(db.schema.createTable('agent_events_new'), dialect)
      .addColumn('agent_id', t.text, notNull)
      .addColumn('incarnation', t.text, (c) => c.notNull().defaultTo(''))
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
      .addColumn('action', t.text)
      .addColumn('rule', t.text)
      .addColumn('incident_id', t.int, (c) => c.references('incidents.id'))
      .addUniqueConstraint('agent_events_agent_id_incarnation_seq_key', ['agent_id', 'incarnation', 'seq'])
      .execute();
    await sql`INSERT INTO agent_events_new (id, agent_id, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending, action, rule, incident_id)
      SELECT id, agent_id, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending, action, rule, incident_id FROM agent_events`.execute(db);
    await db.schema.dropTable('agent_events').execute();
    await db.schema.alterTable('agent_events_new').renameTo('agent_events').execute();
    await createAgentEventsIndexes(db);
  },
};
