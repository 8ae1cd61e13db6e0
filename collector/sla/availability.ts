/**
 * Availability over a period in contract time (pure): A = up / (scheduled − maintenance − unknown if excluded),
 * time-weighted from state intervals, with downtime, allowed downtime, error budget, outages, MTTR, MTBF
 * and coverage. Time not covered by any interval is UNKNOWN (no data).
 */
import { businessIntervals } from './business-time.js';
import type { BusinessCalendar } from './calendar.js';
import { mergeIntervals, subtractIntervals, totalMs, type Interval } from './intervals.js';
import { DAY_MS, dayNumber, localToUtc } from './zoned-time.js';

export type AvailabilityState = 'ok' | 'warn' | 'crit' | 'unknown';

export interface StateInterval {
  startMs: number;
  /** null: still current (runs to the end of the window). */
  endMs: number | null;
  state: AvailabilityState;
}

export interface AvailabilityOptions {
  /** Percent, e.g. 99.9. */
  targetPercent: number;
  unknownPolicy: 'excluded' | 'up' | 'down';
  warnCountsAsUp: boolean;
}

/** The scheduled (working) time of a period, computed once and shared by every target on the calendar. */
export interface AvailabilityWindow {
  fromMs: number;
  /** End of the evaluated part: the period end, or `now` for a period still running. */
  toMs: number;
  scheduled: Interval[];
  scheduledMs: number;
}

export interface AvailabilityReport {
  fromMs: number;
  toMs: number;
  scheduledMs: number;
  maintenanceMs: number;
  upMs: number;
  downMs: number;
  /** Scheduled, non-maintenance time with no data or an UNKNOWN state. */
  unknownMs: number;
  /** The denominator: scheduled − maintenance − unknown (when excluded). */
  measuredMs: number;
  /** 0..1, or null when nothing was measurable. */
  availability: number | null;
  availabilityPercent: number | null;
  targetPercent: number;
  targetMet: boolean | null;
  /** Share of scheduled, non-maintenance time that has a known state (0..1; 1 when nothing was scheduled). */
  coverage: number;
  allowedDowntimeMs: number;
  errorBudgetLeftMs: number;
  /** Percent of the allowed downtime still unused (negative when overspent; null when nothing is allowed). */
  errorBudgetLeftPercent: number | null;
  /** Down periods (consecutive down intervals merged) that touch scheduled time. */
  outageCount: number;
  /** Mean down time per outage in scheduled time. */
  mttrMs: number | null;
  /** Mean up time per outage (uptime / failures). */
  mtbfMs: number | null;
}

/** Contract report periods: a calendar month `YYYY-MM` or a quarter `YYYY-Qn` (seed 003: quarterly reports). */
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
export const PERIOD_FORMAT = 'YYYY-MM or YYYY-Qn';

/** [from, to) of a calendar month `YYYY-MM` or quarter `YYYY-Qn` in a time zone; null when malformed. */
export function monthPeriod(timeZone: string, period: string): { fromMs: number; toMs: number } | null {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) {
    const year = Number(quarter[1]);
    const firstMonth = (Number(quarter[2]) - 1) * 3 + 1;
    const first = dayNumber(year, firstMonth, 1);
    const next = firstMonth === 10 ? dayNumber(year + 1, 1, 1) : dayNumber(year, firstMonth + 3, 1);
    return { fromMs: localToUtc(timeZone, first * DAY_MS), toMs: localToUtc(timeZone, next * DAY_MS) };
  }
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  const first = dayNumber(year, month, 1);
  const next = month === 12 ? dayNumber(year + 1, 1, 1) : dayNumber(year, month + 1, 1);
  return { fromMs: localToUtc(timeZone, first * DAY_MS), toMs: localToUtc(timeZone, next * DAY_MS) };
}

/** Scheduled time of [fromMs, min(toMs, nowMs)). */
export function availabilityWindow(calendar: BusinessCalendar, fromMs: number, toMs: number, nowMs = Infinity): AvailabilityWindow {
  const end = Math.max(fromMs, Math.min(toMs, nowMs));
  const scheduled = businessIntervals(calendar, fromMs, end);
  return { fromMs, toMs: end, scheduled, scheduledMs: totalMs(scheduled) };
}

