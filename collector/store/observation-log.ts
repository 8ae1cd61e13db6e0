/** Persistence of the run-length encoded per-check observation log (see collector/states/runs.ts). */
import type { Db } from './db.js';
import type { CheckState, FindingParams } from '../../common/protocol.js';
import type { ObservationCause, ObservationRun } from '../states/machine.js';

export interface StoredRun extends ObservationRun {
  id: number;
}

interface RawRun {
  id: number;
  state: CheckState;
  cause: ObservationCause;
  first_ms: number;
  last_ms: number;
  count: number;
  reason: string;
  code: string | null;
  params_json: string | null;
}

const toRun = (r: RawRun): StoredRun => ({
  id: r.id,
  state: r.state,
  cause: r.cause,
  firstMs: r.first_ms,
  lastMs: r.last_ms,
  count: r.count,
  reason: r.reason,
  finding: r.code ? { code: r.code, params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null } : null,
});

export function createObservationLog(db: Db) {
  const insert = db.prepare(
    'INSERT INTO observation_runs (agent_id, check_id, state, cause, first_ms, last_ms, count, reason, code, params_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const extend = db.prepare('UPDATE observation_runs SET last_ms = ?, count = ? WHERE id = ?');
  const last = db.prepare<[string, string], RawRun>(
    'SELECT * FROM observation_runs WHERE agent_id = ? AND check_id = ? ORDER BY first_ms DESC, id DESC LIMIT 1',
  );
  const from = db.prepare<[string, string, number], RawRun>(
    'SELECT * FROM observation_runs WHERE agent_id = ? AND check_id = ? AND first_ms >= ? ORDER BY first_ms, id',
  );
  const deleteFrom = db.prepare('DELETE FROM observation_runs WHERE agent_id = ? AND check_id = ? AND first_ms >= ?');
  // Runs appended or rewritten later always get higher ids, so max(id) per check is its newest run: keep it.
  const prune = db.prepare(
    `DELETE FROM observation_runs WHERE last_ms < ?
       AND id NOT IN (SELECT max(id) FROM observation_runs GROUP BY agent_id, check_id)`,
  );
  // Extending a run is the hot path (a stable check): keep the newest extent per run, write it once per batch.
  const extended = new Map<number, StoredRun>();
  function persist(): void {
    for (const run of extended.values()) extend.run(run.lastMs, run.count, run.id);
    extended.clear();
  }
  return {
    /** Writes pending run extensions; call inside the batch transaction before it commits. */
    persist,
    /** Forgets pending extensions (the batch transaction rolled back). */
    discard(): void {
      extended.clear();
    },
    last(agentId: string, checkId: string): StoredRun | null {
      persist();
      const raw = last.get(agentId, checkId);
      return raw ? toRun(raw) : null;
    },
    append(agentId: string, checkId: string, run: ObservationRun): StoredRun {
      const info = insert.run(agentId, checkId, run.state, run.cause, run.firstMs, run.lastMs, run.count, run.reason, run.finding?.code ?? null, run.finding?.params ? JSON.stringify(run.finding.params) : null);
      return { ...run, id: Number(info.lastInsertRowid) };
    },
    extend(run: StoredRun, atMs: number): StoredRun {
      const next = { ...run, lastMs: atMs, count: run.count + 1 };
      extended.set(run.id, next);
      return next;
    },
    /** Runs starting at or after `fromMs`, in time order. */
    loadFrom(agentId: string, checkId: string, fromMs: number): StoredRun[] {
      persist();
      return from.all(agentId, checkId, fromMs).map(toRun);
    },
    /** Drops runs that ended before `beforeMs` (beyond the reorder window), keeping each check's newest run. */
    prune(beforeMs: number): number {
      persist();
      return prune.run(beforeMs).changes;
    },
    /** Replaces every run starting at or after `fromMs` (after a late observation was inserted). */
    replaceFrom(agentId: string, checkId: string, fromMs: number, runs: readonly ObservationRun[]): StoredRun[] {
      persist();
      deleteFrom.run(agentId, checkId, fromMs);
      return runs.map((run) => this.append(agentId, checkId, run));
    },
  };
}
export type ObservationLog = ReturnType<typeof createObservationLog>;
