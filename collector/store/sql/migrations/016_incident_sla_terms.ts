/**
 * The terms of the SLA policy an incident was opened under, as JSON (raw: ../../migrations/016_incident_sla_terms.ts).
 */
import { columnTypes, type SqlMigration } from './types.js';

export const sqlMigration016IncidentSlaTerms: SqlMigration = {
  version: 16,
  name: 'incident_sla_terms',
  async up(db, dialect) {
    await db.schema.alterTable('incident_sla').addColumn('terms', columnTypes(dialect).text).execute();
  },
};
