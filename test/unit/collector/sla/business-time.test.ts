import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import {
  addBusinessMs,
  addBusinessMsExcluding,
  businessIntervals,
  businessMsBetween,
  businessMsBetweenExcluding,
  isBusinessTime,
} from '../../../../collector/sla/business-time.js';
import { compileCalendar, type BusinessCalendar } from '../../../../collector/sla/calendar.js';
import { parseWeeklyHours } from '../../../../collector/sla/hours.js';
import { resolveSlaDuration } from '../../../../collector/sla/working-days.js';
import { formatZoned, parseInstant } from '../../../../collector/sla/zoned-time.js';

const M = 60_000;
const H = 60 * M;
const SH = 'Asia/Shanghai';
const cal5x8 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const cal0800 = compileCalendar(BUILTIN_CALENDARS['5x8-0800']!);
const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);
const at = (text: string) => parseInstant(text, SH)!;
const due = (cal: BusinessCalendar, start: string, ms: number) => formatZoned(SH, addBusinessMs(cal, at(start), ms)!);

describe('business time: worked examples', () => {
  it('24x7 is plain arithmetic', () => {
    expect(due(cal24, '2024-09-30T16:00', 4 * H)).toBe('2024-09-30T20:00:00+08:00');
    expect(businessMsBetween(cal24, at('2024-10-01T00:00'), at('2024-10-31T00:00'))).toBe(30 * 24 * H);
  });

  it('skips a weekend', () => {
    // Friday 16:00 + 4 h on 09:00–17:30 → 1.5 h Friday, 2.5 h Monday → Monday 11:30.
    expect(due(cal5x8, '2024-11-08T16:00', 4 * H)).toBe('2024-11-11T11:30:00+08:00');
    expect(businessMsBetween(cal5x8, at('2024-11-08T16:00'), at('2024-11-11T11:30'))).toBe(4 * H);
  });

  it('skips 2024 National Day (Oct 1–7) and counts the make-up days', () => {
    expect(due(cal5x8, '2024-09-30T16:00', 4 * H)).toBe('2024-10-08T11:30:00+08:00');
    // Sun Sep 29 is a make-up workday: a ticket opened Saturday night is due Sunday.
    expect(due(cal5x8, '2024-09-28T22:00', 1 * H)).toBe('2024-09-29T10:00:00+08:00');
    // Sat Oct 12 is worked, Sun Oct 13 is not.
    expect(due(cal5x8, '2024-10-11T17:00', 1 * H)).toBe('2024-10-12T09:30:00+08:00');
    expect(due(cal5x8, '2024-10-12T17:00', 1 * H)).toBe('2024-10-14T09:30:00+08:00');
    // Sep 28 … Oct 14: Sep 29, Sep 30, Oct 8–11, Oct 12 = 7 working days.
    expect(businessMsBetween(cal5x8, at('2024-09-28T00:00'), at('2024-10-14T00:00'))).toBe(7 * 8.5 * H);
  });

  it('skips the 2024 Spring Festival (Feb 10–17), working Sun Feb 18', () => {
    expect(due(cal5x8, '2024-02-09T17:00', 1 * H)).toBe('2024-02-18T09:30:00+08:00');
    // Fri Feb 9 (New Year's Eve) is an ordinary workday: Thu 16:00 + 11 h on 08:00–17:00 → 1 h + 9 h + Sun Feb 18 1 h.
    expect(due(cal0800, '2024-02-08T16:00', 11 * H)).toBe('2024-02-18T09:00:00+08:00');
  });

  it('crosses month and year boundaries', () => {
    // Tue 2024-12-31 17:00 + 1 h: New Year's Day off → Thu Jan 2 09:30.
    expect(due(cal5x8, '2024-12-31T17:00', 1 * H)).toBe('2025-01-02T09:30:00+08:00');
    // 2025 Spring Festival starts Tue Jan 28; Sun Jan 26 is worked.
    expect(due(cal5x8, '2025-01-24T17:00', 1 * H)).toBe('2025-01-26T09:30:00+08:00');
    expect(due(cal24, '2024-01-31T23:30', 1 * H)).toBe('2024-02-01T00:30:00+08:00');
  });

  it('handles the leap day', () => {
    expect(due(cal5x8, '2024-02-28T17:00', 1 * H)).toBe('2024-02-29T09:30:00+08:00');
    expect(businessMsBetween(cal24, at('2024-02-01T00:00'), at('2024-03-01T00:00'))).toBe(29 * 24 * H);
    expect(businessMsBetween(cal24, at('2023-02-01T00:00'), at('2023-03-01T00:00'))).toBe(28 * 24 * H);
  });

  it('counts several windows per day', () => {
    const week = parseWeeklyHours(['mon-fri 08:00-12:00,13:00-17:00']);
    if (typeof week === 'string') throw new Error(week);
    const cal = compileCalendar({ name: 'lunch', timeZone: SH, week, chinaHolidays: true });
    expect(due(cal, '2024-11-04T11:00', 2 * H)).toBe('2024-11-04T14:00:00+08:00');
    expect(due(cal, '2024-11-04T12:30', 30 * M)).toBe('2024-11-04T13:30:00+08:00');
    expect(businessMsBetween(cal, at('2024-11-04T00:00'), at('2024-11-05T00:00'))).toBe(8 * H);
  });

  it('is due at the end of a window when the budget runs out exactly there', () => {
    expect(due(cal5x8, '2024-11-04T09:00', 8.5 * H)).toBe('2024-11-04T17:30:00+08:00');
    expect(due(cal5x8, '2024-11-04T20:00', 0)).toBe('2024-11-04T20:00:00+08:00');
  });

  it('returns null for a calendar without working time', () => {
    const never = compileCalendar({ name: 'never', timeZone: SH, week: Array.from({ length: 8 }, () => []), chinaHolidays: false });
    expect(addBusinessMs(never, 0, H)).toBeNull();
    expect(businessMsBetween(never, 0, 30 * 24 * H)).toBe(0);
  });

  it('lists working intervals, merging windows that touch across midnight', () => {
    const week = parseWeeklyHours(['daily 20:00-24:00,00:00-06:00']);
    if (typeof week === 'string') throw new Error(week);
    const night = compileCalendar({ name: 'night', timeZone: SH, week, chinaHolidays: false });
    const list = businessIntervals(night, at('2024-11-04T00:00'), at('2024-11-06T00:00'));
    expect(list.map((i) => [formatZoned(SH, i.startMs), formatZoned(SH, i.endMs)])).toEqual([
      ['2024-11-04T00:00:00+08:00', '2024-11-04T06:00:00+08:00'],
      ['2024-11-04T20:00:00+08:00', '2024-11-05T06:00:00+08:00'],
      ['2024-11-05T20:00:00+08:00', '2024-11-06T00:00:00+08:00'],
    ]);
    expect(isBusinessTime(night, at('2024-11-04T23:59'))).toBe(true);
    expect(isBusinessTime(night, at('2024-11-04T12:00'))).toBe(false);
  });

  it('excludes pauses, including pauses in non-working time', () => {
    const start = at('2024-11-04T09:00');
    // Pause 17:00 Mon → 10:00 Tue: only 17:00–17:30 and 09:00–10:00 were working time.
    const pauses = [{ startMs: at('2024-11-04T17:00'), endMs: at('2024-11-05T10:00') }];
    expect(businessMsBetweenExcluding(cal5x8, start, at('2024-11-05T12:00'), pauses)).toBe(8 * H + 2 * H);
    expect(formatZoned(SH, addBusinessMsExcluding(cal5x8, start, 10 * H, pauses)!)).toBe('2024-11-05T12:00:00+08:00');
    // A pause entirely at night changes nothing.
    const night = [{ startMs: at('2024-11-04T20:00'), endMs: at('2024-11-05T08:00') }];
    expect(addBusinessMsExcluding(cal5x8, start, 10 * H, night)).toBe(addBusinessMs(cal5x8, start, 10 * H));
    // An open pause holds the clock forever, unless the budget ran out before it.
    expect(addBusinessMsExcluding(cal5x8, start, 10 * H, [{ startMs: at('2024-11-04T12:00'), endMs: Infinity }])).toBeNull();
    expect(formatZoned(SH, addBusinessMsExcluding(cal5x8, start, 2 * H, [{ startMs: at('2024-11-04T12:00'), endMs: Infinity }])!)).toBe(
      '2024-11-04T11:00:00+08:00',
    );
  });
});

