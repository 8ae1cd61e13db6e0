/** Latest known facts per check (descriptor, last result, when it was last heard of) for the API and liveness. */
import type { Db } from './db.js';
import type { CheckState, FindingParams } from '../../common/protocol.js';

export interface CheckRow {
  agentId: string;
  checkId: string;
  checkType: string;
  target: string;
  intervalS: number;
  lastObservedMs: number;
  lastReceivedMs: number;
  lastState: CheckState;
  lastMessage: string;
  /** The finding code and params of the last result (null: the result had none; show lastMessage). */
  lastCode?: string | null;
  lastParams?: FindingParams | null;
  lastMetrics: Record<string, number>;
}

interface RawCheck {
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  interval_s: number;
  last_observed_ms: number;
  last_received_ms: number;
  last_state: CheckState;
  last_message: string;
  last_code: string | null;
  last_params_json: string | null;
  last_metrics_json: string | null;
}

const toRow = (r: RawCheck): CheckRow => ({
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  intervalS: r.interval_s,
  lastObservedMs: r.last_observed_ms,
  lastReceivedMs: r.last_received_ms,
  lastState: r.last_state,
  lastMessage: r.last_message,
  lastCode: r.last_code ?? null,
  lastParams: r.last_params_json ? (JSON.parse(r.last_params_json) as FindingParams) : null,
  lastMetrics: r.last_metrics_json ? (JSON.parse(r.last_metrics_json) as Record<string, number>) : {},
});

export function createChecksStore(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO checks (agent_id, check_id, check_type, target, interval_s, last_observed_ms, last_received_ms, last_state, last_message, last_metrics_json, last_code, last_params_json)
     VALUES (@agentId, @checkId, @checkType, @target, @intervalS, @lastObservedMs, @lastReceivedMs, @lastState, @lastMessage, @metrics, @code, @paramsJson)
     ON CONFLICT (agent_id, check_id) DO UPDATE SET check_type = excluded.check_type, target = excluded.target,
       interval_s = excluded.interval_s, last_received_ms = excluded.last_received_ms,
       last_observed_ms = max(last_observed_ms, excluded.last_observed_ms),
       last_state = CASE WHEN excluded.last_observed_ms >= last_observed_ms THEN excluded.last_state ELSE last_state END,
       last_message = CASE WHEN excluded.last_observed_ms >= last_observed_ms THEN excluded.last_message ELSE last_message END,
       last_metrics_json = CASE WHEN excluded.last_observed_ms >= last_observed_ms THEN excluded.last_metrics_json ELSE last_metrics_json END,
       last_code = CASE WHEN excluded.last_observed_ms >= last_observed_ms THEN excluded.last_code ELSE last_code END,
       last_params_json = CASE WHEN excluded.last_observed_ms >= last_observed_ms THEN excluded.last_params_json ELSE last_params_json END`,
  );
  // Hot path (a known check reporting in order, same descriptor): touches no indexed column, binds positionally.
  const update = db.prepare<[number, number, string, string, string, string | null, string | null, string, string, string, string, number, number]>(
    `UPDATE checks SET last_received_ms = ?, last_observed_ms = ?, last_state = ?, last_message = ?, last_metrics_json = ?, last_code = ?, last_params_json = ?
     WHERE agent_id = ? AND check_id = ? AND check_type = ? AND target = ? AND interval_s = ? AND last_observed_ms <= ?`,
  );
  const all = db.prepare<[], RawCheck>('SELECT * FROM checks ORDER BY agent_id, check_id');
  const byAgent = db.prepare<[string], RawCheck>('SELECT * FROM checks WHERE agent_id = ? ORDER BY check_id');
  const one = db.prepare<[string, string], RawCheck>('SELECT * FROM checks WHERE agent_id = ? AND check_id = ?');
  return {
    record(row: CheckRow): void {
      const metrics = JSON.stringify(row.lastMetrics);
      const code = row.lastCode ?? null;
      const paramsJson = code && row.lastParams ? JSON.stringify(row.lastParams) : null;
      const { changes } = update.run(row.lastReceivedMs, row.lastObservedMs, row.lastState, row.lastMessage, metrics, code, paramsJson, row.agentId, row.checkId, row.checkType, row.target, row.intervalS, row.lastObservedMs);
      // New check, changed descriptor or an older result: the full upsert decides column by column.
      if (changes === 0) upsert.run({ ...row, metrics, code, paramsJson });
    },
    all(): CheckRow[] {
      return all.all().map(toRow);
    },
    byAgent(agentId: string): CheckRow[] {
      return byAgent.all(agentId).map(toRow);
    },
    get(agentId: string, checkId: string): CheckRow | null {
      const raw = one.get(agentId, checkId);
      return raw ? toRow(raw) : null;
    },
  };
}
export type ChecksStore = ReturnType<typeof createChecksStore>;
