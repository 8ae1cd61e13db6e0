/** Text forms of typed cells (pdf, html): durations, sizes, local date-times, percents, booleans, empties. */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCell, formatDateTime, formatDuration } from '../../../../collector/reports/format-values.js';

describe('formatDuration', () => {
  it('days, hours, minutes, seconds in both languages; zero parts left out', () => {
    expect(formatDuration(0, 'en')).toBe('0 s');
    expect(formatDuration(59.6, 'en')).toBe('1 min');
    expect(formatDuration(7200, 'en')).toBe('2 h');
    expect(formatDuration(9000, 'en')).toBe('2 h 30 min');
    expect(formatDuration(90061, 'en')).toBe('1 d 1 h 1 min 1 s');
    expect(formatDuration(9000, 'zh-CN')).toBe('2小时 30分');
    expect(formatDuration(86400 * 3, 'zh-CN')).toBe('3天');
  });
});

describe('formatBytes / formatDateTime', () => {
  it('binary units with one decimal', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1_190_000_000)).toBe('1.1 GiB');
    expect(formatBytes(5 * 2 ** 40)).toBe('5.0 TiB');
  });

  it('local wall time in the report zone; non-dates pass through', () => {
    expect(formatDateTime('2026-10-02T16:00:00.000Z', 'Asia/Shanghai')).toBe('2026-10-03 00:00');
    expect(formatDateTime('2026-07-01T12:30:00.000Z', 'Europe/London')).toBe('2026-07-01 13:30');
    expect(formatDateTime('not a date', 'Asia/Shanghai')).toBe('not a date');
  });
});

describe('formatCell', () => {
  it('by type and language', () => {
    expect(formatCell(null, 'percent', 'en', 'UTC')).toBe('—');
    expect(formatCell(true, 'text', 'zh-CN', 'UTC')).toBe('是');
    expect(formatCell(false, 'text', 'en', 'UTC')).toBe('no');
    expect(formatCell(99.73046, 'percent', 'en', 'UTC')).toBe('99.730 %');
    expect(formatCell(200 / 3, 'percent', 'zh-CN', 'UTC')).toBe('66.667 %');
    expect(formatCell(1800, 'duration', 'en', 'UTC')).toBe('30 min');
    expect(formatCell(2.4, 'integer', 'en', 'UTC')).toBe('2');
    expect(formatCell(3.14159, 'number', 'en', 'UTC')).toBe('3.14');
    expect(formatCell('2026-10-02T16:00:00.000Z', 'datetime', 'en', 'Asia/Shanghai')).toBe('2026-10-03 00:00');
    expect(formatCell('web-1', 'text', 'en', 'UTC')).toBe('web-1');
  });
});
