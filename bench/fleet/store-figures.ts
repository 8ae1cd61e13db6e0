/**
 * What the benchmark reads from the collector's SQLite file (read-only; WAL lets it read while the collector
 * writes): bytes per table (SQLite's dbstat, a table's indexes counted with it), results stored per agent, incidents
 * and UNKNOWN intervals opened. The same figures from PostgreSQL: pg-figures.ts.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { databaseFile } from '../../collector/config.js';

export interface StoreBytes {
  /** Pages in use per table, its indexes included (dbstat), after the WAL's committed content. */
  tables: Record<string, number>;
  total: number;
  /** outpost.db + outpost.db-wal on disk. */
  fileBytes: number;
  /** Rows of the tables whose growth is counted from their shape (growth.ts). */
  rows: Record<string, number>;
}

function open(dataDir: string): Database.Database {
  return new Database(databaseFile({ data_dir: dataDir }), { readonly: true, fileMustExist: true });
}

export function storeBytes(dataDir: string): StoreBytes {
  const db = open(dataDir);
  try {
    const rows = db.prepare<[], { name: string; bytes: number }>('SELECT coalesce(m.tbl_name, s.name) AS name, sum(s.pgsize) AS bytes FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1').all();
    const tables = Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
    const file = databaseFile({ data_dir: dataDir });
    const size = (f: string) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    };
    const samples = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM report_samples').get()?.n ?? 0;
    return { tables, total: rows.reduce((s, r) => s + r.bytes, 0), fileBytes: size(file) + size(`${file}-wal`), rows: { report_samples: samples } };
  } finally {
    db.close();
  }
}

export interface StoreCounts {
  /** Results stored (observations of cause `result` in the run-length log). */
  observations: number;
  /** Synthetic observations (an agent's Last Will, a stop, a silence: one per check), the whole run. */
  synthetic: number;
  /** Per agent: results stored. */
  perAgent: Map<string, number>;
  incidentsSince: number;
  incidentTitles: string[];
  /** State intervals opened since `sinceMs` that are UNKNOWN by liveness (agent lost / stopped / silence). */
  unknownSince: number;
}

export function storeCounts(dataDir: string, prefix: string, sinceMs: number): StoreCounts {
  const db = open(dataDir);
  try {
    const like = `${prefix}-%`;
    // Results only: an agent's Last Will or a silence adds a synthetic observation per check, which is not a result.
    const rows = db
      .prepare<[string], { agent_id: string; n: number; synthetic: number }>(
        "SELECT agent_id, sum(CASE WHEN cause = 'result' THEN count ELSE 0 END) AS n, sum(CASE WHEN cause = 'result' THEN 0 ELSE count END) AS synthetic FROM observation_runs WHERE agent_id LIKE ? GROUP BY agent_id",
      )
      .all(like);
    const perAgent = new Map(rows.map((r) => [r.agent_id, r.n]));
    const incidents = db.prepare<[number], { title: string }>('SELECT title FROM incidents WHERE opened_at_ms >= ?').all(sinceMs);
    const unknown = db
      .prepare<[number], { n: number }>("SELECT count(*) AS n FROM state_intervals WHERE start_ms >= ? AND cause IN ('agent_offline', 'agent_stopped', 'silence')")
      .get(sinceMs);
    return {
      observations: rows.reduce((s, r) => s + r.n, 0),
      synthetic: rows.reduce((s, r) => s + r.synthetic, 0),
      perAgent,
      incidentsSince: incidents.length,
      incidentTitles: [...new Set(incidents.map((i) => i.title))].slice(0, 5),
      unknownSince: unknown?.n ?? 0,
    };
  } finally {
    db.close();
  }
}
