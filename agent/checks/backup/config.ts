/**
 * Config of the `backup` check. Exactly one source — `path` (a glob of backup files), `status_file` (written by
 * the backup job) or `command` (argv of a tool listing snapshots) — and exactly one freshness rule — `max_age`
 * or `schedule` (cron, in `timezone`, plus `grace`).
 */
import { z } from 'zod';
import { defineSpec } from '../types.js';
import { durationSchema } from '../../../common/duration.js';
import { cronProblem, isTimeZone } from './schedule.js';
import { sizeSchema } from './size.js';

export const COMMAND_FORMATS = ['restic', 'borg', 'json'] as const;

export const backupConfigSchema = z
  .strictObject({
    /** Absolute glob of backup files: `*`, `?` within a segment, `**` for any depth. */
    path: z.string().startsWith('/', 'must be an absolute path').max(1000).optional(),
    /** File written by the backup job: JSON {exit_code, finished_at} or key=value lines. */
    status_file: z.string().startsWith('/', 'must be an absolute path').max(1000).optional(),
    /** argv run without a shell, e.g. [restic, -r, /srv/restic, snapshots, --json]. */
    command: z.array(z.string().min(1).max(4096)).min(1).max(100).optional(),
    /** How the command's stdout is read; `json` needs `time_field`. */
    format: z.enum(COMMAND_FORMATS).optional(),
    /** Path to the snapshot time(s) in the command's JSON: `.snapshots[].time`, `[-1].end`, `last.finished_at`. */
    time_field: z.string().min(1).max(200).optional(),
    /** Environment for the command (e.g. RESTIC_PASSWORD_FILE); PATH and HOME are passed through. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'), z.string()).default({}),
    max_age: durationSchema({ min: '1m', max: '400d' }).optional(),
    /** Cron pattern of when the job starts, e.g. `0 3 * * *`. */
    schedule: z.string().min(1).max(200).optional(),
    /** IANA zone of `schedule` (default: the agent's zone). */
    timezone: z.string().refine(isTimeZone, 'unknown time zone').optional(),
    /** How long after the scheduled start the backup may arrive. */
    grace: durationSchema({ max: '7d' }).default(1_800_000),
    /** Files only: the newest file must be at least this big (zero bytes is always crit). */
    min_size: sizeSchema.optional(),
    /** Files only: crit below this % of the median size of the last `size_history` backups. 0 disables. */
    size_drop_percent: z.number().min(0).max(100).default(50),
    size_history: z.number().int().min(3).max(100).default(7),
    /** Files only: at least this many files must match. */
    min_files: z.number().int().min(1).max(1_000_000).default(1),
  })
  .superRefine((cfg, ctx) => {
    const sources = (['path', 'status_file', 'command'] as const).filter((k) => cfg[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [sources[1] ?? 'path'], message: 'set exactly one of path, status_file, command' });
    }
    if ((cfg.max_age === undefined) === (cfg.schedule === undefined)) {
      ctx.addIssue({ code: 'custom', path: [cfg.max_age === undefined ? 'max_age' : 'schedule'], message: 'set exactly one of max_age, schedule' });
    }
    if (cfg.schedule !== undefined) {
      const problem = cronProblem(cfg.schedule, cfg.timezone);
      if (problem) ctx.addIssue({ code: 'custom', path: ['schedule'], message: `invalid cron pattern: ${problem}` });
    } else if (cfg.timezone !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'only valid with schedule' });
    }
    if (cfg.path === undefined) {
      for (const key of ['min_size', 'min_files'] as const) {
        if (cfg[key] !== undefined && !(key === 'min_files' && cfg[key] === 1)) ctx.addIssue({ code: 'custom', path: [key], message: 'only valid with path' });
      }
    }
    if (cfg.command === undefined) {
      for (const key of ['format', 'time_field'] as const) {
        if (cfg[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only valid with command' });
      }
    } else if ((cfg.format ?? 'restic') === 'json' && cfg.time_field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['time_field'], message: 'required with format: json' });
    } else if (cfg.time_field !== undefined && cfg.format !== undefined && cfg.format !== 'json') {
      ctx.addIssue({ code: 'custom', path: ['time_field'], message: 'only valid with format: json' });
    }
  });

export type BackupConfig = z.output<typeof backupConfigSchema>;

export const backupSpec = defineSpec({ type: 'backup', configSchema: backupConfigSchema, defaultTarget: (_cfg, deps) => deps.hostname });
