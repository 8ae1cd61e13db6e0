/**
 * Business-time arithmetic on a compiled calendar: elapsed working time between two instants, the instant a
 * working-time budget runs out, and the working intervals inside a range. Whole days are skipped by their
 * cached totals; only the first and last day look at individual windows.
 */
import type { BusinessCalendar, DayPlan } from './calendar.js';
import type { Interval } from './intervals.js';

/** Give up looking for working time after this many days (a calendar with no working time at all). */
export const SEARCH_HORIZON_DAYS = 3660;

function overlapInDay(plan: DayPlan, fromMs: number, toMs: number): number {
  let total = 0;
  for (let i = 0; i < plan.starts.length; i++) {
    const s = Math.max(plan.starts[i] ?? 0, fromMs);
    const e = Math.min(plan.ends[i] ?? 0, toMs);
    if (e > s) total += e - s;
  }
  return total;
}

/** Working milliseconds in [fromMs, toMs) (0 when to ≤ from). */
export function businessMsBetween(calendar: BusinessCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  if (calendar.alwaysOpen) return toMs - fromMs;
  const firstDay = calendar.dayOf(fromMs);
  const lastDay = calendar.dayOf(toMs - 1);
  if (firstDay === lastDay) return overlapInDay(calendar.dayPlan(firstDay), fromMs, toMs);
  let total = overlapInDay(calendar.dayPlan(firstDay), fromMs, toMs);
  for (let day = firstDay + 1; day < lastDay; day++) total += calendar.dayPlan(day).totalMs;
  return total + overlapInDay(calendar.dayPlan(lastDay), fromMs, toMs);
}

/**
 * The earliest instant at which `durationMs` of working time has elapsed since `startMs`. A budget that runs
 * out exactly at the end of a window is due at that end (09:00 + 8.5 h on a 09:00–17:30 day → 17:30).
 * Returns null when the calendar has no working time within the search horizon.
 */
export function addBusinessMs(calendar: BusinessCalendar, startMs: number, durationMs: number): number | null {
  if (durationMs <= 0) return startMs;
  if (calendar.alwaysOpen) return startMs + durationMs;
  let remaining = durationMs;
  let day = calendar.dayOf(startMs);
  const horizon = day + SEARCH_HORIZON_DAYS;
  // First (partial) day: walk its windows from startMs.
  let plan = calendar.dayPlan(day);
  for (;;) {
    const partial = day === calendar.dayOf(startMs);
    const available = partial ? overlapInDay(plan, startMs, plan.endUtc) : plan.totalMs;
    if (available >= remaining) {
      for (let i = 0; i < plan.starts.length; i++) {
        const s = partial ? Math.max(plan.starts[i] ?? 0, startMs) : (plan.starts[i] ?? 0);
        const e = plan.ends[i] ?? 0;
        if (e <= s) continue;
        if (e - s >= remaining) return s + remaining;
        remaining -= e - s;
      }
    }
    remaining -= available;
    day++;
    if (day > horizon) return null;
    plan = calendar.dayPlan(day);
  }
}

/** Working intervals inside [fromMs, toMs), sorted and disjoint (adjacent windows across midnight merged). */
export function businessIntervals(calendar: BusinessCalendar, fromMs: number, toMs: number): Interval[] {
  if (toMs <= fromMs) return [];
  if (calendar.alwaysOpen) return [{ startMs: fromMs, endMs: toMs }];
  const out: Interval[] = [];
  const lastDay = calendar.dayOf(toMs - 1);
  for (let day = calendar.dayOf(fromMs); day <= lastDay; day++) {
    const plan = calendar.dayPlan(day);
    for (let i = 0; i < plan.starts.length; i++) {
      const s = Math.max(plan.starts[i] ?? 0, fromMs);
      const e = Math.min(plan.ends[i] ?? 0, toMs);
      if (e <= s) continue;
      const last = out[out.length - 1];
      if (last && last.endMs === s) last.endMs = e;
      else out.push({ startMs: s, endMs: e });
    }
  }
  return out;
}

/** True when the instant is working time. */
export function isBusinessTime(calendar: BusinessCalendar, atMs: number): boolean {
  if (calendar.alwaysOpen) return true;
  const plan = calendar.dayPlan(calendar.dayOf(atMs));
  for (let i = 0; i < plan.starts.length; i++) {
    if (atMs >= (plan.starts[i] ?? 0) && atMs < (plan.ends[i] ?? 0)) return true;
  }
  return false;
}

/**
 * Working milliseconds in [fromMs, toMs) outside the excluded intervals (pauses). `excluded` must be sorted and
 * disjoint (see mergeIntervals); an open-ended exclusion has endMs = Infinity.
 */
export function businessMsBetweenExcluding(
  calendar: BusinessCalendar,
  fromMs: number,
  toMs: number,
  excluded: readonly Interval[],
): number {
  let total = businessMsBetween(calendar, fromMs, toMs);
  for (const ex of excluded) {
    const s = Math.max(ex.startMs, fromMs);
    const e = Math.min(ex.endMs, toMs);
    if (e > s) total -= businessMsBetween(calendar, s, e);
  }
  return total;
}

/**
 * Like addBusinessMs, skipping the excluded intervals (sorted, disjoint). Null when the budget never runs out
 * (an open-ended exclusion, or no working time within the horizon).
 */
export function addBusinessMsExcluding(
  calendar: BusinessCalendar,
  startMs: number,
  durationMs: number,
  excluded: readonly Interval[],
): number | null {
  let cursor = startMs;
  let remaining = durationMs;
  for (const ex of excluded) {
    if (ex.endMs <= cursor) continue;
    if (ex.startMs > cursor) {
      const candidate = addBusinessMs(calendar, cursor, remaining);
      if (candidate === null) return null;
      if (candidate <= ex.startMs) return candidate;
      remaining -= businessMsBetween(calendar, cursor, ex.startMs);
    } else if (remaining <= 0) {
      return cursor;
    }
    if (!Number.isFinite(ex.endMs)) return null;
    cursor = ex.endMs;
  }
  return addBusinessMs(calendar, cursor, remaining);
}
