/** SQL for heartbeats (both engines): definitions + live state, finished runs, and the virtual agent's result seq. */
import type { Selectable } from 'kysely';
import type { HeartbeatsTable } from '../store/sql/schema-events.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';
import type { Severity } from '../events.js';
import type { FinishedRun, HeartbeatRecord, HeartbeatStatus, PingKind } from './machine.js';
import type { HeartbeatRule } from './schedule.js';

export interface HeartbeatDefinition {
  name: string;
  tokenSha256: string;
  source: 'config' | 'api';
  target: string;
  rule: HeartbeatRule;
  severity: Severity | null;
}

export interface StoredHeartbeat extends HeartbeatDefinition {
  record: HeartbeatRecord;
}

const toStored = (r: Selectable<HeartbeatsTable>): StoredHeartbeat => ({
  name: r.name,
  tokenSha256: r.token_sha256,
  source: r.source as StoredHeartbeat['source'],
  target: r.target,
  rule: r.period_ms !== null
    ? { kind: 'period', periodMs: r.period_ms, graceMs: r.grace_ms }
    : { kind: 'cron', schedule: r.schedule ?? '', timezone: r.timezone ?? undefined, graceMs: r.grace_ms },
  severity: r.severity as Severity | null,
  record: {
    createdAtMs: r.created_at_ms,
    status: r.status as HeartbeatStatus,
    deadlineMs: r.deadline_ms,
    lastPingMs: r.last_ping_ms,
    lastPingKind: r.last_ping_kind as PingKind | null,
    lastSuccessMs: r.last_success_ms,
    startedAtMs: r.started_at_ms,
    lastDurationMs: r.last_duration_ms,
    lastExitCode: r.last_exit_code,
  },
});

const toRow = (hb: StoredHeartbeat): Selectable<HeartbeatsTable> => ({
  name: hb.name,
  token_sha256: hb.tokenSha256,
  source: hb.source,
  target: hb.target,
  period_ms: hb.rule.kind === 'period' ? hb.rule.periodMs : null,
  schedule: hb.rule.kind === 'cron' ? hb.rule.schedule : null,
  timezone: hb.rule.kind === 'cron' ? (hb.rule.timezone ?? null) : null,
  grace_ms: hb.rule.graceMs,
  severity: hb.severity,
  created_at_ms: hb.record.createdAtMs,
  status: hb.record.status,
  deadline_ms: hb.record.deadlineMs,
  last_ping_ms: hb.record.lastPingMs,
  last_ping_kind: hb.record.lastPingKind,
  last_success_ms: hb.record.lastSuccessMs,
  started_at_ms: hb.record.startedAtMs,
  last_duration_ms: hb.record.lastDurationMs,
  last_exit_code: hb.record.lastExitCode,
});

/** Every column but the key and the creation instant is replaced by a save. */
const UPDATED = ['token_sha256', 'source', 'target', 'period_ms', 'schedule', 'timezone', 'grace_ms', 'severity', 'status', 'deadline_ms', 'last_ping_ms',
  'last_ping_kind', 'last_success_ms', 'started_at_ms', 'last_duration_ms', 'last_exit_code'] as const;

async function save(q: Q, hb: StoredHeartbeat): Promise<void> {
  await q
    .insertInto('heartbeats')
    .values(toRow(hb))
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => Object.fromEntries(UPDATED.map((c) => [c, eb.ref(`excluded.${c}`)]))))
    .execute();
}

export function createHeartbeatRepo() {
  return {
    /** Every heartbeat by name; `lock` as in `get`. */
    async all(q: Q, lock = false): Promise<StoredHeartbeat[]> {
      const query = q.selectFrom('heartbeats').selectAll().orderBy('name');
      return (await (lock ? query.forUpdate() : query).execute()).map(toStored);
    },
    /**
     * One heartbeat as stored; `lock` (PostgreSQL only: SQLite has no FOR UPDATE, its BEGIN IMMEDIATE already
     * serialises writers) holds its row until the transaction ends, so two collectors never step it at once.
     */
    async get(q: Q, name: string, lock = false): Promise<StoredHeartbeat | null> {
      const query = q.selectFrom('heartbeats').selectAll().where('name', '=', name);
      const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
      return row ? toStored(row) : null;
    },
    save,
    /** Stores a new heartbeat; false when one of that name exists (created meanwhile, perhaps by another collector). */
    async create(q: Q, hb: StoredHeartbeat): Promise<boolean> {
      const result = await q.insertInto('heartbeats').values(toRow(hb)).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return changed(result) === 1;
    },
    /** Saves the new state and the finished run (if any); call inside one transaction so they commit together. */
    async saveStep(q: Q, hb: StoredHeartbeat, run: FinishedRun | null): Promise<void> {
      await save(q, hb);
      if (run) {
        await q
          .insertInto('heartbeat_runs')
          .values({ name: hb.name, started_at_ms: run.startedAtMs, finished_at_ms: run.finishedAtMs, duration_ms: run.durationMs, outcome: run.outcome, exit_code: run.exitCode })
          .execute();
      }
    },
    async remove(q: Q, name: string): Promise<boolean> {
      return changed(await q.deleteFrom('heartbeats').where('name', '=', name).executeTakeFirst()) > 0;
    },
    async recentRuns(q: Q, name: string, limit: number): Promise<FinishedRun[]> {
      const rows = await q
        .selectFrom('heartbeat_runs')
        .select(['started_at_ms', 'finished_at_ms', 'duration_ms', 'outcome', 'exit_code'])
        .where('name', '=', name)
        .orderBy('finished_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ startedAtMs: r.started_at_ms, finishedAtMs: r.finished_at_ms, durationMs: r.duration_ms, outcome: r.outcome as FinishedRun['outcome'], exitCode: r.exit_code }));
    },
    /** Durable, strictly increasing seq for the virtual agent's results. */
    async nextSeq(q: Q): Promise<number> {
      const row = await q.updateTable('heartbeat_seq').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('id', '=', 1).returning('last_seq').executeTakeFirst();
      return row?.last_seq ?? 1;
    },
  };
}
export type HeartbeatRepo = ReturnType<typeof createHeartbeatRepo>;
