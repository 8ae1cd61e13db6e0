/**
 * One heartbeat's state (pure): pings (`success`, `start`, `fail`) and the passing of deadlines on the
 * collector's clock. Each transition may yield an observation for the state history (OK on success, CRIT on
 * failure, CRIT "late" / "never" when a deadline passes) and a finished run (start → success/fail duration).
 */
import { formatDurationMs } from '../../common/duration.js';
import type { CheckState } from '../../common/protocol.js';
import { deadlineAfter, type HeartbeatRule } from './schedule.js';

export type HeartbeatStatus = 'new' | 'ok' | 'failed' | 'late' | 'never';
export type PingKind = 'success' | 'start' | 'fail';

export interface HeartbeatRecord {
  createdAtMs: number;
  status: HeartbeatStatus;
  deadlineMs: number;
  lastPingMs: number | null;
  lastPingKind: PingKind | null;
  lastSuccessMs: number | null;
  /** A `start` not yet followed by success/fail. */
  startedAtMs: number | null;
  lastDurationMs: number | null;
  lastExitCode: number | null;
}

export interface HeartbeatObservation {
  state: CheckState;
  atMs: number;
  message: string;
  /** The finding as code + params (common/findings/collector.ts), rendered in the reader's language. */
  code: string;
  params: Record<string, number>;
  metrics: Record<string, number>;
}

export interface FinishedRun {
  startedAtMs: number | null;
  finishedAtMs: number;
  durationMs: number | null;
  outcome: 'success' | 'fail';
  exitCode: number | null;
}

export interface Step {
  record: HeartbeatRecord;
  observation: HeartbeatObservation | null;
  run: FinishedRun | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function newRecord(rule: HeartbeatRule, createdAtMs: number): HeartbeatRecord {
  return {
    createdAtMs,
    status: 'new',
    deadlineMs: deadlineAfter(rule, createdAtMs),
    lastPingMs: null,
    lastPingKind: null,
    lastSuccessMs: null,
    startedAtMs: null,
    lastDurationMs: null,
    lastExitCode: null,
  };
}

/** Deadlines passed by `nowMs`: one CRIT observation dated at the first missed deadline; the deadline moves on. */
export function passDeadlines(rule: HeartbeatRule, record: HeartbeatRecord, nowMs: number): Step {
  if (nowMs < record.deadlineMs) return { record, observation: null, run: null };
  const firstMissed = record.deadlineMs;
  let deadline = record.deadlineMs;
  let missed = 0;
  while (deadline <= nowMs && missed < 100_000) {
    deadline = deadlineAfter(rule, deadline - rule.graceMs);
    missed++;
  }
  const never = record.lastPingMs === null;
  const status: HeartbeatStatus = never ? 'never' : 'late';
  const since = record.lastSuccessMs !== null
    ? `last success ${iso(record.lastSuccessMs)}`
    : record.lastPingMs !== null ? `no success yet (last ping ${iso(record.lastPingMs)})` : 'no heartbeat ever received';
  const message = `${never ? 'never seen' : 'late'}: ${since}; expected by ${iso(firstMissed)}${missed > 1 ? ` (${missed} deadlines missed)` : ''}`;
  const metrics: Record<string, number> = { up: 0 };
  if (record.lastSuccessMs !== null) metrics.age_s = Math.round((firstMissed - record.lastSuccessMs) / 1000);
  return {
    record: { ...record, status, deadlineMs: deadline },
    observation: {
      state: 'crit',
      atMs: firstMissed,
      message,
      code: never ? 'heartbeat.never' : 'heartbeat.late',
      params: { missed, ...(record.lastSuccessMs !== null ? { since_success_s: Math.round((firstMissed - record.lastSuccessMs) / 1000) } : {}) },
      metrics,
    },
    run: null,
  };
}

/** A ping at `atMs` (deadlines passed before it must be applied first with passDeadlines). */
export function applyPing(rule: HeartbeatRule, record: HeartbeatRecord, kind: PingKind, atMs: number, exitCode: number | null): Step {
  const base = { ...record, lastPingMs: atMs, lastPingKind: kind };
  if (kind === 'start') return { record: { ...base, startedAtMs: atMs }, observation: null, run: null };
  const durationMs = record.startedAtMs !== null && record.startedAtMs <= atMs ? atMs - record.startedAtMs : null;
  const run: FinishedRun = { startedAtMs: record.startedAtMs, finishedAtMs: atMs, durationMs, outcome: kind, exitCode };
  const metrics: Record<string, number> = {};
  if (durationMs !== null) metrics.duration_ms = durationMs;
  if (exitCode !== null) metrics.exit_code = exitCode;
  const took = durationMs !== null ? ` after ${formatDurationMs(durationMs)}` : '';
  const tookParams: Record<string, number> = durationMs !== null ? { duration_s: Math.round(durationMs / 1000) } : {};
  const next = {
    ...base,
    startedAtMs: null,
    lastDurationMs: durationMs ?? record.lastDurationMs,
    lastExitCode: exitCode,
    // The next run is due on the schedule whether this one succeeded or failed.
    deadlineMs: deadlineAfter(rule, atMs),
  };
  if (kind === 'fail') {
    return {
      record: { ...next, status: 'failed' },
      observation: {
        state: 'crit',
        atMs,
        message: `job reported failure${exitCode !== null ? ` (exit code ${exitCode})` : ''}${took}`,
        code: 'heartbeat.failed',
        params: { ...(exitCode !== null ? { exit_code: exitCode } : {}), ...tookParams },
        metrics: { ...metrics, up: 0 },
      },
      run,
    };
  }
  return {
    record: { ...next, status: 'ok', lastSuccessMs: atMs },
    observation: { state: 'ok', atMs, message: `heartbeat received${took}; next expected by ${iso(next.deadlineMs)}`, code: 'heartbeat.ok', params: tookParams, metrics: { ...metrics, up: 1, age_s: 0 } },
    run,
  };
}
