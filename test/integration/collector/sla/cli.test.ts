/**
 * Runs the built `outpost sla due|elapsed` as a child process: exact output, exit codes and one-line reasons.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
// Built once by test/global-setup.ts.
const BIN = join(ROOT, 'dist/bin/outpost.js');
const run = promisify(execFile);
let dir = '';

async function outpost(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing (test/global-setup.ts builds it)`);
  dir = await mkdtemp(join(tmpdir(), 'outpost-sla-cli-'));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('outpost sla due', () => {
  it('skips 2024 National Day on the built-in 5x8 calendar', async () => {
    const r = await outpost('sla', 'due', '--calendar', '5x8', '--start', '2024-09-30T16:00+08:00', '--duration', '4h');
    expect(r).toEqual({ code: 0, stdout: '2024-10-08T11:30:00+08:00\n', stderr: '' });
  });

  it('uses 08:00–17:00 on 5x8-0800 and plain time on 24x7; start without offset is calendar time', async () => {
    expect((await outpost('sla', 'due', '--calendar', '5x8-0800', '--start', '2024-09-30T16:00', '--duration', '4h')).stdout).toBe('2024-10-08T11:00:00+08:00\n');
    expect((await outpost('sla', 'due', '--calendar', '24x7', '--start', '2024-09-30T08:00:00Z', '--duration', '1h30m')).stdout).toBe(
      '2024-09-30T17:30:00+08:00\n',
    );
  });

  it('warns on stderr for a year without holiday data, still answering', async () => {
    const r = await outpost('sla', 'due', '--calendar', '5x8', '--start', '2027-01-04T09:00', '--duration', '4h');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2027-01-04T13:00:00+08:00\n');
    expect(r.stderr).toContain('warning: calendar "5x8": no holiday data for 2027');
    expect(r.stderr).toContain('figures for 2027 use weekends only');
  });

  it('counts working days: Monday 10:00 + 2wd on 5x8 is Wednesday 10:00', async () => {
    const r = await outpost('sla', 'due', '--calendar', '5x8', '--start', '2024-11-04T10:00', '--duration', '2wd');
    expect(r).toEqual({ code: 0, stdout: '2024-11-06T10:00:00+08:00\n', stderr: '' });
  });

  it('applies sla.holiday_data years from --config to built-in calendars, silencing the warning', async () => {
    await writeFile(
      join(dir, 'holidays.yaml'),
      'sla:\n  holiday_data:\n    cn:\n      "2027":\n        off: ["2027-01-01", "2027-02-06..2027-02-13"]\n        work: ["2027-02-14"]\n',
    );
    // Fri 2027-02-05 16:00 + 4h on 5x8: the Spring Festival week is off, Sun 02-14 is a make-up day → Sun 11:30.
    const r = await outpost('sla', 'due', '--calendar', '5x8', '--start', '2027-02-05T16:00', '--duration', '4h', '--config', 'holidays.yaml');
    expect(r).toEqual({ code: 0, stdout: '2027-02-14T11:30:00+08:00\n', stderr: '' });
  });

  it('reads calendars from the sla section of a collector config, passing other keys through', async () => {
    const file = join(dir, 'collector.yaml');
    await writeFile(
      file,
      ['broker: { url: mqtt://127.0.0.1:1883 }', 'sla:', '  calendars:', '    office:', "      hours: ['mon-fri 08:00-12:00,13:00-17:00']", '      extra_holidays: [2024-11-05]', ''].join('\n'),
    );
    const r = await outpost('sla', 'due', '--calendar', 'office', '--start', '2024-11-04T11:00', '--duration', '8h', '--config', 'collector.yaml');
    // Mon 11–12 + 13–17 = 5 h, Tue is an extra holiday, Wed 08–11 = 3 h.
    expect(r).toEqual({ code: 0, stdout: '2024-11-06T11:00:00+08:00\n', stderr: '' });
  });
});

describe('outpost sla elapsed', () => {
  it('prints working seconds: Sep 28 … Oct 14 2024 on 5x8 = 7 days × 8.5 h', async () => {
    const r = await outpost('sla', 'elapsed', '--calendar', '5x8', '--from', '2024-09-28T00:00', '--to', '2024-10-14T00:00');
    expect(r).toEqual({ code: 0, stdout: '214200\n', stderr: '' });
  });
});

describe('bad input: one-line reason, non-zero exit', () => {
  const cases: [string, string[], string][] = [
    ['unknown calendar', ['due', '--calendar', 'office', '--start', '2024-10-01T00:00', '--duration', '1h'], 'outpost: unknown calendar "office" (known: 24x7, 5x8, 5x8-0800)\n'],
    ['bad instant', ['due', '--calendar', '5x8', '--start', '2024-02-30T09:00', '--duration', '1h'], 'outpost: --start: invalid ISO 8601 instant "2024-02-30T09:00" (e.g. 2024-09-30T16:00+08:00)\n'],
    ['bad duration', ['due', '--calendar', '5x8', '--start', '2024-10-01T09:00', '--duration', 'soon'], 'outpost: --duration: invalid duration "soon" (use e.g. 30m, 4h, 2wd)\n'],
    ['days on a business calendar', ['due', '--calendar', '5x8', '--start', '2024-10-01T09:00', '--duration', '2d'], 'outpost: --duration: "2d" is ambiguous on business calendar "5x8": use 2wd for working days, or 48h\n'],
    ['working days on 24x7', ['due', '--calendar', '24x7', '--start', '2024-10-01T09:00', '--duration', '2wd'], 'outpost: --duration: "2wd" counts working days, but calendar "24x7" runs around the clock: use 2d (= 48h)\n'],
    ['reversed range', ['elapsed', '--calendar', '5x8', '--from', '2024-10-02', '--to', '2024-10-01'], 'outpost: --to is before --from\n'],
    ['missing config', ['due', '--calendar', '5x8', '--start', '2024-10-01T09:00', '--duration', '1h', '--config', 'nope.yaml'], 'cannot read'],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await outpost('sla', ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toContain(message);
    });
  }

  it('names the bad config field', async () => {
    await writeFile(join(dir, 'bad.yaml'), "sla:\n  calendars:\n    office: { hours: ['mon-fry 09:00-17:00'] }\n");
    const r = await outpost('sla', 'due', '--calendar', 'office', '--start', '2024-10-01T09:00', '--duration', '1h', '--config', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('outpost: bad.yaml: sla.calendars.office.hours: bad day range "mon-fry" (use e.g. mon-fri, sat, mon,wed)\n');
  });

  it('rejects a missing required option through commander', async () => {
    const r = await outpost('sla', 'due', '--calendar', '5x8');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("required option '--start <iso>' not specified");
  });
});

describe('outpost sla holidays import', () => {
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//outpost test//holidays//ZH',
    'BEGIN:VEVENT',
    'UID:ny-2027',
    'DTSTART;VALUE=DATE:20270101',
    'SUMMARY:元旦',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:sf-2027',
    'DTSTART;VALUE=DATE:20270206',
    'DTEND;VALUE=DATE:20270214',
    'SUMMARY:春节',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:sf-work-2027',
    'DTSTART;VALUE=DATE:20270214',
    'SUMMARY:春节补班',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:meeting',
    'DTSTART:20270301T090000',
    'DTEND:20270301T100000',
    'SUMMARY:review',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  it('prints the holiday_data block with the mapping beside it, and the block loads as config', async () => {
    await writeFile(join(dir, 'cn-2027.ics'), ics);
    const r = await outpost('sla', 'holidays', 'import', 'cn-2027.ics', '--set', 'cn');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines).toContain('#   off   2027-01-01  "元旦"');
    expect(lines).toContain('#   off   2027-02-06..2027-02-13  "春节"');
    expect(lines).toContain('#   work  2027-02-14  "春节补班"');
    expect(r.stdout).toContain('#   skipped   2027-03-01T09:00:00  "review" (has a time of day: not an all-day event)');
    expect(r.stdout).toContain(['sla:', '  holiday_data:', '    cn:', '      "2027":', '        off: ["2027-01-01", "2027-02-06..2027-02-13"]', '        work: ["2027-02-14"]', ''].join('\n'));
    await writeFile(join(dir, 'imported.yaml'), r.stdout);
    const due = await outpost('sla', 'due', '--calendar', '5x8', '--start', '2027-02-05T16:00', '--duration', '4h', '--config', 'imported.yaml');
    expect(due).toEqual({ code: 0, stdout: '2027-02-14T11:30:00+08:00\n', stderr: '' });
  });

  it('names a broken file, a missing file and an unknown set in one line', async () => {
    await writeFile(join(dir, 'broken.ics'), 'BEGIN:VCALENDAR\nthis is not ical\n');
    const broken = await outpost('sla', 'holidays', 'import', 'broken.ics');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^outpost: broken\.ics: not an iCalendar file: .+\n$/);
    expect(await outpost('sla', 'holidays', 'import', 'missing.ics')).toMatchObject({ code: 2, stderr: 'outpost: missing.ics: no such file\n' });
    expect(await outpost('sla', 'holidays', 'import', 'cn-2027.ics', '--set', 'us')).toMatchObject({ code: 2, stderr: 'outpost: --set: unknown holiday set "us" (known: cn)\n' });
  });
});
