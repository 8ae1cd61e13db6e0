/**
 * SLA durations that know their unit: `30m`, `4h`, `2d`, `1w` (clock time) or `2wd` (working days). A working day is
 * the length of the calendar's Monday–Friday working hours, so `2wd` on 5x8 (09:00–17:30) is 17 h of working time —
 * Monday 10:00 + 2wd is Wednesday 10:00. Days and weeks are refused on a business calendar (ambiguous: 2d of working
 * time is 48 working hours, almost six working days), and working days on a calendar that runs around the clock.
 */
import { parseDurationMs } from '../../common/duration.js';
import type { CalendarSpec } from './calendar.js';

export type SlaDuration = { kind: 'time'; ms: number; usesDays: boolean; text: string } | { kind: 'wd'; days: number; text: string };

const WORKING_DAYS = /^(\d+(?:\.\d+)?)wd$/;
const DAY_UNIT = /\d(?:d|w)(?=\d|$)/;
const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

/** `2wd`, `30m`, `1h30m`, `2d`, or seconds as a number; null when it is none of these. */
export function parseSlaDuration(value: string | number): SlaDuration | null {
  const text = String(value).trim();
  const wd = WORKING_DAYS.exec(text);
  if (wd) return { kind: 'wd', days: Number(wd[1]), text };
  const ms = parseDurationMs(typeof value === 'number' ? value : text);
  if (ms === null) return null;
  return { kind: 'time', ms, usesDays: typeof value === 'string' && DAY_UNIT.test(text), text };
}

/** Every day 00:00–24:00 (no working-hours limit; holidays aside). */
export function isAroundTheClock(spec: Pick<CalendarSpec, 'week'>): boolean {
  for (let d = 1; d <= 7; d++) {
    const w = spec.week[d] ?? [];
    const minutes = w.reduce((sum, x) => sum + (x.endMin - x.startMin), 0);
    if (minutes < 1440) return false;
  }
  return true;
}

function hours(minutes: number): string {
  return `${Number((minutes / 60).toFixed(2))} h`;
}

/** Length of one working day of the calendar in ms, or why it has none. */
export function workingDayMs(spec: Pick<CalendarSpec, 'name' | 'week'>): number | string {
  const lengths = [1, 2, 3, 4, 5].map((d) => (spec.week[d] ?? []).reduce((sum, w) => sum + (w.endMin - w.startMin), 0));
  const first = lengths[0] ?? 0;
  if (lengths.some((l) => l !== first)) {
    const listed = lengths.map((l, i) => `${WEEKDAY_NAMES[i + 1]} ${hours(l)}`).join(', ');
    return `calendar "${spec.name}" has Monday–Friday working hours of different lengths (${listed}), so a working day has no single length: give working hours instead (e.g. 16h)`;
  }
  if (first === 0) return `calendar "${spec.name}" has no working hours Monday–Friday, so it has no working days`;
  return first * 60_000;
}

/** Milliseconds of working time on the calendar, or the reason the duration does not fit it. */
export function resolveSlaDuration(d: SlaDuration, spec: Pick<CalendarSpec, 'name' | 'week'>): number | string {
  const clock = isAroundTheClock(spec);
  if (d.kind === 'wd') {
    if (clock) return `"${d.text}" counts working days, but calendar "${spec.name}" runs around the clock: use ${d.days}d (= ${d.days * 24}h)`;
    const day = workingDayMs(spec);
    return typeof day === 'string' ? `"${d.text}": ${day}` : Math.round(d.days * day);
  }
  if (d.usesDays && !clock) {
    const h = Number((d.ms / 3_600_000).toFixed(2));
    const days = Number((d.ms / 86_400_000).toFixed(2));
    return `"${d.text}" is ambiguous on business calendar "${spec.name}": use ${days}wd for working days, or ${h}h`;
  }
  return d.ms;
}
