/**
 * Titles, timeline notes and check findings as code + params (rendered in the reader's language at the edge):
 * - incidents.title_code / title_params_json: the title the collector gave the incident (`title` keeps an English
 *   rendering for machines and for rows written before this migration, which have no code and show `title`);
 * - incident_events.note_code / note_params_json: the note the collector wrote (a person's note has no code);
 * - checks.last_code / last_params_json, state_intervals.code / params_json, observation_runs.code / params_json:
 *   the finding behind the current state and behind each interval (a result without a code shows its message).
 */
import type { Migration } from './index.js';

const COLUMNS: Record<string, readonly string[]> = {
  incidents: ['title_code', 'title_params_json'],
  incident_events: ['note_code', 'note_params_json'],
  checks: ['last_code', 'last_params_json'],
  state_intervals: ['code', 'params_json'],
  observation_runs: ['code', 'params_json'],
};

export const migration013CodedTexts: Migration = {
  version: 13,
  name: 'coded_texts',
  up(db) {
    // A database opened with part of the migrations (tests of one component) has only some of these tables.
    const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    for (const [table, columns] of Object.entries(COLUMNS)) {
      if (!present.has(table)) continue;
      for (const column of columns) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
    }
  },
};
