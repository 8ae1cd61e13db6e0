import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../../../common/duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['45', 45_000],
    [10, 10_000],
  ])('%s → %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(['', 'abc', '5x', '-5s', '1h 30m'])('rejects %j', (text) => expect(parseDurationMs(text)).toBeNull());
  it('formats back', () => {
    expect(formatDurationMs(5_400_000)).toBe('1h30m');
    expect(formatDurationMs(0)).toBe('0s');
    expect(formatDurationMs(90_061_000)).toBe('1d1h1m1s');
  });
});
