/**
 * Singleton-job leases (issue 13): one row per job that exactly one collector may run at a time (SLA timers and
 * escalations, silence scan, maintenance watcher, burn-rate monitor, report schedules). `holder` is the collector
 * that took it, `expires_at_ms` when another may take it over, `fence` grows at every new tenure so work done under
 * an older tenure can be told apart. Plain SQL: the same table serves PostgreSQL (../sql/leases.ts).
 */
import type { Migration } from './index.js';

export const migration019JobLeases: Migration = {
  version: 19,
  name: 'job_leases',
  up(db) {
    db.exec(`
      CREATE TABLE job_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        acquired_at_ms INTEGER NOT NULL,
        renewed_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        fence INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
