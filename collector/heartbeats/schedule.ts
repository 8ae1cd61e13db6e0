/**
 * When a heartbeat is due (pure). A rule is either `period` (a ping at least every period) or a cron `schedule`
 * in a time zone (the job runs at those times); either way `grace` is added. `deadlineAfter(rule, ref)` is the
 * deadline of the first expected ping after `ref` (a success time, the creation time, or the expected time of a
 * missed ping).
 */
import { Cron } from 'croner';

export type HeartbeatRule =
  | { kind: 'period'; periodMs: number; graceMs: number }
  | { kind: 'cron'; schedule: string; timezone: string | undefined; graceMs: number };

const cronOf = (rule: Extract<HeartbeatRule, { kind: 'cron' }>) => new Cron(rule.schedule, { paused: true, ...(rule.timezone ? { timezone: rule.timezone } : {}) });

/** The problem with a cron pattern / zone, or null. */
export function cronProblem(schedule: string, timezone?: string): string | null {
  try {
    const next = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) }).nextRun(new Date(0));
    return next ? null : 'the schedule never fires';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** When the first ping after `refMs` is expected (before grace). */
export function expectedAfter(rule: HeartbeatRule, refMs: number): number {
  if (rule.kind === 'period') return refMs + rule.periodMs;
  const next = cronOf(rule).nextRun(new Date(refMs));
  // cronProblem() rejected schedules that never fire; a finite schedule that ended expects nothing more.
  return next ? next.getTime() : Number.MAX_SAFE_INTEGER;
}

export function deadlineAfter(rule: HeartbeatRule, refMs: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, expectedAfter(rule, refMs) + rule.graceMs);
}

/**
 * The longest wait between two consecutive deadlines (seconds), published as the check's interval so the
 * collector's silence rule (a multiple of the interval) never fires while the heartbeat service is running.
 */
export function longestGapS(rule: HeartbeatRule, fromMs: number): number {
  if (rule.kind === 'period') return (rule.periodMs + rule.graceMs) / 1000;
  const runs = cronOf(rule).nextRuns(60, new Date(fromMs)).map((d) => d.getTime());
  let gap = 60_000;
  for (let i = 1; i < runs.length; i++) gap = Math.max(gap, (runs[i] ?? 0) - (runs[i - 1] ?? 0));
  return (gap + rule.graceMs) / 1000;
}
