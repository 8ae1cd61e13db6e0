import { describe, expect, it } from 'vitest';
import { backupCheck } from '../../../../../agent/checks/backup/check.js';

const parse = (cfg: Record<string, unknown>) => backupCheck.configSchema.safeParse(cfg);
const problems = (cfg: Record<string, unknown>) => {
  const r = parse(cfg);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('backup config', () => {
  it('defaults', () => {
    const r = parse({ path: '/b/*.gz', max_age: '26h' });
    expect(r.success && r.data).toMatchObject({ path: '/b/*.gz', max_age: 26 * 3_600_000, grace: 1_800_000, size_drop_percent: 50, size_history: 7, min_files: 1, env: {} });
  });
  it.each([
    [{ max_age: '1d' }, 'path: set exactly one of path, status_file, command'],
    [{ path: '/a', status_file: '/b', max_age: '1d' }, 'status_file: set exactly one of path, status_file, command'],
    [{ path: '/a' }, 'max_age: set exactly one of max_age, schedule'],
    [{ path: '/a', max_age: '1d', schedule: '0 3 * * *' }, 'schedule: set exactly one of max_age, schedule'],
    [{ path: 'relative/*.gz', max_age: '1d' }, 'path: must be an absolute path'],
    [{ path: '/a', schedule: '0 25 * * *' }, 'schedule: invalid cron pattern: '],
    [{ path: '/a', schedule: '0 3 * * *', timezone: 'Mars/Olympus' }, 'timezone: unknown time zone'],
    [{ path: '/a', max_age: '1d', timezone: 'Asia/Shanghai' }, 'timezone: only valid with schedule'],
    [{ status_file: '/s', max_age: '1d', min_size: '1MB' }, 'min_size: only valid with path'],
    [{ path: '/a', max_age: '1d', min_size: 'big' }, 'min_size: invalid size "big"'],
    [{ path: '/a', max_age: '1d', format: 'borg' }, 'format: only valid with command'],
    [{ command: ['x'], max_age: '1d', format: 'json' }, 'time_field: required with format: json'],
    [{ command: ['x'], max_age: '1d', format: 'borg', time_field: '.t' }, 'time_field: only valid with format: json'],
    [{ command: [], max_age: '1d' }, 'command: Too small'],
    [{ path: '/a', max_age: '10s' }, 'max_age: duration "10s" must be between 1m and 400d'],
    [{ path: '/a', max_age: '1d', surprise: 1 }, 'Unrecognized key: "surprise"'],
  ])('%j → %s', (cfg, expected) => {
    expect(problems(cfg).join('\n')).toContain(expected);
  });
});
