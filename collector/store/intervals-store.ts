/** State intervals: (agent, check, target, state, start, end, reason) — the single source for availability. */
import type { Db } from './db.js';
import type { CheckState, FindingParams } from '../../common/protocol.js';

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

interface RawInterval {
  id: number;
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  state: CheckState;
  start_ms: number;
  end_ms: number | null;
  reason: string;
  cause: IntervalCause;
  code?: string | null;
  params_json?: string | null;
}

const toInterval = (r: RawInterval): StateInterval => ({
  id: r.id,
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  state: r.state,
  startMs: r.start_ms,
  endMs: r.end_ms,
  reason: r.reason,
  finding: r.code ? { code: r.code, params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null } : null,
  cause: r.cause,
});

export type NewInterval = Omit<StateInterval, 'id'>;

export function createIntervalsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO state_intervals (agent_id, check_id, check_type, target, state, start_ms, end_ms, reason, cause, code, params_json)
     VALUES (@agentId, @checkId, @checkType, @target, @state, @startMs, @endMs, @reason, @cause, @code, @paramsJson)`,
  );
  const row = (i: NewInterval) => ({
    agentId: i.agentId,
    checkId: i.checkId,
    checkType: i.checkType,
    target: i.target,
    state: i.state,
    startMs: i.startMs,
    endMs: i.endMs,
    reason: i.reason,
    cause: i.cause,
    code: i.finding?.code ?? null,
    paramsJson: i.finding?.params ? JSON.stringify(i.finding.params) : null,
  });
  const close = db.prepare('UPDATE state_intervals SET end_ms = ? WHERE agent_id = ? AND check_id = ? AND end_ms IS NULL');
  const open = db.prepare<[string, string], RawInterval>(
    'SELECT * FROM state_intervals WHERE agent_id = ? AND check_id = ? AND end_ms IS NULL ORDER BY start_ms DESC LIMIT 1',
  );
  const lastBefore = db.prepare<[string, string, number], RawInterval>(
    'SELECT * FROM state_intervals WHERE agent_id = ? AND check_id = ? AND start_ms < ? ORDER BY start_ms DESC, id DESC LIMIT 1',
  );
  const deleteFrom = db.prepare('DELETE FROM state_intervals WHERE agent_id = ? AND check_id = ? AND start_ms >= ?');
  const reopen = db.prepare('UPDATE state_intervals SET end_ms = ? WHERE id = ?');
  const history = db.prepare<[string, string, number, number], RawInterval>(
    `SELECT * FROM state_intervals WHERE agent_id = ? AND check_id = ? AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?)
     ORDER BY start_ms, id`,
  );
  const byTarget = db.prepare<[string, number, number], RawInterval>(
    `SELECT * FROM state_intervals WHERE target = ? AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?)
     ORDER BY agent_id, check_id, start_ms, id`,
  );
  const all = db.prepare<[number, number], RawInterval>(
    `SELECT * FROM state_intervals WHERE start_ms < ? AND (end_ms IS NULL OR end_ms > ?)
     ORDER BY target, agent_id, check_id, start_ms, id`,
  );
  const openAll = db.prepare<[], RawInterval>('SELECT * FROM state_intervals WHERE end_ms IS NULL');
  // Served by the partial index state_intervals_open_not_ok (migration 018): only the few bad checks are read.
  const openNotOk = db.prepare<[], RawInterval>("SELECT * FROM state_intervals WHERE end_ms IS NULL AND state <> 'ok'");
  return {
    /** Open intervals not ok: the checks currently bad (cheap whatever the fleet's size). */
    openNotOk(): StateInterval[] {
      return openNotOk.all().map(toInterval);
    },
    /** Every open interval: the current state of every check. */
    openAll(): StateInterval[] {
      return openAll.all().map(toInterval);
    },
    open(agentId: string, checkId: string): StateInterval | null {
      const raw = open.get(agentId, checkId);
      return raw ? toInterval(raw) : null;
    },
    /** The latest interval that started strictly before `atMs`. */
    lastBefore(agentId: string, checkId: string, atMs: number): StateInterval | null {
      const raw = lastBefore.get(agentId, checkId, atMs);
      return raw ? toInterval(raw) : null;
    },
    /** Closes the open interval at `atMs` and opens the new one. */
    transition(next: NewInterval): void {
      close.run(next.startMs, next.agentId, next.checkId);
      insert.run(row({ ...next, endMs: null }));
    },
    /** Rewrites history from `fromMs`: deletes later intervals, ends `previous` at the first new one (or opens it). */
    replaceFrom(agentId: string, checkId: string, fromMs: number, previous: StateInterval | null, next: readonly NewInterval[]): void {
      deleteFrom.run(agentId, checkId, fromMs);
      if (previous) reopen.run(next[0]?.startMs ?? null, previous.id);
      for (const interval of next) insert.run(row(interval));
    },
    history(agentId: string, checkId: string, fromMs: number, toMs: number): StateInterval[] {
      return history.all(agentId, checkId, toMs, fromMs).map(toInterval);
    },
    byTarget(target: string, fromMs: number, toMs: number): StateInterval[] {
      return byTarget.all(target, toMs, fromMs).map(toInterval);
    },
    all(fromMs: number, toMs: number): StateInterval[] {
      return all.all(toMs, fromMs).map(toInterval);
    },
  };
}
export type IntervalsStore = ReturnType<typeof createIntervalsStore>;
