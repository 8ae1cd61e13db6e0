import { describe, expect, it } from 'vitest';
import { expandWindow, maintenanceIntervals, validateSchedule, windowApplies, type MaintenanceWindow } from '../../../../collector/sla/maintenance.js';
import { formatZoned } from '../../../../collector/sla/zoned-time.js';

const H = 3_600_000;
const fmt = (tz: string) => (i: { startMs: number; endMs: number }) => [formatZoned(tz, i.startMs), formatZoned(tz, i.endMs)];
const all = { targets: [], groups: [] };

describe('maintenance windows', () => {
  it('expands a weekly RRULE in wall time of its zone', () => {
    const w: MaintenanceWindow = {
      name: 'tuesday',
      ...all,
      schedule: { kind: 'rrule', rule: 'DTSTART:20240101T220000\nRRULE:FREQ=WEEKLY;BYDAY=TU', durationMs: 2 * H, timeZone: 'Asia/Shanghai' },
    };
    const out = expandWindow(w, Date.parse('2024-10-01T00:00:00+08:00'), Date.parse('2024-10-15T00:00:00+08:00'));
    expect(out.map(fmt('Asia/Shanghai'))).toEqual([
      ['2024-10-01T22:00:00+08:00', '2024-10-02T00:00:00+08:00'],
      ['2024-10-08T22:00:00+08:00', '2024-10-09T00:00:00+08:00'],
    ]);
  });

  it('keeps an RRULE window at local 22:00 across a DST change', () => {
    const w: MaintenanceWindow = {
      name: 'sunday',
      ...all,
      schedule: { kind: 'rrule', rule: 'DTSTART:20240101T220000\nRRULE:FREQ=WEEKLY;BYDAY=SU', durationMs: H, timeZone: 'Europe/Berlin' },
    };
    const out = expandWindow(w, Date.parse('2024-10-20T00:00:00Z'), Date.parse('2024-11-01T00:00:00Z'));
    expect(out.map((i) => new Date(i.startMs).toISOString())).toEqual(['2024-10-20T20:00:00.000Z', '2024-10-27T21:00:00.000Z']);
  });

  it('expands cron with a duration and clips windows to the range', () => {
    const w: MaintenanceWindow = { name: 'nightly', ...all, schedule: { kind: 'cron', pattern: '0 23 * * *', durationMs: 2 * H, timeZone: 'Asia/Shanghai' } };
    // From 00:30 on Oct 2: the Oct 1 23:00 window still overlaps (until 01:00) and is clipped.
    const out = expandWindow(w, Date.parse('2024-10-02T00:30:00+08:00'), Date.parse('2024-10-03T23:30:00+08:00'));
    expect(out.map(fmt('Asia/Shanghai'))).toEqual([
      ['2024-10-02T00:30:00+08:00', '2024-10-02T01:00:00+08:00'],
      ['2024-10-02T23:00:00+08:00', '2024-10-03T01:00:00+08:00'],
      ['2024-10-03T23:00:00+08:00', '2024-10-03T23:30:00+08:00'],
    ]);
  });

  it('scopes windows to targets and groups and merges overlaps', () => {
    const windows: MaintenanceWindow[] = [
      { name: 'a', targets: ['db1'], groups: [], schedule: { kind: 'once', startMs: 0, endMs: 10 } },
      { name: 'b', targets: [], groups: ['core'], schedule: { kind: 'once', startMs: 5, endMs: 20 } },
      { name: 'c', ...all, schedule: { kind: 'once', startMs: 30, endMs: 40 } },
      { name: 'd', targets: ['web1'], groups: [], schedule: { kind: 'once', startMs: 50, endMs: 60 } },
    ];
    expect(windowApplies(windows[0]!, 'db1', [])).toBe(true);
    expect(windowApplies(windows[0]!, 'db2', [])).toBe(false);
    expect(maintenanceIntervals(windows, 'db1', ['core'], 0, 100)).toEqual([
      { startMs: 0, endMs: 20 },
      { startMs: 30, endMs: 40 },
    ]);
    expect(maintenanceIntervals(windows, 'db2', [], 0, 35)).toEqual([{ startMs: 30, endMs: 35 }]);
  });

  it('validates rules', () => {
    expect(validateSchedule({ kind: 'rrule', rule: 'RRULE:FREQ=DAILY', durationMs: H, timeZone: 'UTC' })).toContain('DTSTART');
    expect(validateSchedule({ kind: 'rrule', rule: 'DTSTART:20240101T220000Z\nRRULE:FREQ=DAILY', durationMs: H, timeZone: 'UTC' })).toContain('no Z');
    expect(validateSchedule({ kind: 'cron', pattern: 'not a cron', durationMs: H, timeZone: 'UTC' })).not.toBeNull();
    expect(validateSchedule({ kind: 'cron', pattern: '0 3 * * 0', durationMs: H, timeZone: 'UTC' })).toBeNull();
  });
});
