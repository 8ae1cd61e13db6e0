/** SQLite access for heartbeats: definitions + live state, finished runs, and the virtual agent's result seq. */
import type { Db } from '../store/db.js';
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

interface Row {
  name: string;
  token_sha256: string;
  source: 'config' | 'api';
  target: string;
  period_ms: number | null;
  schedule: string | null;
  timezone: string | null;
  grace_ms: number;
  severity: Severity | null;
  created_at_ms: number;
  status: HeartbeatStatus;
  deadline_ms: number;
  last_ping_ms: number | null;
  last_ping_kind: PingKind | null;
  last_success_ms: number | null;
  started_at_ms: number | null;
  last_duration_ms: number | null;
  last_exit_code: number | null;
}

const toStored = (r: Row): StoredHeartbeat => ({
  name: r.name,
  tokenSha256: r.token_sha256,
  source: r.source,
  target: r.target,
  rule: r.period_ms !== null
    ? { kind: 'period', periodMs: r.period_ms, graceMs: r.grace_ms }
    : { kind: 'cron', schedule: r.schedule ?? '', timezone: r.timezone ?? undefined, graceMs: r.grace_ms },
  severity: r.severity,
  record: {
    createdAtMs: r.created_at_ms,
    status: r.status,
    deadlineMs: r.deadline_ms,
    lastPingMs: r.last_ping_ms,
    lastPingKind: r.last_ping_kind,
    lastSuccessMs: r.last_success_ms,
    startedAtMs: r.started_at_ms,
    lastDurationMs: r.last_duration_ms,
    lastExitCode: r.last_exit_code,
  },
});

const toParams = (hb: StoredHeartbeat) => ({
  name: hb.name,
  token: hb.tokenSha256,
  source: hb.source,
  target: hb.target,
  period: hb.rule.kind === 'period' ? hb.rule.periodMs : null,
  schedule: hb.rule.kind === 'cron' ? hb.rule.schedule : null,
  timezone: hb.rule.kind === 'cron' ? (hb.rule.timezone ?? null) : null,
  grace: hb.rule.graceMs,
  severity: hb.severity,
  created: hb.record.createdAtMs,
  status: hb.record.status,
  deadline: hb.record.deadlineMs,
  lastPing: hb.record.lastPingMs,
  lastKind: hb.record.lastPingKind,
  lastSuccess: hb.record.lastSuccessMs,
  started: hb.record.startedAtMs,
  duration: hb.record.lastDurationMs,
  exitCode: hb.record.lastExitCode,
});

export function createHeartbeatStore(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO heartbeats (name, token_sha256, source, target, period_ms, schedule, timezone, grace_ms, severity, created_at_ms, status,
       deadline_ms, last_ping_ms, last_ping_kind, last_success_ms, started_at_ms, last_duration_ms, last_exit_code)
     VALUES (@name, @token, @source, @target, @period, @schedule, @timezone, @grace, @severity, @created, @status,
       @deadline, @lastPing, @lastKind, @lastSuccess, @started, @duration, @exitCode)
     ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256, source = excluded.source, target = excluded.target,
       period_ms = excluded.period_ms, schedule = excluded.schedule, timezone = excluded.timezone, grace_ms = excluded.grace_ms,
       severity = excluded.severity, status = excluded.status, deadline_ms = excluded.deadline_ms, last_ping_ms = excluded.last_ping_ms,
       last_ping_kind = excluded.last_ping_kind, last_success_ms = excluded.last_success_ms, started_at_ms = excluded.started_at_ms,
       last_duration_ms = excluded.last_duration_ms, last_exit_code = excluded.last_exit_code`,
  );
  const all = db.prepare<[], Row>('SELECT * FROM heartbeats ORDER BY name');
  const remove = db.prepare<[string]>('DELETE FROM heartbeats WHERE name = ?');
  const insertRun = db.prepare(
    'INSERT INTO heartbeat_runs (name, started_at_ms, finished_at_ms, duration_ms, outcome, exit_code) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const runs = db.prepare<[string, number], { started_at_ms: number | null; finished_at_ms: number; duration_ms: number | null; outcome: 'success' | 'fail'; exit_code: number | null }>(
    'SELECT started_at_ms, finished_at_ms, duration_ms, outcome, exit_code FROM heartbeat_runs WHERE name = ? ORDER BY finished_at_ms DESC, id DESC LIMIT ?',
  );
  const nextSeq = db.prepare<[], { last_seq: number }>('UPDATE heartbeat_seq SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq');

  return {
    all: (): StoredHeartbeat[] => all.all().map(toStored),
    save(hb: StoredHeartbeat): void {
      upsert.run(toParams(hb));
    },
    /** Saves the new state and the finished run (if any) together. */
    saveStep: db.transaction((hb: StoredHeartbeat, run: FinishedRun | null) => {
      upsert.run(toParams(hb));
      if (run) insertRun.run(hb.name, run.startedAtMs, run.finishedAtMs, run.durationMs, run.outcome, run.exitCode);
    }),
    remove(name: string): boolean {
      return remove.run(name).changes > 0;
    },
    recentRuns(name: string, limit: number): FinishedRun[] {
      return runs.all(name, limit).map((r) => ({ startedAtMs: r.started_at_ms, finishedAtMs: r.finished_at_ms, durationMs: r.duration_ms, outcome: r.outcome, exitCode: r.exit_code }));
    },
    /** Durable, strictly increasing seq for the virtual agent's results. */
    nextSeq(): number {
      return nextSeq.get()?.last_seq ?? 1;
    },
  };
}
export type HeartbeatStore = ReturnType<typeof createHeartbeatStore>;
