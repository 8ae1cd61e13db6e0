import { describe, expect, it } from 'vitest';
import { timeParam, windowQuery } from '../../../../collector/api/params.js';

describe('API query parameters', () => {
  it('time: epoch milliseconds or ISO 8601', () => {
    expect(timeParam.parse('1700000000000')).toBe(1_700_000_000_000);
    expect(timeParam.parse('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(timeParam.parse('2024-01-01T08:00:00+08:00')).toBe(Date.UTC(2024, 0, 1));
    const bad = timeParam.safeParse('yesterday');
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]!.message).toBe('must be epoch milliseconds or an ISO 8601 time');
  });

  it('window: defaults to the last 24 h before `to` (or now)', () => {
    const now = () => 10 * 86_400_000;
    expect(windowQuery(now).parse({})).toEqual({ from: 9 * 86_400_000, to: 10 * 86_400_000 });
    expect(windowQuery(now).parse({ to: '5000' })).toEqual({ from: 5000 - 86_400_000, to: 5000 });
    expect(windowQuery(now).parse({ from: '1000', to: '2000' })).toEqual({ from: 1000, to: 2000 });
    const reversed = windowQuery(now).safeParse({ from: '2000', to: '1000' });
    expect(reversed.success).toBe(false);
    if (!reversed.success) expect(reversed.error.issues[0]).toMatchObject({ path: ['from'], message: 'from must be before to' });
    expect(windowQuery(now).safeParse({ since: '1' }).success).toBe(false);
  });
});
