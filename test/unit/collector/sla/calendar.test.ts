import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { allWeek, calendarWarnings, compileCalendar, weekdays, yearsBetween } from '../../../../collector/sla/calendar.js';
import { holidayTable } from '../../../../collector/sla/holiday-data.js';
import { dayNumber } from '../../../../collector/sla/zoned-time.js';

const H = 3_600_000;
const cal5x8 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const d = (y: number, m: number, day: number) => dayNumber(y, m, day);
const kind = (y: number, m: number, day: number) => cal5x8.dayPlan(d(y, m, day)).kind;
const hours = (y: number, m: number, day: number) => cal5x8.dayPlan(d(y, m, day)).totalMs / H;

describe('calendar day plans (5x8 = Mon–Fri 09:00–17:30, Chinese holidays)', () => {
  it('works weekdays and rests at weekends', () => {
    expect(kind(2024, 11, 4)).toBe('workday'); // Monday
    expect(hours(2024, 11, 4)).toBe(8.5);
    expect(kind(2024, 11, 9)).toBe('rest'); // Saturday
    expect(hours(2024, 11, 10)).toBe(0);
  });

  it('2024 National Day: Oct 1–7 off, Sun Sep 29 and Sat Oct 12 worked', () => {
    for (let day = 1; day <= 7; day++) expect(kind(2024, 10, day)).toBe('holiday');
    expect(kind(2024, 9, 29)).toBe('makeup');
    expect(hours(2024, 9, 29)).toBe(8.5); // make-up days use the normal weekday windows
    expect(kind(2024, 10, 12)).toBe('makeup');
    expect(kind(2024, 10, 8)).toBe('workday');
    expect(kind(2024, 10, 13)).toBe('rest');
  });

  it('2024 Spring Festival: Feb 10–17 off, Sun Feb 4 and Sun Feb 18 worked', () => {
    for (let day = 10; day <= 17; day++) expect(kind(2024, 2, day)).toBe('holiday');
    expect(kind(2024, 2, 4)).toBe('makeup');
    expect(kind(2024, 2, 18)).toBe('makeup');
  });

  it('places windows in UTC for Asia/Shanghai', () => {
    const plan = cal5x8.dayPlan(d(2024, 10, 8));
    expect(plan.starts).toEqual([Date.parse('2024-10-08T01:00:00Z')]);
    expect(plan.ends).toEqual([Date.parse('2024-10-08T09:30:00Z')]);
    expect(cal5x8.dayOf(Date.parse('2024-10-07T16:00:00Z'))).toBe(d(2024, 10, 8)); // local midnight
    expect(cal5x8.dayOf(Date.parse('2024-10-07T15:59:59Z'))).toBe(d(2024, 10, 7));
  });

  it('supports several windows per day and merges overlaps', () => {
    const cal = compileCalendar({
      name: 'split',
      timeZone: 'Asia/Shanghai',
      week: weekdays([
        { startMin: 8 * 60, endMin: 12 * 60 },
        { startMin: 13 * 60, endMin: 17 * 60 },
        { startMin: 16 * 60, endMin: 17 * 60 + 30 },
      ]),
      chinaHolidays: false,
    });
    const plan = cal.dayPlan(d(2024, 11, 4));
    expect(plan.starts.length).toBe(2);
    expect(plan.totalMs).toBe(8.5 * H);
  });

  it('applies operator extra holidays (win over everything) and extra workdays', () => {
    const cal = compileCalendar({
      ...BUILTIN_CALENDARS['5x8']!,
      extraHolidays: [d(2024, 11, 4), d(2024, 9, 29)],
      extraWorkdays: [d(2024, 11, 9), d(2024, 11, 5)],
    });
    expect(cal.dayPlan(d(2024, 11, 4)).kind).toBe('holiday');
    expect(cal.dayPlan(d(2024, 9, 29)).kind).toBe('holiday'); // was a make-up day
    expect(cal.dayPlan(d(2024, 11, 9)).kind).toBe('makeup');
    expect(cal.dayPlan(d(2024, 11, 9)).totalMs).toBe(8.5 * H);
    expect(cal.dayPlan(d(2024, 11, 5)).kind).toBe('workday');
  });

  it('gives 23 h and 25 h days on DST changes in a 24x7 Berlin calendar', () => {
    const cal = compileCalendar({ name: 'ber', timeZone: 'Europe/Berlin', week: allWeek(), chinaHolidays: false });
    expect(cal.alwaysOpen).toBe(true);
    expect(cal.dayPlan(d(2024, 3, 31)).totalMs).toBe(23 * H);
    expect(cal.dayPlan(d(2024, 10, 27)).totalMs).toBe(25 * H);
  });

  it('24x7 needs no day plans; holiday calendars do', () => {
    expect(compileCalendar(BUILTIN_CALENDARS['24x7']!).alwaysOpen).toBe(true);
    expect(cal5x8.alwaysOpen).toBe(false);
  });
});

describe('holiday-data warnings', () => {
  it('warns loudly for years without chinese-days data', () => {
    const warnings = calendarWarnings(cal5x8, [2026, 2027]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no holiday data for 2027');
    expect(warnings[0]).toContain('figures for 2027 use weekends only');
    expect(warnings[0]).toContain('2004–2026');
    expect(calendarWarnings(cal5x8, [2003])[0]).toContain('2003');
  });

  it('is silent for calendars without Chinese holidays and for years sla.holiday_data declares', () => {
    expect(calendarWarnings(compileCalendar(BUILTIN_CALENDARS['24x7']!), [2030])).toEqual([]);
    const covered = compileCalendar({ ...BUILTIN_CALENDARS['5x8']!, holidayTable: holidayTable({ cn: { '2027': { off: ['2027-01-01'], work: [] } } }) });
    expect(calendarWarnings(covered, [2027])).toEqual([]);
    expect(calendarWarnings(covered, [2028])[0]).toContain('have 2004–2027');
  });

  it('a single extra holiday no longer declares its year complete', () => {
    const local = compileCalendar({ ...BUILTIN_CALENDARS['5x8']!, extraHolidays: [d(2027, 1, 1)] });
    expect(calendarWarnings(local, [2027])[0]).toContain('no holiday data for 2027');
  });

  it('lists the years a range touches', () => {
    expect(yearsBetween(cal5x8, Date.parse('2026-12-31T00:00:00Z'), Date.parse('2027-01-02T00:00:00Z'))).toEqual([2026, 2027]);
    // 2026-12-31T16:00Z is already 2027 in Shanghai
    expect(yearsBetween(cal5x8, Date.parse('2026-12-31T16:00:00Z'), Date.parse('2027-01-02T00:00:00Z'))).toEqual([2027]);
  });
});
