/**
 * Business calendars: weekly working windows in a time zone, China's statutory holidays and make-up
 * working days (调休), and operator-supplied extra holidays / workdays. A compiled calendar answers "which
 * UTC intervals are working time on local day N", cached per calendar-day.
 */
import { chinaHolidays, type HolidayTable } from './holidays-cn.js';
import { DAY_MS, MINUTE_MS, dayKey, isoWeekday, localToUtc, zoneOffsetMs } from './zoned-time.js';

/** A working window inside one local day, in minutes since local midnight (`endMin` may be 1440). */
export interface TimeWindow {
  startMin: number;
  endMin: number;
}

export interface CalendarSpec {
  name: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Working windows per ISO weekday: index 1 = Monday … 7 = Sunday (index 0 unused). */
  week: ReadonlyArray<ReadonlyArray<TimeWindow>>;
  /**
   * Windows on a make-up working day (调休上班, usually a Saturday or Sunday). We apply the calendar's normal
   * weekday windows: those of the first of Monday…Friday that has any, unless the operator gives others.
   */
  makeupWindows?: ReadonlyArray<TimeWindow>;
  /** Apply China's statutory holidays and make-up workdays (chinese-days data). */
  chinaHolidays: boolean;
  /** The holiday table to apply (chinese-days merged with `sla.holiday_data`); default: chinese-days alone. */
  holidayTable?: HolidayTable;
  /** Extra days off (`YYYY-MM-DD` as epoch day numbers); they win over everything else. */
  extraHolidays?: readonly number[];
  /** Extra working days; on a day without weekday windows the make-up windows apply. */
  extraWorkdays?: readonly number[];
}

export type DayKind = 'workday' | 'rest' | 'holiday' | 'makeup';

/** Working time of one local day as sorted, disjoint UTC intervals. */
export interface DayPlan {
  day: number;
  kind: DayKind;
  /** UTC instant of local midnight starting this day, and of the next one. */
  startUtc: number;
  endUtc: number;
  starts: readonly number[];
  ends: readonly number[];
  totalMs: number;
}

export interface BusinessCalendar {
  readonly spec: CalendarSpec;
  /** Every instant is working time (7x24 without holidays): callers may use plain arithmetic. */
  readonly alwaysOpen: boolean;
  /** Local civil day (epoch day number) containing the instant. */
  dayOf(utcMs: number): number;
  /** Working intervals of a local day (cached). */
  dayPlan(day: number): DayPlan;
}

export function normalizeWindows(windows: ReadonlyArray<TimeWindow>): TimeWindow[] {
  const sorted = windows.filter((w) => w.endMin > w.startMin).sort((a, b) => a.startMin - b.startMin);
  const merged: TimeWindow[] = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && w.startMin <= last.endMin) last.endMin = Math.max(last.endMin, w.endMin);
    else merged.push({ startMin: w.startMin, endMin: w.endMin });
  }
  return merged;
}

function defaultMakeupWindows(week: ReadonlyArray<ReadonlyArray<TimeWindow>>): ReadonlyArray<TimeWindow> {
  for (let weekday = 1; weekday <= 5; weekday++) {
    const windows = week[weekday] ?? [];
    if (windows.length > 0) return windows;
  }
  return [];
}

const FULL_DAY: TimeWindow = { startMin: 0, endMin: 1440 };

