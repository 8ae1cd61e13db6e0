import { describe, expect, it } from 'vitest';
import { civilDate, dayKey, dayNumber, formatZoned, isValidTimeZone, isoWeekday, localToUtc, parseDayKey, parseInstant, zoneOffsetMs, formatLocalDateTime } from '../../../../collector/sla/zoned-time.js';

const H = 3_600_000;

describe('zoned time', () => {
  it('knows Asia/Shanghai is UTC+8 all year', () => {
    expect(zoneOffsetMs('Asia/Shanghai', Date.parse('2024-01-15T00:00:00Z'))).toBe(8 * H);
    expect(zoneOffsetMs('Asia/Shanghai', Date.parse('2024-07-15T00:00:00Z'))).toBe(8 * H);
  });

  it('follows Europe/Berlin DST (CET +1, CEST +2; switch at 01:00 UTC)', () => {
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2024-03-31T00:59:00Z'))).toBe(1 * H);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2024-03-31T01:00:00Z'))).toBe(2 * H);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2024-10-27T00:59:00Z'))).toBe(2 * H);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2024-10-27T01:00:00Z'))).toBe(1 * H);
  });

  it('converts wall time to UTC, across DST gaps and overlaps', () => {
    expect(localToUtc('Asia/Shanghai', Date.parse('2024-10-01T09:00:00Z'))).toBe(Date.parse('2024-10-01T01:00:00Z'));
    // 02:30 does not exist on 2024-03-31 in Berlin: we land where the clock does (03:30 CEST = 01:30Z).
    expect(localToUtc('Europe/Berlin', Date.parse('2024-03-31T02:30:00Z'))).toBe(Date.parse('2024-03-31T01:30:00Z'));
    // 02:30 happens twice on 2024-10-27: the earlier (CEST) wins.
    expect(localToUtc('Europe/Berlin', Date.parse('2024-10-27T02:30:00Z'))).toBe(Date.parse('2024-10-27T00:30:00Z'));
    expect(localToUtc('America/New_York', Date.parse('2024-07-04T12:00:00Z'))).toBe(Date.parse('2024-07-04T16:00:00Z'));
  });

  it('does civil-day arithmetic', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(isoWeekday(0)).toBe(4); // Thursday
    expect(isoWeekday(dayNumber(2024, 10, 1))).toBe(2); // Tuesday
    expect(isoWeekday(dayNumber(2024, 9, 29))).toBe(7); // Sunday
    expect(isoWeekday(dayNumber(1969, 12, 29))).toBe(1); // negative day numbers
    expect(civilDate(dayNumber(2024, 2, 29))).toEqual({ year: 2024, month: 2, day: 29 });
    expect(dayKey(dayNumber(2024, 2, 29))).toBe('2024-02-29');
    expect(parseDayKey('2024-02-29')).toBe(dayNumber(2024, 2, 29));
    expect(parseDayKey('2023-02-29')).toBeNull();
    expect(parseDayKey('2024-2-1')).toBeNull();
  });

  it('parses ISO instants with and without offsets', () => {
    expect(parseInstant('2024-09-30T16:00+08:00', 'UTC')).toBe(Date.parse('2024-09-30T08:00:00Z'));
    expect(parseInstant('2024-09-30T16:00:00Z', 'Asia/Shanghai')).toBe(Date.parse('2024-09-30T16:00:00Z'));
    expect(parseInstant('2024-09-30T16:00', 'Asia/Shanghai')).toBe(Date.parse('2024-09-30T08:00:00Z'));
    expect(parseInstant('2024-09-30', 'Asia/Shanghai')).toBe(Date.parse('2024-09-29T16:00:00Z'));
    expect(parseInstant('2024-09-30T16:00:00.250-0130', 'UTC')).toBe(Date.parse('2024-09-30T17:30:00.250Z'));
    expect(parseInstant('2024-09-31T16:00', 'UTC')).toBeNull();
    expect(parseInstant('2024-09-30T24:00', 'UTC')).toBeNull();
    expect(parseInstant('tomorrow', 'UTC')).toBeNull();
  });

  it('formats with the zone offset', () => {
    expect(formatZoned('Asia/Shanghai', Date.parse('2024-10-08T03:30:00Z'))).toBe('2024-10-08T11:30:00+08:00');
    expect(formatZoned('America/New_York', Date.parse('2024-01-01T05:00:00.5Z'))).toBe('2024-01-01T00:00:00.500-05:00');
    expect(formatZoned('UTC', 0)).toBe('1970-01-01T00:00:00+00:00');
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('formatLocalDateTime', () => {
  it('wall time in the zone, seconds precision, across a DST change', () => {
    expect(formatLocalDateTime('Asia/Shanghai', Date.parse('2026-11-21T02:07:00.900Z'))).toBe('2026-11-21 10:07:00');
    expect(formatLocalDateTime('Europe/Berlin', Date.parse('2024-10-27T00:30:00Z'))).toBe('2024-10-27 02:30:00');
    expect(formatLocalDateTime('Europe/Berlin', Date.parse('2024-10-27T01:30:00Z'))).toBe('2024-10-27 02:30:00');
  });
});
