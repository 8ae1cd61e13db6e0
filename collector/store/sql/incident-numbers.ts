/**
 * Incident numbers `INC-YYYYMMDD-NNNN` (format and contract day: ../../incidents/numbering.ts), async on both
 * engines. The per-day counter is one row bumped by an upsert: on PostgreSQL the second of two concurrent
 * transactions waits on the row's lock and then bumps the committed value, so two collectors never hand out the same
 * number; on SQLite the write transaction is exclusive. Call inside the transaction that inserts the incident
 * (a rolled-back insert gives its number back).
 */
import { sql } from 'kysely';
import { contractDay, formatIncidentNumber } from '../../incidents/numbering.js';
import type { Q } from './sql-helpers.js';

export async function nextIncidentNumberAsync(q: Q, nowMs: number): Promise<string> {
  const day = contractDay(nowMs);
  const row = await q
    .insertInto('incident_number_sequences')
    .values({ day, last_seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last_seq: sql<number>`${sql.ref('incident_number_sequences.last_seq')} + 1` }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return formatIncidentNumber(day, row.last_seq);
}
