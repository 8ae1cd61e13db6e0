/**
 * "Expected by" deadlines from a cron schedule in a time zone (croner). The schedule says when the backup job
 * starts; `grace` is how long it may take. At `nowMs` the run that must have finished is the latest start at or
 * before `nowMs − grace`: a backup older than that start is late. Pure.
 */
import { croner } from './croner.js';

export interface ScheduleRule {
  cron: string;
  timezone: string | undefined;
  graceMs: number;
}

/** Validates a cron pattern (and time zone); returns the problem text or null. */
export function cronProblem(pattern: string, timezone?: string): string | null {
  const { Cron } = croner();
  try {
    new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) }).nextRun(new Date(0));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Whether `name` is an IANA time zone this Node knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Start time of the latest run that must be finished by `nowMs`, or null before the schedule's first run. */
export function lastExpectedStart(rule: ScheduleRule, nowMs: number): number | null {
  const { Cron } = croner();
  const cron = new Cron(rule.cron, { paused: true, ...(rule.timezone ? { timezone: rule.timezone } : {}) });
  const [previous] = cron.previousRuns(1, new Date(nowMs - rule.graceMs + 1)) // +1 ms: a start exactly at the reference counts;
  return previous ? previous.getTime() : null;
}
