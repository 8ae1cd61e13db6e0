/**
 * Store growth per agent and day from two snapshots of a steady window (either driver), and the disk a fleet needs
 * at the default retentions: each table's growth times how long its rows are kept.
 *   observation_runs  states.reorder_window (7 d): the observation log is pruned beyond it
 *   report_samples    reports.sample_retention (90 d)
 *   agent_events      events.retention (90 d)
 *   seen_seqs         ingest.dedupe_window (1 h), then folded into one floor per agent: a bounded set, not growth
 *   everything else   kept (state history, incidents, SLA evidence): grows for as long as the installation runs
 * Tables of one row per agent, check or job (agents, checks, seq marks and floors, leases) do not grow with time: what
 * they gain in a window is rows rewritten in place (on PostgreSQL dead row versions, reused after autovacuum), so they
 * are left out of the growth and shown apart.
 */
export interface TableBytes {
  /** Bytes per table, its indexes included. */
  tables: Record<string, number>;
  /**
   * Live rows per table, when known (PostgreSQL): growth is then counted as new rows × bytes per live row, so row
   * versions that an update left behind for autovacuum (reused space, not growth) do not count.
   */
  rows?: Record<string, number>;
}

const DAY_S = 86_400;
/** Days each table's rows are kept at the default configuration; absent = kept for good. */
export const RETENTION_DAYS: Readonly<Record<string, number>> = { observation_runs: 7, report_samples: 90, agent_events: 90, seen_seqs: 1 / 24 };

/** One row per agent, check, job or counter: size follows the fleet, not time. */
export const BOUNDED = new Set(['agents', 'checks', 'seq_marks', 'seq_floors', 'job_leases', 'incident_number_sequences', 'heartbeats', 'heartbeat_seq', 'schema_migrations', 'console_sessions', 'sqlite_schema', 'sqlite_master']);

export interface Growth {
  /** Bytes per agent the bounded tables gained in the window (rewrites, not growth). */
  churnPerAgent: number;
  /** Bytes per agent and day, per table that grew, largest first. */
  perAgentDay: Array<[string, number]>;
  /** Bytes per agent held at the default retentions by the tables that are pruned (seen_seqs included). */
  retainedPerAgent: number;
  /** Bytes per agent and year of the tables kept for good. */
  keptPerAgentYear: number;
}

/**
 * `report_samples` holds one row per check and `reports.sample_period` (default 1 h): a window shorter than the period
 * sees its rows updated, not added, so its growth is counted from its shape instead — rows per agent and day (checks ×
 * samples a day) × bytes per row at the end of the window.
 */
const SAMPLES_PER_DAY = 24;

export function growth(before: TableBytes, after: TableBytes, agents: number, seconds: number, checksPerAgent: number): Growth {
  const delta = (name: string): number => {
    const [r0, r1, b1] = [before.rows?.[name], after.rows?.[name], after.tables[name] ?? 0];
    if (r0 !== undefined && r1 !== undefined && r1 > 0) return (r1 - r0) * (b1 / r1);
    return b1 - (before.tables[name] ?? 0);
  };
  const churnPerAgent = Object.keys(after.tables).filter((n) => BOUNDED.has(n)).reduce((s, n) => s + Math.max(0, delta(n)), 0) / agents;
  const sampleRows = after.rows?.['report_samples'] ?? 0;
  const perDay = (name: string): number =>
    name === 'report_samples' && sampleRows > 0 ? checksPerAgent * SAMPLES_PER_DAY * ((after.tables[name] ?? 0) / sampleRows) : (delta(name) / agents / seconds) * DAY_S;
  const perAgentDay = Object.entries(after.tables)
    .filter(([name]) => !BOUNDED.has(name))
    .map(([name]) => [name, perDay(name)] as [string, number])
    .filter(([, d]) => d > 0)
    .sort((x, y) => y[1] - x[1]);
  let retainedPerAgent = 0;
  let keptPerAgentYear = 0;
  for (const [name, d] of perAgentDay) {
    const days = RETENTION_DAYS[name];
    if (days === undefined) keptPerAgentYear += d * 365;
    else retainedPerAgent += d * days;
  }
  return { perAgentDay, retainedPerAgent, keptPerAgentYear, churnPerAgent };
}

const GIB = 1024 ** 3;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** One report line: per table, and extrapolated to `fleet` agents (10,000: the fleet). */
export function growthLine(label: string, g: Growth, seconds: number, fleet = 10_000): string {
  const tables = g.perAgentDay.slice(0, 7).map(([n, d]) => `${n} ${fmt(d)}`).join(', ') || 'no new pages';
  const total = g.perAgentDay.reduce((s, [, d]) => s + d, 0);
  return (
    `${label} store growth over ${seconds.toFixed(0)} s of steady state: ${fmt(total)} bytes per agent and day (${tables}); ` +
    `at the default retentions ${fmt(g.retainedPerAgent / 1024)} KiB per agent held by the pruned tables + ${fmt(g.keptPerAgentYear / 1024)} KiB per agent and year kept; ` +
    `${fmt(fleet)} agents: ${((g.retainedPerAgent * fleet) / GIB).toFixed(1)} GiB + ${((g.keptPerAgentYear * fleet) / GIB).toFixed(1)} GiB per year (all results ok: state changes add intervals and incidents); ` +
    `per-agent tables rewritten in place gained ${fmt(g.churnPerAgent)} bytes per agent in the window (not growth)`
  );
}
