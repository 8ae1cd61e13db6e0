/**
 * The last run of each report schedule (table report_schedule_runs, migration 014; this module owns it): when it
 * started and finished, how it went (ok | partial | failed, with the first error), the files it produced, whether
 * they were written to the reports directory, and each channel it went to with the outcome. Keyed by what the
 * schedule is, so it survives a restart and a reordering of `reports.schedules`; a changed cron is a new schedule.
 */
import type { Db } from '../store/db.js';
import type { ReportSchedule } from './config.js';

export type RunOutcome = 'ok' | 'partial' | 'failed';

export interface ScheduleRun {
  startedAtMs: number;
  finishedAtMs: number;
  outcome: RunOutcome;
  /** The first problem (a report not generated, a file not written, a channel that failed); null when ok. */
  error: string | null;
  files: string[];
  written: boolean;
  deliveries: Array<{ channel: string; ok: boolean; error: string | null }>;
}

interface Row {
  schedule_key: string;
  started_at_ms: number;
  finished_at_ms: number;
  outcome: string;
  error: string | null;
  files: string;
  written: number;
  deliveries: string;
}

/** What a schedule is: report, period, contract, cron and time zone (not its place in the list). */
export function scheduleKey(s: Pick<ReportSchedule, 'report' | 'period' | 'contract' | 'cron' | 'timezone'>): string {
  return [s.report, s.report === 'sla' ? s.period : '', s.contract ?? '*', s.cron, s.timezone].join('|');
}

export function createScheduleRunStore(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO report_schedule_runs (schedule_key, started_at_ms, finished_at_ms, outcome, error, files, written, deliveries)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (schedule_key) DO UPDATE SET started_at_ms = excluded.started_at_ms, finished_at_ms = excluded.finished_at_ms,
       outcome = excluded.outcome, error = excluded.error, files = excluded.files, written = excluded.written, deliveries = excluded.deliveries`,
  );
  const one = db.prepare('SELECT * FROM report_schedule_runs WHERE schedule_key = ?');
  return {
    record(key: string, run: ScheduleRun): void {
      upsert.run(key, run.startedAtMs, run.finishedAtMs, run.outcome, run.error, JSON.stringify(run.files), run.written ? 1 : 0, JSON.stringify(run.deliveries));
    },
    last(key: string): ScheduleRun | null {
      const row = one.get(key) as Row | undefined;
      if (!row) return null;
      return {
        startedAtMs: row.started_at_ms,
        finishedAtMs: row.finished_at_ms,
        outcome: row.outcome as RunOutcome,
        error: row.error,
        files: JSON.parse(row.files) as string[],
        written: row.written === 1,
        deliveries: JSON.parse(row.deliveries) as ScheduleRun['deliveries'],
      };
    },
  };
}
export type ScheduleRunStore = ReturnType<typeof createScheduleRunStore>;

/**
 * How a run went: failed when it produced no file, or when it had nowhere left to go (not written, every channel
 * failed); partial when something went wrong but something arrived; ok otherwise.
 */
export function outcomeOf(run: Pick<ScheduleRun, 'files' | 'written' | 'deliveries'> & { problems: number }): RunOutcome {
  if (run.files.length === 0) return 'failed';
  const delivered = run.deliveries.some((d) => d.ok);
  if (!run.written && run.deliveries.length > 0 && !delivered) return 'failed';
  return run.problems > 0 ? 'partial' : 'ok';
}
