/**
 * China's statutory holidays and make-up working days (调休) from `chinese-days` (data 2004–2026 in 1.5.7).
 * Loaded lazily once, as epoch day numbers, so calendar lookups are integer set probes.
 */
import chineseDays from 'chinese-days';
import { dayKey, isoWeekday, parseDayKey } from './zoned-time.js';

export interface HolidayTable {
  /** Days off by law (including the weekend days inside a holiday block). */
  holidays: ReadonlySet<number>;
  /** Weekend days that are worked to make up for a holiday (调休上班). */
  makeupWorkdays: ReadonlySet<number>;
  /** Calendar years the data covers; any other year is unknown, not "a year without holidays". */
  years: ReadonlySet<number>;
  /** Holiday name per day off, e.g. `National Day,国庆节,3`. */
  names: ReadonlyMap<number, string>;
}

const DATA_FIRST = '2004-01-01';
const DATA_LAST = '2026-12-31';

let table: HolidayTable | null = null;

function toDays(keys: string[]): number[] {
  const days: number[] = [];
  for (const key of keys) {
    const day = parseDayKey(key);
    if (day !== null) days.push(day);
  }
  return days;
}

/** The Chinese holiday table (built on first use, ~60 ms). */
export function chinaHolidays(): HolidayTable {
  if (table) return table;
  const holidays = new Set(toDays(chineseDays.getHolidaysInRange(DATA_FIRST, DATA_LAST, false)));
  // getWorkdaysInRange(…, true) lists every working day; the make-up ones are those on a weekend.
  const makeupWorkdays = new Set(
    toDays(chineseDays.getWorkdaysInRange(DATA_FIRST, DATA_LAST, true)).filter((day) => isoWeekday(day) >= 6),
  );
  const years = new Set<number>();
  const names = new Map<number, string>();
  for (const day of holidays) {
    years.add(Number(dayKey(day).slice(0, 4)));
    names.set(day, chineseDays.getDayDetail(dayKey(day)).name);
  }
  table = { holidays, makeupWorkdays, years, names };
  return table;
}
