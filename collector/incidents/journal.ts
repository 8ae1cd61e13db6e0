/**
 * The one way other areas (SLA pauses, extensions and timers, agent events, fault reports, deliveries) write to an
 * incident: a timeline entry, and optionally the incident's `updated_at_ms`. The incident service owns the incident
 * rows; everything else asks through here, inside the caller's transaction when it has one (`q`).
 */
import { sql } from 'kysely';
import type { Q } from '../store/sql/sql-helpers.js';
import type { TimelineEntry } from './repository.js';

export interface JournalOptions {
  /** Also set the incident's `updated_at_ms` to the entry's time (lists sort by it; the console refreshes on it). */
  touch?: boolean;
}

export async function recordIncidentEvent(q: Q, entry: Omit<TimelineEntry, 'id'>, options: JournalOptions = {}): Promise<void> {
  const dataJson = entry.data ? JSON.stringify(entry.data) : null;
  const noteCode = entry.noteCode ?? null;
  const noteParamsJson = entry.noteCode && entry.noteParams ? JSON.stringify(entry.noteParams) : null;
  await sql`INSERT INTO incident_events (incident_id, at_ms, actor, kind, note, data_json, note_code, note_params_json)
            VALUES (${entry.incidentId}, ${entry.atMs}, ${entry.actor}, ${entry.kind}, ${entry.note}, ${dataJson}, ${noteCode}, ${noteParamsJson})`.execute(q);
  if (options.touch) await touchIncident(q, entry.incidentId, entry.atMs);
}

/** Marks an incident as updated without a timeline entry (e.g. a repeated trap counted on the open incident). */
export async function touchIncident(q: Q, incidentId: number, atMs: number): Promise<void> {
  await sql`UPDATE incidents SET updated_at_ms = ${atMs} WHERE id = ${incidentId}`.execute(q);
}
