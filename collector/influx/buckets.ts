/**
 * Per-minute availability buckets (pure): for each whole minute [m, m+60 s) the seconds up / down / unknown /
 * maintenance / scheduled of one target in its contract calendar — the SLA engine's computeAvailability over
 * that minute, so the sums over any minute-aligned window equal the engine's result for the window (every term
 * is additive over a partition of time). Unknown is stored raw; the dashboard applies the policy.
 */
import { availabilityWindow, computeAvailability, type StateInterval } from '../sla/availability.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { intersectIntervals, mergeIntervals, totalMs, type Interval } from '../sla/intervals.js';

export const MINUTE_MS = 60_000;

/** up 0 · maintenance 1 · unknown 2 · down 3: max() over a time range gives its worst state. */
export const BUCKET_STATE_CODE = { up: 0, maintenance: 1, unknown: 2, down: 3 } as const;

export interface MinuteBucket {
  minuteMs: number;
  upMs: number;
  downMs: number;
  unknownMs: number;
  maintenanceMs: number;
  scheduledMs: number;
  /** The worst state in the minute on the wall clock (not only scheduled time): for state timelines. */
  stateCode: number;
}

export const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

const EVERYTHING = { targetPercent: 100, unknownPolicy: 'excluded', warnCountsAsUp: true } as const;

/** Buckets for every minute in [fromMs, toMs) (both minute-aligned). `intervals` may be unsorted. */
export function minuteBuckets(
  calendar: BusinessCalendar,
  intervals: readonly StateInterval[],
  maintenance: readonly Interval[],
  fromMs: number,
  toMs: number,
  warnCountsAsUp: boolean,
): MinuteBucket[] {
  const span = availabilityWindow(calendar, fromMs, toMs);
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const maintenanceMerged = mergeIntervals(maintenance); // intersectIntervals needs sorted, disjoint input
  const out: MinuteBucket[] = [];
  let first = 0;
  for (let m = fromMs; m < toMs; m += MINUTE_MS) {
    const end = m + MINUTE_MS;
    const minute = [{ startMs: m, endMs: end }];
    while (first < sorted.length && ((sorted[first] as StateInterval).endMs ?? Infinity) <= m) first++;
    const here: StateInterval[] = [];
    for (let i = first; i < sorted.length && (sorted[i] as StateInterval).startMs < end; i++) {
      const iv = sorted[i] as StateInterval;
      if ((iv.endMs ?? Infinity) > m) here.push(iv);
    }
    const maint = intersectIntervals(maintenanceMerged, minute);
    const scheduled = intersectIntervals(span.scheduled, minute);
    const contract = computeAvailability({ fromMs: m, toMs: end, scheduled, scheduledMs: totalMs(scheduled) }, here, maint, {
      ...EVERYTHING,
      warnCountsAsUp,
    });
    // The wall-clock view for the state timeline: the whole minute counts.
    const wall = computeAvailability({ fromMs: m, toMs: end, scheduled: minute, scheduledMs: MINUTE_MS }, here, maint, { ...EVERYTHING, warnCountsAsUp });
    const stateCode =
      wall.downMs > 0
        ? BUCKET_STATE_CODE.down
        : wall.unknownMs > 0
          ? BUCKET_STATE_CODE.unknown
          : wall.maintenanceMs > 0
            ? BUCKET_STATE_CODE.maintenance
            : BUCKET_STATE_CODE.up;
    out.push({
      minuteMs: m,
      upMs: contract.upMs,
      downMs: contract.downMs,
      unknownMs: contract.unknownMs,
      maintenanceMs: contract.maintenanceMs,
      scheduledMs: contract.scheduledMs,
      stateCode,
    });
  }
  return out;
}
