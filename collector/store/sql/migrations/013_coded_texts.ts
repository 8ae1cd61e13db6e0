/**
 * Titles, timeline notes and check findings as code + params (raw: ../../migrations/013_coded_texts.ts). Like the raw
 * one, only the tables present get their columns (tests of one component run part of the migrations).
 */
import { columnTypes, type SqlMigration } from './types.js';

const COLUMNS: Record<string, readonly string[]> = {
  incidents: ['title_code', 'title_params_json'],
  incident_events: ['note_code', 'note_params_json'],
  checks: ['last_code', 'last_params_json'],
  state_intervals: ['code', 'params_json'],
  observation_runs: ['code', 'params_json'],
};

export const sqlMigration013CodedTexts: SqlMigration = {
  version: 13,
  name: 'coded_texts',
  async up(db, dialect) {
    const present = new Set((await db.introspection.getTables()).map((t) => t.name));
    for (const [table, columns] of Object.entries(COLUMNS)) {
      if (!present.has(table)) continue;
      // One ALTER per column: SQLite adds one column per statement.
      for (const column of columns) await db.schema.alterTable(table).addColumn(column, columnTypes(dialect).text).execute();
    }
  },
};
