import { describe, expect, it } from 'vitest';
import { latestSnapshotMs, parseFieldPath, selectValues } from '../../../../../agent/checks/backup/snapshots.js';

const RESTIC = JSON.stringify([
  { time: '2024-05-08T03:00:05.123456789+08:00', id: 'a', paths: ['/home'] },
  { time: '2024-05-10T03:00:07.5+08:00', id: 'c' },
  { time: '2024-05-09T03:00:06+08:00', id: 'b' },
]);
const BORG = JSON.stringify({ archives: [{ name: 'vm-1', time: '2024-05-09T01:30:00.000000' }, { name: 'vm-2', start: 'x', time: '2024-05-10T01:30:00.000000' }] });

describe('snapshot listings', () => {
  it('restic: the newest `time` of the array', () => {
    expect(latestSnapshotMs(RESTIC, 'restic')).toEqual({ latestMs: Date.parse('2024-05-10T03:00:07.5+08:00'), count: 3 });
    expect(latestSnapshotMs('[]', 'restic')).toEqual({ latestMs: null, count: 0 });
  });
  it('borg: archives[].time, else archives[].start', () => {
    expect(latestSnapshotMs(BORG, 'borg').latestMs).toBe(Date.parse('2024-05-10T01:30:00.000000'));
    expect(latestSnapshotMs(JSON.stringify({ archives: [{ start: '2024-05-10T01:30:00Z' }] }), 'borg').latestMs).toBe(Date.parse('2024-05-10T01:30:00Z'));
    expect(latestSnapshotMs('{"archives":[]}', 'borg')).toEqual({ latestMs: null, count: 0 });
  });
  it('json with a time_field path', () => {
    const out = JSON.stringify({ jobs: [{ finished_at: 1715310720 }, { finished_at: '2024-05-11T00:00:00Z' }] });
    expect(latestSnapshotMs(out, 'json', '.jobs[].finished_at').latestMs).toBe(Date.parse('2024-05-11T00:00:00Z'));
    expect(latestSnapshotMs(out, 'json', 'jobs[0].finished_at').latestMs).toBe(1715310720000);
    expect(latestSnapshotMs(out, 'json', '.jobs[-1].finished_at').latestMs).toBe(Date.parse('2024-05-11T00:00:00Z'));
    expect(latestSnapshotMs(out, 'json', '.nothing.here')).toEqual({ latestMs: null, count: 0 });
  });
  it.each([
    ['not json', 'restic', undefined, 'output is not JSON'],
    ['{"a":1}', 'restic', undefined, 'restic output must be a JSON array of snapshots'],
    ['[]', 'borg', undefined, 'borg output must have an "archives" array'],
    ['[{"time":"later"}]', 'restic', undefined, 'snapshot time: not a time: "later"'],
    ['{"t":true}', 'json', '.t', 'time_field .t: not a time: true'],
    ['{}', 'json', '.a[x]', 'invalid time_field ".a[x]"'],
  ] as const)('bad output %j (%s) → %s', (stdout, format, field, message) => {
    expect(() => latestSnapshotMs(stdout, format, field)).toThrow(message);
  });
  it('path steps', () => {
    expect(parseFieldPath('.a[].b[-1]')).toEqual([{ kind: 'key', key: 'a' }, { kind: 'each' }, { kind: 'key', key: 'b' }, { kind: 'index', index: -1 }]);
    expect(selectValues({ a: [{ b: [1, 2] }, { b: [3] }, { c: 1 }] }, parseFieldPath('.a[].b[-1]'))).toEqual([2, 3]);
    expect(selectValues([1, 2], parseFieldPath('.[]'))).toEqual([1, 2]);
  });
});
