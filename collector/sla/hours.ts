/**
 * Parses working-hours lines like `mon-fri 09:00-17:30`, `mon,wed 08:00-12:00,13:00-17:00`, `daily 00:00-24:00`
 * into windows per ISO weekday. Returns an error message naming the bad part instead of throwing.
 */
import type { TimeWindow } from './calendar.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function parseDays(text: string): number[] | string {
  if (text === 'daily') return [1, 2, 3, 4, 5, 6, 7];
  const out: number[] = [];
  for (const part of text.split(',')) {
    const range = part.split('-');
    const from = DAYS.indexOf(range[0] ?? '') + 1;
    const to = range.length === 2 ? DAYS.indexOf(range[1] ?? '') + 1 : from;
    if (from === 0 || to === 0 || range.length > 2 || to < from) return `bad day range "${part}" (use e.g. mon-fri, sat, mon,wed)`;
    for (let d = from; d <= to; d++) out.push(d);
  }
  return out;
}

function parseClock(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 1440 ? minutes : null;
}

/** `08:00-12:00,13:00-17:00` → windows. */
export function parseWindows(text: string): TimeWindow[] | string {
  const windows: TimeWindow[] = [];
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.split('-');
    const startMin = parseClock(a ?? '');
    const endMin = parseClock(b ?? '');
    if (startMin === null || endMin === null || rest.length > 0 || endMin <= startMin) {
      return `bad time window "${part}" (use HH:MM-HH:MM with start before end, up to 24:00)`;
    }
    windows.push({ startMin, endMin });
  }
  return windows;
}

/** Lines → windows per ISO weekday (index 1..7). */
export function parseWeeklyHours(lines: readonly string[]): TimeWindow[][] | string {
  const week: TimeWindow[][] = Array.from({ length: 8 }, () => []);
  for (const line of lines) {
    const [daysText, windowsText, ...rest] = line.trim().toLowerCase().split(/\s+/);
    if (!daysText || !windowsText || rest.length > 0) return `bad hours line "${line}" (use e.g. "mon-fri 09:00-17:30")`;
    const days = parseDays(daysText);
    if (typeof days === 'string') return days;
    const windows = parseWindows(windowsText);
    if (typeof windows === 'string') return windows;
    for (const d of days) week[d]?.push(...windows);
  }
  return week;
}
