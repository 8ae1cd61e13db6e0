/**
 * Collector config section `heartbeats:` — push heartbeats for cron/backup jobs on machines without an agent.
 *
 * ```yaml
 * heartbeats:
 *   - name: nightly-db-backup
 *     token: ${HB_DB_BACKUP_TOKEN}   # the secret in the ping URL (≥ 16 characters)
 *     target: db-1                    # availability and incidents are per target
 *     schedule: "0 3 * * *"           # or `period: 1h`
 *     timezone: Asia/Shanghai         # default: the collector's top-level `timezone`
 *     grace: 30m
 *     severity: P2                    # incident severity when late/failed (default: the incident rules decide)
 * ```
 */
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import { SEVERITIES, type Severity } from '../events.js';
import { cronProblem } from './schedule.js';

export const HEARTBEAT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const isTimeZone = (name: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/** The definition shared by config entries and POST /api/v1/heartbeats (which generates the token). */
export const heartbeatDefinitionShape = {
  name: z.string().regex(HEARTBEAT_NAME_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,99}$'),
  target: z.string().min(1).max(200),
  period: durationSchema({ min: '1m', max: '400d' }).optional(),
  schedule: z.string().min(1).max(200).optional(),
  timezone: z.string().refine(isTimeZone, 'unknown time zone').optional(),
  grace: durationSchema({ max: '7d' }).default(300_000),
  severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
};

type DefinitionInput = { period?: number; schedule?: string; timezone?: string };

export function checkRule(def: DefinitionInput, ctx: z.RefinementCtx): void {
  if ((def.period === undefined) === (def.schedule === undefined)) {
    ctx.addIssue({ code: 'custom', path: [def.period === undefined ? 'period' : 'schedule'], message: 'set exactly one of period, schedule' });
  }
  if (def.schedule !== undefined) {
    const problem = cronProblem(def.schedule, def.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['schedule'], message: `invalid cron pattern: ${problem}` });
  } else if (def.timezone !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'only valid with schedule' });
  }
}

export const heartbeatConfigSchema = z
  .strictObject({ ...heartbeatDefinitionShape, token: z.string().min(16, 'token must be at least 16 characters').max(200) })
  .superRefine(checkRule);
export type HeartbeatConfig = z.output<typeof heartbeatConfigSchema>;

export const heartbeatsConfigSchema = z
  .array(heartbeatConfigSchema)
  .max(10_000)
  .default([])
  .superRefine((list, ctx) => {
    const names = new Map<string, number>();
    const tokens = new Set<string>();
    list.forEach((hb, i) => {
      if (names.has(hb.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate heartbeat name "${hb.name}" (also heartbeats[${names.get(hb.name)}])` });
      else names.set(hb.name, i);
      if (tokens.has(hb.token)) ctx.addIssue({ code: 'custom', path: [i, 'token'], message: 'duplicate token' });
      tokens.add(hb.token);
    });
  });
