/**
 * Error-budget burn-rate alerting (SRE workbook, multi-window multi-burn-rate): an alert fires when both its
 * long and its short window burn the budget faster than its factor. Burn rate = error ratio / (1 − target).
 */
import { availabilityWindow, computeAvailability, type AvailabilityOptions, type StateInterval } from './availability.js';
import type { BusinessCalendar } from './calendar.js';
import type { Interval } from './intervals.js';
import { HOUR_MS, MINUTE_MS, DAY_MS } from './zoned-time.js';

export interface BurnRateRule {
  name: string;
  longMs: number;
  shortMs: number;
  factor: number;
  severity: 'page' | 'ticket';
}

/** The workbook's table for a 30-day budget: 2 % in 1 h, 5 % in 6 h (page); 10 % in 1 d, 10 % in 3 d (ticket). */
export const DEFAULT_BURN_RATE_RULES: readonly BurnRateRule[] = [
  { name: '1h/5m', longMs: HOUR_MS, shortMs: 5 * MINUTE_MS, factor: 14.4, severity: 'page' },
  { name: '6h/30m', longMs: 6 * HOUR_MS, shortMs: 30 * MINUTE_MS, factor: 6, severity: 'page' },
  { name: '1d/2h', longMs: DAY_MS, shortMs: 2 * HOUR_MS, factor: 3, severity: 'ticket' },
  { name: '3d/6h', longMs: 3 * DAY_MS, shortMs: 6 * HOUR_MS, factor: 1, severity: 'ticket' },
];

export interface BurnRateResult {
  rule: BurnRateRule;
  /** null when the window had no measurable time. */
  longBurn: number | null;
  shortBurn: number | null;
  firing: boolean;
}

export interface BurnRateEvaluation {
  results: BurnRateResult[];
  /** The first firing rule in table order (the most urgent), or null. */
  firing: BurnRateRule | null;
}

function burnOver(
  calendar: BusinessCalendar,
  intervals: readonly StateInterval[],
  maintenance: readonly Interval[],
  options: AvailabilityOptions,
  windowMs: number,
  nowMs: number,
): number | null {
  const report = computeAvailability(availabilityWindow(calendar, nowMs - windowMs, nowMs), intervals, maintenance, options);
  if (report.measuredMs <= 0) return null;
  const budget = 1 - options.targetPercent / 100;
  return budget > 0 ? report.downMs / report.measuredMs / budget : report.downMs > 0 ? Infinity : 0;
}

export function evaluateBurnRate(
  calendar: BusinessCalendar,
  intervals: readonly StateInterval[],
  maintenance: readonly Interval[],
  options: AvailabilityOptions,
  nowMs: number,
  rules: readonly BurnRateRule[] = DEFAULT_BURN_RATE_RULES,
): BurnRateEvaluation {
  const results = rules.map((rule) => {
    const longBurn = burnOver(calendar, intervals, maintenance, options, rule.longMs, nowMs);
    const shortBurn = burnOver(calendar, intervals, maintenance, options, rule.shortMs, nowMs);
    const firing = longBurn !== null && shortBurn !== null && longBurn >= rule.factor && shortBurn >= rule.factor;
    return { rule, longBurn, shortBurn, firing };
  });
  return { results, firing: results.find((r) => r.firing)?.rule ?? null };
}
