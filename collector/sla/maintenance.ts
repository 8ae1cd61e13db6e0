/**
 * Maintenance windows: one-off {start, end}, or recurring by RRULE (rrule) or cron (croner) plus a duration,
 * scoped to targets / groups (none = everything). Expansion into concrete intervals over [from, to) and merging.
 */
import { Cron } from 'croner';
import rrule from 'rrule';
import { mergeIntervals, type Interval } from './intervals.js';
import { localToUtc, zoneOffsetMs } from './zoned-time.js';

const { rrulestr } = rrule;

/** Stop expanding a rule after this many occurrences in one range (a per-minute rule over a year). */
export const MAX_OCCURRENCES = 10_000;

export type MaintenanceSchedule =
  | { kind: 'once'; startMs: number; endMs: number }
  | { kind: 'rrule'; rule: string; durationMs: number; timeZone: string }
  | { kind: 'cron'; pattern: string; durationMs: number; timeZone: string };

export interface MaintenanceWindow {
  name: string;
  /** Empty targets and groups → applies to every target. */
  targets: readonly string[];
  groups: readonly string[];
  schedule: MaintenanceSchedule;
}

export function windowApplies(window: MaintenanceWindow, target: string, groups: readonly string[]): boolean {
  if (window.targets.length === 0 && window.groups.length === 0) return true;
  return window.targets.includes(target) || window.groups.some((g) => groups.includes(g));
}

/**
 * RRULE occurrences are computed in "floating" wall time (rrule's UTC fields stand for local time), then each
 * start is placed in the zone — so a 22:00 weekly window stays at 22:00 across DST changes.
 */
function expandRrule(s: Extract<MaintenanceSchedule, { kind: 'rrule' }>, fromMs: number, toMs: number): Interval[] {
  const rule = rrulestr(s.rule);
  // Search the wall-time range that can contain starts of windows overlapping [from, to); ±1 day covers any offset.
  const localFrom = new Date(fromMs - s.durationMs + zoneOffsetMs(s.timeZone, fromMs) - 86_400_000);
  const localTo = new Date(toMs + zoneOffsetMs(s.timeZone, toMs) + 86_400_000);
  const out: Interval[] = [];
  rule.between(localFrom, localTo, true, (date) => {
    const startMs = localToUtc(s.timeZone, date.getTime());
    if (startMs < toMs && startMs + s.durationMs > fromMs) out.push({ startMs, endMs: startMs + s.durationMs });
    return out.length < MAX_OCCURRENCES;
  });
  return out;
}

function expandCron(s: Extract<MaintenanceSchedule, { kind: 'cron' }>, fromMs: number, toMs: number): Interval[] {
  const cron = new Cron(s.pattern, { timezone: s.timeZone, paused: true });
  const out: Interval[] = [];
  // nextRun(x) is strictly after x: start 1 ms before the earliest start that can still overlap.
  let next = cron.nextRun(new Date(fromMs - s.durationMs));
  while (next && next.getTime() < toMs && out.length < MAX_OCCURRENCES) {
    const startMs = next.getTime();
    if (startMs + s.durationMs > fromMs) out.push({ startMs, endMs: startMs + s.durationMs });
    next = cron.nextRun(next);
  }
  return out;
}

/** Concrete intervals of one window overlapping [fromMs, toMs), clipped to the range, unmerged. */
export function expandWindow(window: MaintenanceWindow, fromMs: number, toMs: number): Interval[] {
  const s = window.schedule;
  let raw: Interval[];
  if (s.kind === 'once') raw = s.endMs > fromMs && s.startMs < toMs ? [{ startMs: s.startMs, endMs: s.endMs }] : [];
  else if (s.kind === 'rrule') raw = expandRrule(s, fromMs, toMs);
  else raw = expandCron(s, fromMs, toMs);
  return raw.map((i) => ({ startMs: Math.max(i.startMs, fromMs), endMs: Math.min(i.endMs, toMs) }));
}

/**
 * The whole maintenance span (windows merged, never clipped) covering the instant for one target, or null. Windows
 * that overlap or touch are followed to their end however long they run (a 40-day migration window included).
 */
export function maintenanceSpanAt(windows: readonly MaintenanceWindow[], target: string, groups: readonly string[], atMs: number): Interval | null {
  const applying = windows.filter((w) => windowApplies(w, target, groups));
  const occurrencesAt = (t: number): Interval[] =>
    applying.flatMap((w) => {
      const s = w.schedule;
      if (s.kind === 'once') return s.startMs <= t && t < s.endMs ? [{ startMs: s.startMs, endMs: s.endMs }] : [];
      // A recurring occurrence covering t starts within its duration before t.
      const raw = s.kind === 'rrule' ? expandRrule(s, t, t + 1) : expandCron(s, t, t + 1);
      return raw.filter((i) => i.startMs <= t && t < i.endMs);
    });
  let found = occurrencesAt(atMs);
  if (found.length === 0) return null;
  let span: Interval = { startMs: Math.min(...found.map((i) => i.startMs)), endMs: Math.max(...found.map((i) => i.endMs)) };
  // Follow windows that continue the span (bounded: a rule cannot chain forever).
  for (let i = 0; i < 1000; i++) {
    found = occurrencesAt(span.endMs);
    const end = Math.max(span.endMs, ...found.map((x) => x.endMs));
    if (end === span.endMs) break;
    span = { startMs: span.startMs, endMs: end };
  }
  return span;
}

/** Merged maintenance intervals over [fromMs, toMs) for one target and its groups. */
export function maintenanceIntervals(
  windows: readonly MaintenanceWindow[],
  target: string,
  groups: readonly string[],
  fromMs: number,
  toMs: number,
): Interval[] {
  const all: Interval[] = [];
  for (const w of windows) if (windowApplies(w, target, groups)) all.push(...expandWindow(w, fromMs, toMs));
  return mergeIntervals(all);
}

/** Checks a recurring rule without expanding it; returns an error message or null. */
export function validateSchedule(schedule: MaintenanceSchedule): string | null {
  if (schedule.kind === 'rrule' && !/DTSTART:\d{8}T\d{6}(?![\dZ])/.test(schedule.rule)) {
    return 'rrule needs DTSTART:YYYYMMDDTHHMMSS in local wall time (no TZID, no Z: the window\'s timezone applies)';
  }
  try {
    if (schedule.kind === 'rrule') rrulestr(schedule.rule);
    if (schedule.kind === 'cron') new Cron(schedule.pattern, { timezone: schedule.timeZone, paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
