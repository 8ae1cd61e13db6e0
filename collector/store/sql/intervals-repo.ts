/** State intervals: (agent, check, target, state, start, end, reason) — the single source for availability. Async on both engines. */
import { sql, type Selectable } from 'kysely';
import type { CheckState, FindingParams } from '../../../common/protocol.js';
import type { StateIntervalsTable } from './schema.js';
import { checkKeys, onPostgres, type Q } from './sql-helpers.js';

export type IntervalCause = 'result' | 'agent_offline' | 'agent_stopped' | 'silence';

export interface StateInterval {
  id: number;
  agentId: string;
  checkId: string;
  checkType: string;
  target: string;
  state: CheckState;
  startMs: number;
  /** null while the interval is still open. */
  endMs: number | null;
  reason: string;
  /** The finding behind the state, when the result had a code (render it; `reason` is its English message). */
  finding?: { code: string; params: FindingParams | null } | null;
  cause: IntervalCause;
}

export type NewInterval = Omit<StateInterval, 'id'>;

const toInterval = (r: Selectable<StateIntervalsTable>): StateInterval => ({
  id: r.id,
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  state: r.state as CheckState,
  startMs: r.start_ms,
  endMs: r.end_ms,
  reason: r.reason,
  cause: r.cause as IntervalCause,
  finding: r.code ? { code: r.code, params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null } : null,
});

const values = (i: NewInterval) => ({
  agent_id: i.agentId,
  check_id: i.checkId,
  check_type: i.checkType,
  target: i.target,
  state: i.state,
  start_ms: i.startMs,
  end_ms: i.endMs,
  reason: i.reason,
  cause: i.cause,
  code: i.finding?.code ?? null,
  params_json: i.finding?.params ? JSON.stringify(i.finding.params) : null,
});

/** Intervals that overlap [fromMs, toMs): started before its end, not ended before its start. */
function overlapping(q: Q, fromMs: number, toMs: number) {
  return q
    .selectFrom('state_intervals')
    .selectAll()
    .where('start_ms', '<', toMs)
    .where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '>', fromMs)]));
}

/** Checks per `openMany` statement (2 parameters each). */
const OPEN_MANY_CHUNK = 500;

export function createIntervalsRepo() {
  return {
    /** Open intervals not ok: the checks currently bad (the partial index of migration 018). */
    async openNotOk(q: Q): Promise<StateInterval[]> {
      return (await q.selectFrom('state_intervals').selectAll().where('end_ms', 'is', null).where('state', '<>', 'ok').execute()).map(toInterval);
    },
    /** Every open interval: the current state of every check. */
    async openAll(q: Q): Promise<StateInterval[]> {
      return (await q.selectFrom('state_intervals').selectAll().where('end_ms', 'is', null).execute()).map(toInterval);
    },
    /** The open interval of each of these checks (keyed `agent\0check`; absent: none), a few hundred checks per statement. */
    async openMany(q: Q, checks: ReadonlyArray<{ agentId: string; checkId: string }>): Promise<Map<string, StateInterval>> {
      const out = new Map<string, StateInterval>();
      for (let start = 0; start < checks.length; start += OPEN_MANY_CHUNK) {
        const keys = checks.slice(start, start + OPEN_MANY_CHUNK);
        const rows = onPostgres(q)
          ? (await sql<Selectable<StateIntervalsTable>>`SELECT s.* FROM ${checkKeys(keys)} JOIN state_intervals s ON s.agent_id = k.agent_id AND s.check_id = k.check_id AND s.end_ms IS NULL`.execute(q)).rows
          : await q
              .selectFrom('state_intervals')
              .selectAll()
              .where('end_ms', 'is', null)
              .where((w) => w(w.refTuple('agent_id', 'check_id'), 'in', keys.map((k) => w.tuple(k.agentId, k.checkId))))
              .execute();
        for (const row of rows) {
          const key = `${row.agent_id}\u0000${row.check_id}`;
          // At most one is open; should two be, the latest counts (as `open` reads it).
          const seen = out.get(key);
          if (!seen || row.start_ms > seen.startMs) out.set(key, toInterval(row));
        }
      }
      return out;
    },
    async open(q: Q, agentId: string, checkId: string): Promise<StateInterval | null> {
      const raw = await q
        .selectFrom('state_intervals')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('check_id', '=', checkId)
        .where('end_ms', 'is', null)
        .orderBy('start_ms', 'desc')
        .limit(1)
        .executeTakeFirst();
      return raw ? toInterval(raw) : null;
    },
    /** The latest interval that started strictly before `atMs`. */
    async lastBefore(q: Q, agentId: string, checkId: string, atMs: number): Promise<StateInterval | null> {
      const raw = await q
        .selectFrom('state_intervals')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('check_id', '=', checkId)
        .where('start_ms', '<', atMs)
        .orderBy('start_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return raw ? toInterval(raw) : null;
    },
    /** Closes the open interval at `next.startMs` and opens the new one. */
    async transition(q: Q, next: NewInterval): Promise<void> {
      await q
        .updateTable('state_intervals')
        .set({ end_ms: next.startMs })
        .where('agent_id', '=', next.agentId)
        .where('check_id', '=', next.checkId)
        .where('end_ms', 'is', null)
        .execute();
      await q.insertInto('state_intervals').values(values({ ...next, endMs: null })).execute();
    },
    /** Rewrites history from `fromMs`: deletes later intervals, ends `previous` at the first new one (or opens it). */
    async replaceFrom(q: Q, agentId: string, checkId: string, fromMs: number, previous: StateInterval | null, next: readonly NewInterval[]): Promise<void> {
      await q.deleteFrom('state_intervals').where('agent_id', '=', agentId).where('check_id', '=', checkId).where('start_ms', '>=', fromMs).execute();
      if (previous) await q.updateTable('state_intervals').set({ end_ms: next[0]?.startMs ?? null }).where('id', '=', previous.id).execute();
      if (next.length > 0) await q.insertInto('state_intervals').values(next.map(values)).execute();
    },
    async history(q: Q, agentId: string, checkId: string, fromMs: number, toMs: number): Promise<StateInterval[]> {
      const rows = await overlapping(q, fromMs, toMs).where('agent_id', '=', agentId).where('check_id', '=', checkId).orderBy('start_ms').orderBy('id').execute();
      return rows.map(toInterval);
    },
    async byTarget(q: Q, target: string, fromMs: number, toMs: number): Promise<StateInterval[]> {
      const rows = await overlapping(q, fromMs, toMs).where('target', '=', target).orderBy('agent_id').orderBy('check_id').orderBy('start_ms').orderBy('id').execute();
      return rows.map(toInterval);
    },
    async all(q: Q, fromMs: number, toMs: number): Promise<StateInterval[]> {
      const rows = await overlapping(q, fromMs, toMs).orderBy('target').orderBy('agent_id').orderBy('check_id').orderBy('start_ms').orderBy('id').execute();
      return rows.map(toInterval);
    },
  };
}
export type IntervalsRepo = ReturnType<typeof createIntervalsRepo>;