/** Brute-force oracle: is the minute starting at `ms` working time? Independent of the engine's day plans. */
function shanghai5x8Oracle(startMin: number, endMin: number): (ms: number) => boolean {
  const dayCache = new Map<string, boolean>();
  return (ms: number) => {
    const local = new Date(ms + 8 * H);
    const key = local.toISOString().slice(0, 10);
    let work = dayCache.get(key);
    if (work === undefined) {
      work = chineseDays.isWorkday(key);
      dayCache.set(key, work);
    }
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    return work && minute >= startMin && minute < endMin;
  };
}

const berlinParts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: 'numeric', hourCycle: 'h23' });
function berlinOracle(ms: number): boolean {
  const hour = Number(berlinParts.format(new Date(ms)));
  return hour === 2 || (hour >= 8 && hour < 17);
}

function oracleElapsed(isWorking: (ms: number) => boolean, from: number, to: number): number {
  let total = 0;
  for (let t = from; t < to; t += M) if (isWorking(t)) total += M;
  return total;
}

function oracleDue(isWorking: (ms: number) => boolean, start: number, minutes: number): number {
  if (minutes === 0) return start;
  let count = 0;
  for (let t = start; ; t += M) {
    if (isWorking(t) && ++count === minutes) return t + M;
  }
}

