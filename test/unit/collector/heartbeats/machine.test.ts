import { describe, expect, it } from 'vitest';
import { applyPing, newRecord, passDeadlines } from '../../../../collector/heartbeats/machine.js';
import { deadlineAfter, longestGapS, type HeartbeatRule } from '../../../../collector/heartbeats/schedule.js';

const T0 = Date.parse('2024-05-10T00:00:00Z');
const MIN = 60_000;
const hourly: HeartbeatRule = { kind: 'period', periodMs: 60 * MIN, graceMs: 10 * MIN };
const nightly: HeartbeatRule = { kind: 'cron', schedule: '0 3 * * *', timezone: 'Asia/Shanghai', graceMs: 30 * MIN };

describe('heartbeat schedule', () => {
  it('period: ref + period + grace', () => {
    expect(deadlineAfter(hourly, T0)).toBe(T0 + 70 * MIN);
  });
  it('cron: the next 03:00 Shanghai (19:00 UTC) after ref, plus grace', () => {
    expect(new Date(deadlineAfter(nightly, Date.parse('2024-05-10T18:59:00Z'))).toISOString()).toBe('2024-05-10T19:30:00.000Z');
    expect(new Date(deadlineAfter(nightly, Date.parse('2024-05-10T19:05:00Z'))).toISOString()).toBe('2024-05-11T19:30:00.000Z');
  });
  it('longest gap: period + grace; weekday cron spans the weekend', () => {
    expect(longestGapS(hourly, T0)).toBe(4200);
    expect(longestGapS({ kind: 'cron', schedule: '0 3 * * 1-5', timezone: 'UTC', graceMs: 0 }, T0)).toBe(3 * 86_400);
  });
});

describe('heartbeat machine', () => {
  it('never seen: nothing before the first deadline, one CRIT dated at it afterwards', () => {
    const r = newRecord(hourly, T0);
    expect(passDeadlines(hourly, r, T0 + 70 * MIN - 1).observation).toBeNull();
    const step = passDeadlines(hourly, r, T0 + 70 * MIN);
    expect(step.record).toMatchObject({ status: 'never', deadlineMs: T0 + 130 * MIN });
    expect(step.observation).toEqual({ state: 'crit', atMs: T0 + 70 * MIN, message: 'never seen: no heartbeat ever received; expected by 2024-05-10T01:10:00.000Z', code: 'heartbeat.never', params: { missed: 1 }, metrics: { up: 0 } });
  });

  it('several missed deadlines at once: one observation, counted, deadline moved past now', () => {
    const step = passDeadlines(hourly, newRecord(hourly, T0), T0 + 250 * MIN);
    expect(step.observation?.message).toBe('never seen: no heartbeat ever received; expected by 2024-05-10T01:10:00.000Z (4 deadlines missed)');
    expect(step.record.deadlineMs).toBe(T0 + 310 * MIN);
  });

  it('start → success: duration, OK, next deadline from the success', () => {
    let r = applyPing(hourly, newRecord(hourly, T0), 'start', T0 + 5 * MIN, null).record;
    expect(r.startedAtMs).toBe(T0 + 5 * MIN);
    const done = applyPing(hourly, r, 'success', T0 + 7 * MIN, 0);
    r = done.record;
    expect(r).toMatchObject({ status: 'ok', lastSuccessMs: T0 + 7 * MIN, startedAtMs: null, lastDurationMs: 2 * MIN, deadlineMs: T0 + 77 * MIN });
    expect(done.run).toEqual({ startedAtMs: T0 + 5 * MIN, finishedAtMs: T0 + 7 * MIN, durationMs: 2 * MIN, outcome: 'success', exitCode: 0 });
    expect(done.observation).toEqual({ state: 'ok', atMs: T0 + 7 * MIN, message: 'heartbeat received after 2m; next expected by 2024-05-10T01:17:00.000Z', code: 'heartbeat.ok', params: { duration_s: 120 }, metrics: { duration_ms: 120_000, exit_code: 0, up: 1, age_s: 0 } });
  });

  it('late after a success; fail names the exit code; a fail-only history is late, not never', () => {
    const ok = applyPing(hourly, newRecord(hourly, T0), 'success', T0, null).record;
    const late = passDeadlines(hourly, ok, T0 + 71 * MIN);
    expect(late.record.status).toBe('late');
    expect(late.observation).toMatchObject({ state: 'crit', atMs: T0 + 70 * MIN, metrics: { up: 0, age_s: 4200 } });
    expect(late.observation?.message).toBe('late: last success 2024-05-10T00:00:00.000Z; expected by 2024-05-10T01:10:00.000Z');

    const failed = applyPing(hourly, newRecord(hourly, T0), 'fail', T0 + MIN, 4);
    expect(failed.observation).toMatchObject({ state: 'crit', message: 'job reported failure (exit code 4)', metrics: { exit_code: 4, up: 0 } });
    expect(failed.run).toMatchObject({ outcome: 'fail', durationMs: null, exitCode: 4 });
    const after = passDeadlines(hourly, failed.record, T0 + 200 * MIN);
    expect(after.record.status).toBe('late');
    expect(after.observation?.message).toContain('late: no success yet (last ping 2024-05-10T00:01:00.000Z)');
  });
});