type Bucket = 'up' | 'down' | 'unknown';

function bucketOf(state: AvailabilityState, warnCountsAsUp: boolean): Bucket {
  if (state === 'ok') return 'up';
  if (state === 'warn') return warnCountsAsUp ? 'up' : 'down';
  return state === 'crit' ? 'down' : 'unknown';
}

/** Length of [s, e) ∩ eligible, advancing a shared cursor (intervals come sorted by start). */
function overlap(eligible: readonly Interval[], cursor: { i: number }, s: number, e: number): number {
  while (cursor.i < eligible.length && (eligible[cursor.i]?.endMs ?? 0) <= s) cursor.i++;
  let total = 0;
  for (let k = cursor.i; k < eligible.length; k++) {
    const w = eligible[k] as Interval;
    if (w.startMs >= e) break;
    total += Math.min(w.endMs, e) - Math.max(w.startMs, s);
  }
  return total;
}

export function computeAvailability(
  window: AvailabilityWindow,
  intervals: readonly StateInterval[],
  maintenance: readonly Interval[],
  options: AvailabilityOptions,
): AvailabilityReport {
  const maint = mergeIntervals(maintenance);
  const eligible = maint.length > 0 ? subtractIntervals(window.scheduled, maint) : window.scheduled;
  const eligibleMs = maint.length > 0 ? totalMs(eligible) : window.scheduledMs;
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const cursor = { i: 0 };
  let upMs = 0;
  let downMs = 0;
  let knownMs = 0;
  let outageCount = 0;
  let outageEnd = -Infinity; // end of the current run of down intervals
  let outageCounted = false;
  for (const iv of sorted) {
    const s = Math.max(iv.startMs, window.fromMs);
    const e = Math.min(iv.endMs ?? window.toMs, window.toMs);
    const bucket = bucketOf(iv.state, options.warnCountsAsUp);
    const ms = e > s ? overlap(eligible, cursor, s, e) : 0;
    if (bucket === 'up') upMs += ms;
    else if (bucket === 'down') downMs += ms;
    if (bucket !== 'unknown') knownMs += ms;
    if (bucket === 'down') {
      if (iv.startMs > outageEnd) outageCounted = false; // a new outage, not a continuation
      if (ms > 0 && !outageCounted) {
        outageCount++;
        outageCounted = true;
      }
      outageEnd = Math.max(outageEnd, iv.endMs ?? Infinity);
    } else if (e > s) {
      outageEnd = -Infinity;
    }
  }
  const unknownMs = Math.max(0, eligibleMs - knownMs);
  if (options.unknownPolicy === 'up') upMs += unknownMs;
  if (options.unknownPolicy === 'down') downMs += unknownMs;
  const measuredMs = options.unknownPolicy === 'excluded' ? eligibleMs - unknownMs : eligibleMs;
  const coverage = eligibleMs > 0 ? (eligibleMs - unknownMs) / eligibleMs : 1;
  const availability = measuredMs > 0 ? upMs / measuredMs : null;
  const allowedDowntimeMs = ((100 - options.targetPercent) / 100) * measuredMs;
  const errorBudgetLeftMs = allowedDowntimeMs - downMs;
  return {
    fromMs: window.fromMs,
    toMs: window.toMs,
    scheduledMs: window.scheduledMs,
    maintenanceMs: window.scheduledMs - eligibleMs,
    upMs,
    downMs,
    unknownMs,
    measuredMs,
    availability,
    availabilityPercent: availability === null ? null : availability * 100,
    targetPercent: options.targetPercent,
    targetMet: availability === null ? null : availability * 100 >= options.targetPercent,
    coverage,
    allowedDowntimeMs,
    errorBudgetLeftMs,
    errorBudgetLeftPercent: allowedDowntimeMs > 0 ? (errorBudgetLeftMs / allowedDowntimeMs) * 100 : null,
    outageCount,
    mttrMs: outageCount > 0 ? downMs / outageCount : null,
    mtbfMs: outageCount > 0 ? upMs / outageCount : null,
  };
}
