/**
 * What the benchmark reads from the collectors' PostgreSQL database (its own connection, read-only queries): bytes
 * per table (`pg_total_relation_size`: heap, indexes and TOAST), the database's size, results stored per agent,
 * incidents and UNKNOWN intervals opened — the figures store-figures.ts reads from a SQLite file.
 */
import pg from 'pg';
import type { StoreCounts } from './store-figures.js';

export interface PgStoreBytes {
  tables: Record<string, number>;
  /** Live rows per table (`pg_stat_user_tables.n_live_tup`, kept by the statistics system). */
  rows: Record<string, number>;
  total: number;
  /** `pg_database_size`: what the database takes on disk (its WAL not included). */
  databaseBytes: number;
}

export interface PgFigures {
  bytes(): Promise<PgStoreBytes>;
  /** Results stored for agents `<prefix>-…` (observations in the run-length log). */
  stored(prefix: string): Promise<number>;
  /** Results applied (rows of the dedupe set, `seen_seqs`, stream `results`) received at or after `sinceMs`. */
  appliedSince(prefix: string, sinceMs: number): Promise<number>;
  /** Results applied per whole second of receive time in [fromMs, toMs) (index 0 = the second from fromMs). */
  appliedPerSecond(prefix: string, fromMs: number, toMs: number): Promise<number[]>;
  /** Per agent: distinct seqs applied (the dedupe set; complete while the run is shorter than ingest.dedupe_window). */
  appliedPerAgent(prefix: string): Promise<Map<string, number>>;
  counts(prefix: string, sinceMs: number): Promise<StoreCounts>;
  close(): Promise<void>;
}

export function pgFigures(url: string): PgFigures {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const rows = async <T>(text: string, values: unknown[] = []): Promise<T[]> => (await pool.query(text, values)).rows as T[];
  return {
    async bytes() {
      const tables = await rows<{ name: string; bytes: string }>(
        "SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()",
      );
      const [db] = await rows<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
      const live = await rows<{ name: string; n: string }>('SELECT relname AS name, n_live_tup AS n FROM pg_stat_user_tables WHERE schemaname = current_schema()');
      const byName = Object.fromEntries(tables.map((t) => [t.name, Number(t.bytes)]));
      return { tables: byName, rows: Object.fromEntries(live.map((r) => [r.name, Number(r.n)])), total: Object.values(byName).reduce((s, b) => s + b, 0), databaseBytes: Number(db?.bytes ?? 0) };
    },
    async stored(prefix) {
      const [r] = await rows<{ n: string | null }>("SELECT sum(count) AS n FROM observation_runs WHERE agent_id LIKE $1 AND cause = 'result'", [`${prefix}-%`]);
      return Number(r?.n ?? 0);
    },
    async appliedSince(prefix, sinceMs) {
      const [r] = await rows<{ n: string }>("SELECT count(*) AS n FROM seen_seqs WHERE received_at_ms >= $1 AND stream = 'results' AND agent_id LIKE $2", [sinceMs, `${prefix}-%`]);
      return Number(r?.n ?? 0);
    },
    async appliedPerSecond(prefix, fromMs, toMs) {
      const r = await rows<{ s: string; n: string }>(
        "SELECT (received_at_ms - $1) / 1000 AS s, count(*) AS n FROM seen_seqs WHERE received_at_ms >= $1 AND received_at_ms < $2 AND stream = 'results' AND agent_id LIKE $3 GROUP BY 1",
        [fromMs, toMs, `${prefix}-%`],
      );
      const out = Array.from({ length: Math.ceil((toMs - fromMs) / 1000) }, () => 0);
      for (const x of r) out[Number(x.s)] = Number(x.n);
      return out;
    },
    async appliedPerAgent(prefix) {
      const r = await rows<{ agent_id: string; n: string }>("SELECT agent_id, count(*) AS n FROM seen_seqs WHERE stream = 'results' AND agent_id LIKE $1 GROUP BY agent_id", [`${prefix}-%`]);
      return new Map(r.map((x) => [x.agent_id, Number(x.n)]));
    },
    async counts(prefix, sinceMs) {
      // Results only, as store-figures.ts.
      const perAgentRows = await rows<{ agent_id: string; n: string; synthetic: string }>(
        "SELECT agent_id, sum(CASE WHEN cause = 'result' THEN count ELSE 0 END) AS n, sum(CASE WHEN cause = 'result' THEN 0 ELSE count END) AS synthetic FROM observation_runs WHERE agent_id LIKE $1 GROUP BY agent_id",
        [`${prefix}-%`],
      );
      const perAgent = new Map(perAgentRows.map((r) => [r.agent_id, Number(r.n)]));
      const incidents = await rows<{ title: string }>('SELECT title FROM incidents WHERE opened_at_ms >= $1', [sinceMs]);
      const [unknown] = await rows<{ n: string }>("SELECT count(*) AS n FROM state_intervals WHERE start_ms >= $1 AND cause IN ('agent_offline', 'agent_stopped', 'silence')", [sinceMs]);
      return {
        observations: [...perAgent.values()].reduce((s, n) => s + n, 0),
        synthetic: perAgentRows.reduce((s, r) => s + Number(r.synthetic), 0),
        perAgent,
        incidentsSince: incidents.length,
        incidentTitles: [...new Set(incidents.map((i) => i.title))].slice(0, 5),
        unknownSince: Number(unknown?.n ?? 0),
      };
    },
    close: () => pool.end(),
  };
}
