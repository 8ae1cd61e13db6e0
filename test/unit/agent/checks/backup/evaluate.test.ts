import { describe, expect, it } from 'vitest';
import { evaluateBackup, type BackupPolicy } from '../../../../../agent/checks/backup/evaluate.js';
import { lastExpectedStart } from '../../../../../agent/checks/backup/schedule.js';

const H = 3_600_000;
const NOW = Date.parse('2024-05-10T12:00:00Z');
const byAge: BackupPolicy = { maxAgeMs: 26 * H, sizeDropPercent: 50, minFiles: 1 };
const nightly: BackupPolicy = { schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai', graceMs: 30 * 60_000 }, sizeDropPercent: 50, minFiles: 1 };

describe('lastExpectedStart (03:00 Asia/Shanghai = 19:00 UTC the day before)', () => {
  const rule = nightly.schedule!;
  it.each([
    ['2024-05-09T19:29:59Z', '2024-05-08T19:00:00.000Z'], // inside the grace: yesterday's run is the one due
    ['2024-05-09T19:30:00Z', '2024-05-09T19:00:00.000Z'], // grace over: today's run must be there
    ['2024-05-10T12:00:00Z', '2024-05-09T19:00:00.000Z'],
  ])('at %s the run due started %s', (now, expected) => {
    expect(new Date(lastExpectedStart(rule, Date.parse(now))!).toISOString()).toBe(expected);
  });
  it('with no zone uses the process zone; a run at the same second counts', () => {
    expect(lastExpectedStart({ cron: '0 * * * *', timezone: 'UTC', graceMs: 0 }, Date.parse('2024-05-10T12:00:00Z'))).toBe(Date.parse('2024-05-10T12:00:00Z'));
  });
});

describe('evaluateBackup', () => {
  it('ok: recent enough, reports age and size', () => {
    const o = evaluateBackup({ source: '/b/*.gz', lastSuccessMs: NOW - 2 * H, sizeBytes: 1000, fileCount: 3, newestPath: '/b/x.gz' }, byAge, NOW);
    expect(o).toEqual({
      state: 'ok',
      message: 'backup ok: last success 2h ago, 1000 B (/b/*.gz)',
      code: 'backup.ok',
      params: { age_s: 7200, size: 1000, source: '/b/*.gz' },
      metrics: { age_s: 7200, size_bytes: 1000, file_count: 3 },
      details: { status: 'ok', last_success: '2024-05-10T10:00:00.000Z', newest_file: '/b/x.gz' },
    });
  });

  it('late by max_age', () => {
    const o = evaluateBackup({ source: 's', lastSuccessMs: NOW - 27 * H }, byAge, NOW);
    expect(o.state).toBe('crit');
    expect(o.details?.status).toBe('late');
    expect(o.message).toBe('last success 1d3h ago (2024-05-09T09:00:00.000Z) > max_age 1d2h (s)');
    expect(o.metrics.age_s).toBe(27 * 3600);
  });

  it('never is distinct from late', () => {
    const o = evaluateBackup({ source: '/b/*.gz', lastSuccessMs: null, neverReason: 'no file matches', fileCount: 0 }, byAge, NOW);
    expect(o.state).toBe('crit');
    expect(o.details?.status).toBe('never');
    expect(o.message).toBe('no successful backup: no file matches (/b/*.gz)');
    expect(o.metrics).toEqual({ file_count: 0 });
  });

  it('schedule: yesterday evening (Shanghai) backup is late once today 03:30 passed', () => {
    // last success 2024-05-08 20:00 UTC = 05-09 04:00 Shanghai; the run due started 05-09 19:00 UTC (05-10 03:00)
    const o = evaluateBackup({ source: 's', lastSuccessMs: Date.parse('2024-05-08T20:00:00Z') }, nightly, NOW);
    expect(o.details?.status).toBe('late');
    expect(o.details?.expected_since).toBe('2024-05-09T19:00:00.000Z');
    expect(o.message).toContain('the run scheduled at 2024-05-09T19:00:00.000Z (0 3 * * * Asia/Shanghai, grace 30m) has not produced one');
  });

  it('schedule: a backup finished after the scheduled start is on time', () => {
    const o = evaluateBackup({ source: 's', lastSuccessMs: Date.parse('2024-05-09T19:12:00Z') }, nightly, NOW);
    expect(o.state).toBe('ok');
    expect(o.details?.expected_since).toBe('2024-05-09T19:00:00.000Z');
  });

  it('failed: the exit code is in the message and metrics; the last success age is kept', () => {
    const o = evaluateBackup({ source: 'st', lastSuccessMs: NOW - 30 * H, failure: { exitCode: 3, atMs: NOW - H } }, byAge, NOW);
    expect(o.details?.status).toBe('failed');
    expect(o.message).toBe('last backup run failed with exit code 3 at 2024-05-10T11:00:00.000Z; last success 1d6h ago (2024-05-09T06:00:00.000Z) > max_age 1d2h (st)');
    expect(o.metrics).toEqual({ exit_code: 3, age_s: 30 * 3600 });
  });

  it('never wins over failed when nothing ever succeeded', () => {
    const o = evaluateBackup({ source: 'st', lastSuccessMs: null, neverReason: 'the status file records no successful run', failure: { exitCode: 1, atMs: null } }, byAge, NOW);
    expect(o.details?.status).toBe('never');
    expect(o.message).toBe('last backup run failed with exit code 1; no successful backup: the status file records no successful run (st)');
  });

  it('too_small: zero bytes, below min_size, below half the median, too few files', () => {
    const fresh = { source: 's', lastSuccessMs: NOW - H };
    expect(evaluateBackup({ ...fresh, sizeBytes: 0 }, byAge, NOW).message).toBe('backup is empty (0 bytes) (s)');
    const minSize = evaluateBackup({ ...fresh, sizeBytes: 99 }, { ...byAge, minSizeBytes: 100 }, NOW);
    expect([minSize.state, minSize.details?.status, minSize.message]).toEqual(['crit', 'too_small', 'backup size 99 B < min_size 100 B (s)']);
    const drop = evaluateBackup({ ...fresh, sizeBytes: 400, previousSizes: [1000, 900, 1100, 1000] }, byAge, NOW);
    expect(drop.message).toBe('backup size 400 B is 40% of the median 1000 B of the last 4 (< 50%) (s)');
    expect(drop.metrics.size_median_bytes).toBe(1000);
    expect(evaluateBackup({ ...fresh, sizeBytes: 501, previousSizes: [1000, 1000, 1000] }, byAge, NOW).state).toBe('ok');
    expect(evaluateBackup({ ...fresh, sizeBytes: 10, previousSizes: [1000, 1000] }, byAge, NOW).state).toBe('ok'); // too little history
    expect(evaluateBackup({ ...fresh, sizeBytes: 10, previousSizes: [1000, 1000, 1000] }, { ...byAge, sizeDropPercent: 0 }, NOW).state).toBe('ok');
    const few = evaluateBackup({ ...fresh, sizeBytes: 10, fileCount: 2 }, { ...byAge, minFiles: 7 }, NOW);
    expect(few.message).toBe('2 files match, expected at least 7 (s)');
  });

  it('late and too small: status late, both reasons listed', () => {
    const o = evaluateBackup({ source: 's', lastSuccessMs: NOW - 48 * H, sizeBytes: 0 }, byAge, NOW);
    expect(o.details?.status).toBe('late');
    expect(o.message).toBe('last success 2d ago (2024-05-08T12:00:00.000Z) > max_age 1d2h; backup is empty (0 bytes) (s)');
  });
});
