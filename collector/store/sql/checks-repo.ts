/**
 * Latest known facts per check (descriptor, last result, when it was last heard of) for the API and liveness,
 * async on both engines.
 */
import type { Selectable } from 'kysely';
import type { CheckState, FindingParams } from '../../../common/protocol.js';
import type { ChecksTable } from './schema.js';
import { changed, ifNotOlder, laterOf, type Q } from './sql-helpers.js';

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

const toRow = (r: Selectable<ChecksTable>): CheckRow => ({
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  intervalS: r.interval_s,
  lastObservedMs: r.last_observed_ms,
  lastReceivedMs: r.last_received_ms,
  lastState: r.last_state as CheckState,
  lastMessage: r.last_message,
  lastMetrics: r.last_metrics_json ? (JSON.parse(r.last_metrics_json) as Record<string, number>) : {},
  lastCode: r.last_code ?? null,
  lastParams: r.last_params_json ? (JSON.parse(r.last_params_json) as FindingParams) : null,
});

const valuesOf = (row: CheckRow) => {
  const code = row.lastCode ?? null;
  return {
    agent_id: row.agentId,
    check_id: row.checkId,
    check_type: row.checkType,
    target: row.target,
    interval_s: row.intervalS,
    last_observed_ms: row.lastObservedMs,
    last_received_ms: row.lastReceivedMs,
    last_state: row.lastState,
    last_message: row.lastMessage,
    last_metrics_json: JSON.stringify(row.lastMetrics),
    last_code: code,
    last_params_json: code && row.lastParams ? JSON.stringify(row.lastParams) : null,
  };
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Rows per upsert statement (12 parameters each: well under SQLite's 32,766 and PostgreSQL's 65,535). */
const UPSERT_CHUNK = 500;

/** The full upsert: descriptor columns from the newest report, the last result only from a result not older. */
function upsert(q: Q, rows: ReturnType<typeof valuesOf>[]) {
  return q
    .insertInto('checks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['agent_id', 'check_id']).doUpdateSet((eb) => ({
        check_type: eb.ref('excluded.check_type'),
        target: eb.ref('excluded.target'),
        interval_s: eb.ref('excluded.interval_s'),
        last_received_ms: eb.ref('excluded.last_received_ms'),
        last_observed_ms: laterOf('checks', 'last_observed_ms'),
        last_state: ifNotOlder<string>('checks', 'last_observed_ms', 'last_state'),
        last_message: ifNotOlder<string>('checks', 'last_observed_ms', 'last_message'),
        last_metrics_json: ifNotOlder<string | null>('checks', 'last_observed_ms', 'last_metrics_json'),
        last_code: ifNotOlder<string | null>('checks', 'last_observed_ms', 'last_code'),
        last_params_json: ifNotOlder<string | null>('checks', 'last_observed_ms', 'last_params_json'),
      })),
    );
}

export function createChecksRepo() {
  return {
    /**
     * A batch's rows (at most one per check), a few hundred per statement: the ingest's per-batch write. The same
     * outcome as `record` row by row (the upsert decides column by column), at a fraction of the statements.
     */
    async recordMany(q: Q, rows: readonly CheckRow[]): Promise<void> {
      // In key order: two collectors' statements lock shared rows in the same order.
      const sorted = rows.map(valuesOf).sort((a, b) => compareText(a.agent_id, b.agent_id) || compareText(a.check_id, b.check_id));
      for (let start = 0; start < sorted.length; start += UPSERT_CHUNK) await upsert(q, sorted.slice(start, start + UPSERT_CHUNK)).execute();
    },
    async record(q: Q, row: CheckRow): Promise<void> {
      const metrics = JSON.stringify(row.lastMetrics);
      const code = row.lastCode ?? null;
      const paramsJson = code && row.lastParams ? JSON.stringify(row.lastParams) : null;
      // Hot path (a known check reporting in order, same descriptor): touches no indexed column.
      const updated = await q
        .updateTable('checks')
        .set({ last_received_ms: row.lastReceivedMs, last_observed_ms: row.lastObservedMs, last_state: row.lastState, last_message: row.lastMessage, last_metrics_json: metrics, last_code: code, last_params_json: paramsJson })
        .where('agent_id', '=', row.agentId)
        .where('check_id', '=', row.checkId)
        .where('check_type', '=', row.checkType)
        .where('target', '=', row.target)
        .where('interval_s', '=', row.intervalS)
        .where('last_observed_ms', '<=', row.lastObservedMs)
        .executeTakeFirst();
      if (changed(updated) > 0) return;
      // New check, changed descriptor or an older result: the full upsert decides column by column.
      await upsert(q, [valuesOf(row)]).execute();
    },
    async all(q: Q): Promise<CheckRow[]> {
      return (await q.selectFrom('checks').selectAll().orderBy('agent_id').orderBy('check_id').execute()).map(toRow);
    },
    async byAgent(q: Q, agentId: string): Promise<CheckRow[]> {
      return (await q.selectFrom('checks').selectAll().where('agent_id', '=', agentId).orderBy('check_id').execute()).map(toRow);
    },
    async get(q: Q, agentId: string, checkId: string): Promise<CheckRow | null> {
      const raw = await q.selectFrom('checks').selectAll().where('agent_id', '=', agentId).where('check_id', '=', checkId).executeTakeFirst();
      return raw ? toRow(raw) : null;
    },
  };
}
export type ChecksRepo = ReturnType<typeof createChecksRepo>;
