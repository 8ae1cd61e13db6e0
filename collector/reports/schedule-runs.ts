/**
 * The last run of each report schedule (table report_schedule_runs, migration 014; this module owns it): when it
 * started and finished, how it went (ok | partial | failed, with the first error), the files it produced, whether
 * they were written to the reports directory, and each channel it went to with the outcome. Keyed by what the
 * schedule is, so it survives a restart and a reordering of `reports.schedules`; a changed cron is a new schedule.
 */
import { sql } from 'kysely';
import { changed, type Q } from '../store/sql/sql-helpers.js';
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

/** What a claimed run shows until it records how it went (or for good, when its collector died during it). */
export const UNFINISHED_RUN = 'started, not finished (the collector stopped during the run?)';

/** What a schedule is: report, period, contract, cron and time zone (not its place in the list). */
export function scheduleKey(s: Pick<ReportSchedule, 'report' | 'period' | 'contract' | 'cron' | 'timezone'>): string {
  return [s.report, s.report === 'sla' ? s.period : '', s.contract ?? '*', s.cron, s.timezone].join('|');
}

const rowOf = (key: string, run: ScheduleRun) => ({
  schedule_key: key,
  started_at_ms: run.startedAtMs,
  finished_at_ms: run.finishedAtMs,
  outcome: run.outcome,
  error: run.error,
  files: JSON.stringify(run.files),
  written: run.written ? 1 : 0,
  deliveries: JSON.stringify(run.deliveries),
});

export function createScheduleRunStore() {
  return {
    async record(q: Q, key: string, run: ScheduleRun): Promise<void> {
      const row = rowOf(key, run);
      await q
        .insertInto('report_schedule_runs')
        .values(row)
        .onConflict((oc) =>
          oc.column('schedule_key').doUpdateSet({
            started_at_ms: row.started_at_ms,
            finished_at_ms: row.finished_at_ms,
            outcome: row.outcome,
            error: row.error,
            files: row.files,
            written: row.written,
            deliveries: row.deliveries,
          }),
        )
        .execute();
    },
    /**
     * Claims the run of schedule `key` due at `dueMs` for this collector, starting at `startedAtMs` (≥ `dueMs`);
     * true when this call claimed it, false when a collector already did. Two collectors running the same schedules
     * both reach here at every due time; only one sends the report. How: the schedule's one row (primary key
     * schedule_key) holds the start of its newest run, and a run always starts at or after its due time and before the
     * next one is due (the scheduler arms the next due time after the start). So "this period's run is not claimed
     * yet" is "the stored start is before `dueMs`", and the claim is a single upsert guarded by that condition: it
     * inserts the row (first run ever) or updates it only while the condition holds. Both engines serialise it on the
     * row — SQLite through BEGIN IMMEDIATE, PostgreSQL by making the second upsert wait for the first one's row lock
     * and re-check the condition on the committed row — so exactly one of any number of callers gets a row changed.
     * The claimed row reads "started, not finished" until `record` overwrites it with the outcome.
     */
    async claim(q: Q, key: string, dueMs: number, startedAtMs: number): Promise<boolean> {
      const row = rowOf(key, { startedAtMs, finishedAtMs: startedAtMs, outcome: 'failed', error: UNFINISHED_RUN, files: [], written: false, deliveries: [] });
      const result = await q
        .insertInto('report_schedule_runs')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('schedule_key')
            .doUpdateSet({ started_at_ms: row.started_at_ms, finished_at_ms: row.finished_at_ms, outcome: row.outcome, error: row.error, files: row.files, written: row.written, deliveries: row.deliveries })
            .where(sql.ref('report_schedule_runs.started_at_ms'), '<', dueMs),
        )
        .executeTakeFirst();
      return changed(result) > 0;
    },
    async last(q: Q, key: string): Promise<ScheduleRun | null> {
      const row = await q
        .selectFrom('report_schedule_runs')
        .select(['started_at_ms', 'finished_at_ms', 'outcome', 'error', 'files', 'written', 'deliveries'])
        .where('schedule_key', '=', key)
        .executeTakeFirst();
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
