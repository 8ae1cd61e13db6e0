/**
 * Calendars usable by name without any config:
 * - `24x7`: every minute counts, no holidays (seed 004: 7 天 × 24 小时, 节假日不休).
 * - `5x8`: Monday–Friday 09:00–17:30 (seed 004's working hours), Chinese holidays and make-up days.
 * - `5x8-0800`: Monday–Friday 08:00–17:00 (seed 001's working hours), Chinese holidays and make-up days.
 * All in Asia/Shanghai. Config calendars of the same name replace them.
 */
import { allWeek, weekdays, type CalendarSpec } from './calendar.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export const BUILTIN_CALENDARS: Readonly<Record<string, CalendarSpec>> = {
  '24x7': { name: '24x7', timeZone: DEFAULT_TIME_ZONE, week: allWeek(), chinaHolidays: false },
  '5x8': {
    name: '5x8',
    timeZone: DEFAULT_TIME_ZONE,
    week: weekdays([{ startMin: 9 * 60, endMin: 17 * 60 + 30 }]),
    chinaHolidays: true,
  },
  '5x8-0800': {
    name: '5x8-0800',
    timeZone: DEFAULT_TIME_ZONE,
    week: weekdays([{ startMin: 8 * 60, endMin: 17 * 60 }]),
    chinaHolidays: true,
  },
};