export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const week = Array.from({ length: 8 }, (_, i) => normalizeWindows(i === 0 ? [] : (spec.week[i] ?? [])));
  const makeup = normalizeWindows(spec.makeupWindows ?? defaultMakeupWindows(week));
  const extraHolidays = new Set(spec.extraHolidays ?? []);
  const extraWorkdays = new Set(spec.extraWorkdays ?? []);
  const cn = spec.chinaHolidays ? (spec.holidayTable ?? chinaHolidays()) : null;
  const fullWeek = week.slice(1).every((w) => w.length === 1 && w[0]?.startMin === 0 && w[0]?.endMin === 1440);
  const alwaysOpen = fullWeek && !cn && extraHolidays.size === 0;
  const tz = spec.timeZone;
  const plans = new Map<number, DayPlan>();

  function classify(day: number): { kind: DayKind; windows: ReadonlyArray<TimeWindow> } {
    const weekday = isoWeekday(day);
    const normal = week[weekday] ?? [];
    if (extraHolidays.has(day)) return { kind: 'holiday', windows: [] };
    if (extraWorkdays.has(day)) return normal.length > 0 ? { kind: 'workday', windows: normal } : { kind: 'makeup', windows: makeup };
    if (cn?.holidays.has(day)) return { kind: 'holiday', windows: [] };
    if (cn?.makeupWorkdays.has(day)) return { kind: 'makeup', windows: normal.length > 0 ? normal : makeup };
    return { kind: normal.length > 0 ? 'workday' : 'rest', windows: normal };
  }

  function buildPlan(day: number): DayPlan {
    const { kind, windows } = classify(day);
    const startUtc = localToUtc(tz, day * DAY_MS);
    const endUtc = localToUtc(tz, (day + 1) * DAY_MS);
    const starts: number[] = [];
    const ends: number[] = [];
    let totalMs = 0;
    for (const w of windows) {
      const s = w.startMin === 0 ? startUtc : localToUtc(tz, day * DAY_MS + w.startMin * MINUTE_MS);
      const e = w.endMin >= 1440 ? endUtc : localToUtc(tz, day * DAY_MS + w.endMin * MINUTE_MS);
      if (e <= s) continue; // a window swallowed by a DST gap
      const last = ends.length - 1;
      if (last >= 0 && s <= (ends[last] ?? 0)) {
        ends[last] = Math.max(ends[last] ?? 0, e);
      } else {
        starts.push(s);
        ends.push(e);
      }
    }
    for (let i = 0; i < starts.length; i++) totalMs += (ends[i] ?? 0) - (starts[i] ?? 0);
    return { day, kind, startUtc, endUtc, starts, ends, totalMs };
  }

  return {
    spec,
    alwaysOpen,
    dayOf(utcMs: number): number {
      return Math.floor((utcMs + zoneOffsetMs(tz, utcMs)) / DAY_MS);
    },
    dayPlan(day: number): DayPlan {
      let plan = plans.get(day);
      if (!plan) {
        plan = buildPlan(day);
        plans.set(day, plan);
      }
      return plan;
    },
  };
}

/** Weekly windows for every day, 00:00–24:00. */
export function allWeek(): TimeWindow[][] {
  return Array.from({ length: 8 }, (_, i) => (i === 0 ? [] : [FULL_DAY]));
}

/** Same windows Monday–Friday, none at the weekend. */
export function weekdays(windows: TimeWindow[]): TimeWindow[][] {
  return Array.from({ length: 8 }, (_, i) => (i >= 1 && i <= 5 ? windows : []));
}

/** Calendar years (local) touched by [fromMs, toMs). */
export function yearsBetween(calendar: BusinessCalendar, fromMs: number, toMs: number): number[] {
  const first = Number(dayKey(calendar.dayOf(fromMs)).slice(0, 4));
  const last = Number(dayKey(calendar.dayOf(Math.max(fromMs, toMs - 1))).slice(0, 4));
  const years: number[] = [];
  for (let y = first; y <= last; y++) years.push(y);
  return years;
}

/**
 * Loud warnings for years the calendar cannot compute honestly: it applies Chinese holidays but neither chinese-days
 * nor `sla.holiday_data` has the year (per-calendar extra_holidays are local one-off days: they declare no year).
 * The collector logs these at start-up and reports them on /healthz, /metrics and in reports.
 */
export function calendarWarnings(calendar: BusinessCalendar, years: readonly number[]): string[] {
  return missingHolidayYears(calendar, years).map(
    (year) =>
      `calendar "${calendar.spec.name}": no holiday data for ${year} (have ${holidayYearsText(calendar)}); figures for ${year} use weekends only — ` +
      `add sla.holiday_data.cn."${year}" (outpost sla holidays import FILE.ics --set cn prints it) or upgrade chinese-days`,
  );
}

/** The years among `years` the calendar applies holidays to but has no data for. */
export function missingHolidayYears(calendar: BusinessCalendar, years: readonly number[]): number[] {
  if (!calendar.spec.chinaHolidays) return [];
  const covered = (calendar.spec.holidayTable ?? chinaHolidays()).years;
  return years.filter((year) => !covered.has(year));
}

function holidayYearsText(calendar: BusinessCalendar): string {
  const known = [...(calendar.spec.holidayTable ?? chinaHolidays()).years].sort((a, b) => a - b);
  if (known.length === 0) return 'none';
  // Contiguous runs: 2004–2026, 2028.
  const runs: string[] = [];
  let start = known[0] as number;
  let prev = start;
  for (const y of [...known.slice(1), NaN]) {
    if (y === prev + 1) {
      prev = y;
      continue;
    }
    runs.push(start === prev ? String(start) : `${start}–${prev}`);
    start = y;
    prev = y;
  }
  return runs.join(', ');
}
