/**
 * Holiday data for years the bundled chinese-days data lacks: `sla.holiday_data.<set>.<year>: {off, work}` with
 * days `YYYY-MM-DD` or ranges `YYYY-MM-DD..YYYY-MM-DD`. A year key present declares that year complete (it replaces
 * the bundled data of that year, if any). Every calendar whose `holidays:` names the set uses it, built-ins included.
 */
import { chinaHolidays, type HolidayTable } from './holidays-cn.js';
import { dayKey, parseDayKey } from './zoned-time.js';

/** Holiday sets a calendar can name in `holidays:`. */
export const HOLIDAY_SETS = ['cn'] as const;
export type HolidaySet = (typeof HOLIDAY_SETS)[number];

export interface HolidayYear {
  off: readonly string[];
  work: readonly string[];
}
export type HolidayData = Readonly<Partial<Record<HolidaySet, Readonly<Record<string, HolidayYear>>>>>;

/** Epoch days of `YYYY-MM-DD` or `a..b` (inclusive), or the reason it is not one. */
export function parseDayRange(text: string, year?: number): number[] | string {
  const [a, b, ...rest] = text.split('..');
  const from = parseDayKey(a ?? '');
  const to = b === undefined ? from : parseDayKey(b);
  if (rest.length > 0 || from === null || to === null) return `expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got "${text}"`;
  if (to < from) return `range "${text}" ends before it starts`;
  if (to - from > 366) return `range "${text}" is longer than a year`;
  const days: number[] = [];
  for (let d = from; d <= to; d++) {
    if (year !== undefined && Number(dayKey(d).slice(0, 4)) !== year) return `"${text}" is not in ${year}`;
    days.push(d);
  }
  return days;
}

function daysOf(list: readonly string[], year: number): number[] {
  return list.flatMap((text) => {
    const days = parseDayRange(text, year);
    return typeof days === 'string' ? [] : days; // the config schema rejected these already
  });
}

/** The bundled table with the configured years of the set merged in (each configured year replaces the bundled one). */
export function holidayTable(data: HolidayData | undefined, set: HolidaySet = 'cn'): HolidayTable {
  const base = chinaHolidays();
  const years = data?.[set];
  if (!years || Object.keys(years).length === 0) return base;
  const replaced = new Set(Object.keys(years).map(Number));
  const keep = (day: number): boolean => !replaced.has(Number(dayKey(day).slice(0, 4)));
  const holidays = new Set([...base.holidays].filter(keep));
  const makeupWorkdays = new Set([...base.makeupWorkdays].filter(keep));
  const names = new Map([...base.names].filter(([day]) => keep(day)));
  for (const [yearText, y] of Object.entries(years)) {
    const year = Number(yearText);
    for (const day of daysOf(y.off, year)) {
      holidays.add(day);
      names.set(day, 'configured');
    }
    for (const day of daysOf(y.work, year)) makeupWorkdays.add(day);
  }
  return { holidays, makeupWorkdays, years: new Set([...base.years, ...replaced]), names };
}