const BASE = Date.parse('2023-12-01T00:00:00Z');
const SPAN_MIN = 3 * 366 * 1440; // Dec 2023 … 2026
const minuteArb = fc.integer({ min: 0, max: SPAN_MIN }).map((m) => BASE + m * M);

describe('business time: property tests against a minute-by-minute oracle', () => {
  const o5x8 = shanghai5x8Oracle(9 * 60, 17 * 60 + 30);

  it('elapsed matches the oracle (5x8, Chinese holidays)', () => {
    fc.assert(
      fc.property(minuteArb, fc.integer({ min: 0, max: 12 * 1440 }), (from, len) => {
        const to = from + len * M;
        expect(businessMsBetween(cal5x8, from, to)).toBe(oracleElapsed(o5x8, from, to));
      }),
      { numRuns: 100 },
    );
  });

  it('due matches the oracle and round-trips through elapsed (5x8)', () => {
    fc.assert(
      fc.property(minuteArb, fc.integer({ min: 0, max: 40 * 60 }), (start, minutes) => {
        const dueMs = addBusinessMs(cal5x8, start, minutes * M)!;
        expect(dueMs).toBe(oracleDue(o5x8, start, minutes));
        expect(businessMsBetween(cal5x8, start, dueMs)).toBe(minutes * M);
      }),
      { numRuns: 100 },
    );
  });

  it('elapsed and due match the oracle across DST (Europe/Berlin, daily 02:00–03:00 and 08:00–17:00)', () => {
    const week = parseWeeklyHours(['daily 02:00-03:00,08:00-17:00']);
    if (typeof week === 'string') throw new Error(week);
    const berlin = compileCalendar({ name: 'ber', timeZone: 'Europe/Berlin', week, chinaHolidays: false });
    // Start near the 2024 DST changes so most runs cross one.
    const nearDst = fc
      .constantFrom(Date.parse('2024-03-27T00:00:00Z'), Date.parse('2024-10-23T00:00:00Z'))
      .chain((base) => fc.integer({ min: 0, max: 7 * 1440 }).map((m) => base + m * M));
    fc.assert(
      fc.property(nearDst, fc.integer({ min: 0, max: 4 * 1440 }), fc.integer({ min: 0, max: 30 * 60 }), (from, len, minutes) => {
        expect(businessMsBetween(berlin, from, from + len * M)).toBe(oracleElapsed(berlinOracle, from, from + len * M));
        expect(addBusinessMs(berlin, from, minutes * M)).toBe(oracleDue(berlinOracle, from, minutes));
      }),
      { numRuns: 100 },
    );
  });
});

describe('working days (Nwd) against a day-counting oracle', () => {
  const day5x8 = resolveSlaDuration({ kind: 'wd', days: 1, text: '1wd' }, BUILTIN_CALENDARS['5x8']!) as number;

  it('a working day of 5x8 is 8.5 h; Monday 10:00 + 2wd is Wednesday 10:00', () => {
    expect(day5x8).toBe(8.5 * H);
    expect(formatZoned(SH, addBusinessMs(cal5x8, at('2024-11-04T10:00'), 2 * day5x8)!)).toBe('2024-11-06T10:00:00+08:00');
  });

  it('N wd from a working instant lands on the N-th next working day (chinese-days) at the same wall time', () => {
    // Starts inside working hours on a working day, Dec 2023 … 2026.
    const workingStart = fc
      .tuple(fc.integer({ min: 0, max: 3 * 365 }), fc.integer({ min: 9 * 60 + 1, max: 17 * 60 + 29 }))
      .map(([dayOffset, minute]) => BASE + dayOffset * 86_400_000 - 8 * H + minute * M)
      .filter((ms) => chineseDays.isWorkday(new Date(ms + 8 * H).toISOString().slice(0, 10)));
    fc.assert(
      fc.property(workingStart, fc.integer({ min: 1, max: 12 }), (start, n) => {
        let dayMs = start;
        for (let found = 0; found < n; ) {
          dayMs += 86_400_000;
          if (chineseDays.isWorkday(new Date(dayMs + 8 * H).toISOString().slice(0, 10))) found++;
        }
        expect(addBusinessMs(cal5x8, start, n * day5x8)).toBe(dayMs);
      }),
      { numRuns: 200 },
    );
  });
});
