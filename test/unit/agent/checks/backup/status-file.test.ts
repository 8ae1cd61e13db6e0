import { describe, expect, it } from 'vitest';
import { parseStatusText, parseTime, statusFacts } from '../../../../../agent/checks/backup/status-file.js';

describe('parseTime', () => {
  it.each([
    ['2024-05-10T03:12:00Z', 1715310720000],
    ['2024-05-10T11:12:00+08:00', 1715310720000],
    [1715310720, 1715310720000],
    ['1715310720', 1715310720000],
    ['yesterday', null],
    ['', null],
    [-1, null],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });
});

describe('parseStatusText', () => {
  it('reads JSON', () => {
    expect(parseStatusText('{"exit_code":0,"finished_at":"2024-05-10T03:12:00Z"}')).toEqual({ ok: true, record: { exitCode: 0, finishedAtMs: 1715310720000 } });
  });
  it('reads key=value lines with comments, quotes and last_success_at', () => {
    const text = '# written by backup.sh\nexit_code=2\nfinished_at="2024-05-10T03:12:00Z"\nlast_success_at=1715224320\nhost=db1\n';
    expect(parseStatusText(text)).toEqual({ ok: true, record: { exitCode: 2, finishedAtMs: 1715310720000, lastSuccessAtMs: 1715224320000 } });
  });
  it.each([
    ['', 'file is empty'],
    ['{"exit_code":0,', 'invalid JSON: '],
    ['{"finished_at":"2024-05-10T03:12:00Z"}', 'exit_code: missing'],
    ['{"exit_code":"zero","finished_at":"2024-05-10T03:12:00Z"}', 'exit_code: must be an integer, got'] ,
    ['{"exit_code":1.5,"finished_at":"2024-05-10T03:12:00Z"}', 'exit_code: must be an integer, got'] ,
    ['{"exit_code":0,"finished_at":"soon"}', 'finished_at: not a time: "soon" (ISO 8601 or epoch seconds)'],
    ['exit_code=0', 'finished_at: missing'],
    ['[1,', 'invalid JSON'],
    ['[0]', 'expected a JSON object'],
    ['exit_code=0\nthis is not a pair', 'line 2: expected key=value, got "this is not a pair"'],
  ])('bad content %j names the problem', (text, problem) => {
    const parsed = parseStatusText(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe('statusFacts', () => {
  it('success → last success is finished_at', () => {
    expect(statusFacts('/s', { exitCode: 0, finishedAtMs: 5 })).toEqual({ source: '/s', lastSuccessMs: 5 });
  });
  it('failure → failed with the code; last success from last_success_at or none', () => {
    expect(statusFacts('/s', { exitCode: 4, finishedAtMs: 9, lastSuccessAtMs: 2 })).toMatchObject({ lastSuccessMs: 2, failure: { exitCode: 4, atMs: 9 } });
    expect(statusFacts('/s', { exitCode: 4, finishedAtMs: 9 })).toMatchObject({ lastSuccessMs: null, failure: { exitCode: 4, atMs: 9 } });
  });
});
