/** Report periods in a time zone: a month `YYYY-MM` or quarter `YYYY-Qn`, a day `YYYY-MM-DD`; futures are refused with a clear message. */
import { monthPeriod, PERIOD_FORMAT } from '../sla/index.js';
import { DAY_MS, localToUtc, parseDayKey } from '../sla/zoned-time.js';
import { ReportError } from './errors.js';

export interface Range {
  fromMs: number;
  toMs: number;
}

export function monthRange(timeZone: string, period: string, nowMs: number): Range {
  const range = monthPeriod(timeZone, period);
  if (!range) throw new ReportError('invalid', `period must be ${PERIOD_FORMAT}, got "${period}"`);
  if (range.fromMs > nowMs) throw new ReportError('future', `period ${period} is in the future`);
  return range;
}

export function dayRange(timeZone: string, date: string, nowMs: number): Range {
  const day = parseDayKey(date);
  if (day === null) throw new ReportError('invalid', `date must be YYYY-MM-DD, got "${date}"`);
  const range = { fromMs: localToUtc(timeZone, day * DAY_MS), toMs: localToUtc(timeZone, (day + 1) * DAY_MS) };
  if (range.fromMs > nowMs) throw new ReportError('future', `date ${date} is in the future`);
  return range;
}

/** The quarter before the one `YYYY-MM` falls in (`2026-04` → `2026-Q1`; `2026-01` → `2025-Q4`). */
export function previousQuarter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

/** The period before `YYYY-MM` (last month for a schedule that runs on the 1st). */
export function previousMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));
