/**
 * The run-length encoded per-check observation log (see collector/states/runs.ts), async on both engines. Run extensions
 * (the hot path) are kept in memory and written by `persist(q)` inside the batch transaction; `discard()` after a
 * rollback.
 */
import { sql, type Selectable } from 'kysely';
import type { CheckState, FindingParams } from '../../../common/protocol.js';
import type { ObservationCause, ObservationRun } from '../../states/machine.js';
import type { ObservationRunsTable } from './schema.js';
import { changed, checkKeys, onPostgres, type Q } from './sql-helpers.js';

export interface StoredRun extends ObservationRun {
  id: number;
}

const toRun = (r: Selectable<ObservationRunsTable>): StoredRun => ({
  id: r.id,
  state: r.state as CheckState,
  cause: r.cause as ObservationCause,
  firstMs: r.first_ms,
  lastMs: r.last_ms,
  count: r.count,
  reason: r.reason,
  finding: r.code ? { code: r.code, params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null } : null,
});

/** Checks per `newest` statement (2 parameters each). */
const NEWEST_CHUNK = 500;
/** Runs per extension statement (3 parameters each). */
const EXTEND_CHUNK = 1000;

export function createObservationLogRepo() {
  const extended = new Map<number, StoredRun>();
  async function persist(q: Q): Promise<void> {
    const pending = [...extended.values()].sort((a, b) => a.id - b.id);
    extended.clear();
    if (pending.length === 1) {
      const [run] = pending as [StoredRun];
      await q.updateTable('observation_runs').set({ last_ms: run.lastMs, count: run.count }).where('id', '=', run.id).execute();
      return;
    }
    // One statement per few hundred runs (a batch extends one run per check): UPDATE … FROM, on both engines.
    for (let start = 0; start < pending.length; start += EXTEND_CHUNK) {
      const rows = pending.slice(start, start + EXTEND_CHUNK).map((r) => sql`(CAST(${r.id} AS BIGINT), CAST(${r.lastMs} AS BIGINT), CAST(${r.count} AS BIGINT))`);
      await sql`WITH v (id, last_ms, count) AS (VALUES ${sql.join(rows)})
        UPDATE observation_runs SET last_ms = v.last_ms, count = v.count FROM v WHERE observation_runs.id = v.id`.execute(q);
    }
  }
  async function append(q: Q, agentId: string, checkId: string, run: ObservationRun): Promise<StoredRun> {
    const row = await q
      .insertInto('observation_runs')
      .values({ agent_id: agentId, check_id: checkId, state: run.state, cause: run.cause, first_ms: run.firstMs, last_ms: run.lastMs, count: run.count, reason: run.reason, code: run.finding?.code ?? null, params_json: run.finding?.params ? JSON.stringify(run.finding.params) : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...run, id: row.id };
  }
  return {
    /** Writes pending run extensions; call inside the batch transaction before it commits. */
    persist,
    /** Forgets pending extensions (the batch transaction rolled back). */
    discard(): void {
      extended.clear();
    },
    async last(q: Q, agentId: string, checkId: string): Promise<StoredRun | null> {
      await persist(q);
      const raw = await q
        .selectFrom('observation_runs')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('check_id', '=', checkId)
        .orderBy('first_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return raw ? toRun(raw) : null;
    },
    /**
     * The newest run of each of these checks (keyed `agent\0check`; absent: no run), a few hundred checks per
     * statement. Runs appended or rewritten later always get higher ids, so a check's highest id is its newest run.
     */
    async newest(q: Q, checks: ReadonlyArray<{ agentId: string; checkId: string }>): Promise<Map<string, StoredRun>> {
      await persist(q);
      const out = new Map<string, StoredRun>();
      for (let start = 0; start < checks.length; start += NEWEST_CHUNK) {
        const keys = checks.slice(start, start + NEWEST_CHUNK);
        const rows = onPostgres(q)
          ? (await sql<Selectable<ObservationRunsTable>>`SELECT r.* FROM ${checkKeys(keys)} CROSS JOIN LATERAL (SELECT * FROM observation_runs o WHERE o.agent_id = k.agent_id AND o.check_id = k.check_id ORDER BY o.id DESC LIMIT 1) r`.execute(q)).rows
          : await q
              .selectFrom('observation_runs')
              .selectAll()
              .where('id', 'in', (eb) =>
                eb
                  .selectFrom('observation_runs')
                  .select((e) => e.fn.max('id').as('id'))
                  .where((w) => w(w.refTuple('agent_id', 'check_id'), 'in', keys.map((k) => w.tuple(k.agentId, k.checkId))))
                  .groupBy(['agent_id', 'check_id']),
              )
              .execute();
        for (const row of rows) out.set(`${row.agent_id}\u0000${row.check_id}`, toRun(row));
      }
      return out;
    },
    append,
    extend(run: StoredRun, atMs: number): StoredRun {
      const next = { ...run, lastMs: atMs, count: run.count + 1 };
      extended.set(run.id, next);
      return next;
    },
    /**
     * `loadFrom` for many checks at once (keyed `agent\0check`, each list in time order; absent: no run), a few
     * hundred checks per statement.
     */
    async loadFromMany(q: Q, checks: ReadonlyArray<{ agentId: string; checkId: string; fromMs: number }>): Promise<Map<string, StoredRun[]>> {
      await persist(q);
      const out = new Map<string, StoredRun[]>();
      for (let start = 0; start < checks.length; start += NEWEST_CHUNK) {
        const keys = checks.slice(start, start + NEWEST_CHUNK);
        const fromMs = new Map(keys.map((k) => [`${k.agentId}\u0000${k.checkId}`, k.fromMs]));
        // SQLite: a row-value IN list searches the index once per check; a join with a VALUES table scanned it (10×
        // slower). PostgreSQL: the other way round (sql-helpers.ts checkKeys).
        const rows = onPostgres(q)
          ? (
              await sql<Selectable<ObservationRunsTable>>`SELECT o.* FROM ${checkKeys(keys)} JOIN observation_runs o ON o.agent_id = k.agent_id AND o.check_id = k.check_id
                  AND o.first_ms >= ${Math.min(...keys.map((k) => k.fromMs))} ORDER BY o.agent_id, o.check_id, o.first_ms, o.id`.execute(q)
            ).rows
          : await q
              .selectFrom('observation_runs')
              .selectAll()
              .where((w) => w(w.refTuple('agent_id', 'check_id'), 'in', keys.map((k) => w.tuple(k.agentId, k.checkId))))
              .where('first_ms', '>=', Math.min(...keys.map((k) => k.fromMs)))
              .orderBy('agent_id')
              .orderBy('check_id')
              .orderBy('first_ms')
              .orderBy('id')
              .execute();
        for (const row of rows) {
          const key = `${row.agent_id}\u0000${row.check_id}`;
          if (row.first_ms < (fromMs.get(key) ?? Infinity)) continue;
          const list = out.get(key);
          if (list) list.push(toRun(row));
          else out.set(key, [toRun(row)]);
        }
      }
      return out;
    },
    /** Runs starting at or after `fromMs`, in time order. */
    async loadFrom(q: Q, agentId: string, checkId: string, fromMs: number): Promise<StoredRun[]> {
      await persist(q);
      const rows = await q
        .selectFrom('observation_runs')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('check_id', '=', checkId)
        .where('first_ms', '>=', fromMs)
        .orderBy('first_ms')
        .orderBy('id')
        .execute();
      return rows.map(toRun);
    },
    /** Drops runs that ended before `beforeMs`, keeping each check's newest run (the highest id). */
    async prune(q: Q, beforeMs: number): Promise<number> {
      await persist(q);
      const result = await q
        .deleteFrom('observation_runs')
        .where('last_ms', '<', beforeMs)
        .where('id', 'not in', (eb) => eb.selectFrom('observation_runs').select((e) => e.fn.max('id').as('id')).groupBy(['agent_id', 'check_id']))
        .executeTakeFirst();
      return changed(result);
    },
    /** Replaces every run starting at or after `fromMs` (after a late observation was inserted). */
    async replaceFrom(q: Q, agentId: string, checkId: string, fromMs: number, runs: readonly ObservationRun[]): Promise<StoredRun[]> {
      await persist(q);
      await q.deleteFrom('observation_runs').where('agent_id', '=', agentId).where('check_id', '=', checkId).where('first_ms', '>=', fromMs).execute();
      const out: StoredRun[] = [];
      for (const run of runs) out.push(await append(q, agentId, checkId, run));
      return out;
    },
  };
}
export type ObservationLogRepo = ReturnType<typeof createObservationLogRepo>;
