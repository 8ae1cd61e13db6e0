/**
 * The SLA part of the incident CLI (pure): per clock its due time in the collector's time zone and what remains, or
 * by how much it is breached; for `show` also pauses, extensions, escalation steps and the customer's evaluation.
 * Labels stay English (an operator's terminal); every time is local wall time, never UTC.
 */
import { z } from 'zod';
import { formatDuration } from '../../common/humanize.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';

const when = z.string().nullable().optional();
const timerSchema = z
  .object({
    target_s: z.number().optional(),
    due_at: when,
    stopped_at: when,
    remaining_business_s: z.number().optional(),
    state: z.string().optional(),
    breached: z.boolean().optional(),
    met: z.boolean().nullable().optional(),
  })
  .loose();
export const slaBlockSchema = z
  .object({
    policy: z.string().optional(),
    contract: z.string().nullable().optional(),
    response: timerSchema.nullable().optional(),
    resolution: timerSchema.nullable().optional(),
    pauses: z.array(z.object({ start: when, end: when, reason: z.string().optional(), paused_by: z.string().optional(), resumed_by: z.string().nullable().optional() }).loose()).optional(),
    extensions: z.array(z.object({ at: when, extend_s: z.number(), approved_by: z.string(), reason: z.string(), by: z.string().optional() }).loose()).optional(),
    escalation: z
      .object({
        chain: z.string(),
        levels: z.array(z.object({ level: z.number(), name: z.string(), due_at: when, cancelled: z.boolean().optional(), fired_at: when }).loose()),
      })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();
export type SlaBlock = z.infer<typeof slaBlockSchema>;
type Timer = z.infer<typeof timerSchema>;

const DUR = (s: number) => formatDuration(Math.abs(s), 'en');

/** `2026-10-05 10:30` (minutes; the timeline keeps seconds) in `timeZone`; `-` when unknown. */
export function localMinute(timeZone: string, at: string | null | undefined): string {
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? '-' : formatLocalDateTime(timeZone, ms).slice(0, 16);
}

/** A block the API sent, or null when it is missing or not understood (an older or newer collector). */
export function parseSla(value: unknown): SlaBlock | null {
  const parsed = slaBlockSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Where a clock stands: `met`, `breached by 1 h 5 min`, `paused, 25 min left`, `25 min left`. */
export function clockStatus(timer: Timer): string {
  const remaining = timer.remaining_business_s ?? 0;
  const stopped = timer.stopped_at !== null && timer.stopped_at !== undefined;
  if (stopped) return timer.breached ? `breached by ${DUR(-remaining)}` : 'met';
  if (timer.state === 'paused') return `paused, ${DUR(remaining)} left`;
  if (timer.breached || remaining < 0) return `breached by ${DUR(-remaining)}`;
  return `${DUR(remaining)} left`;
}

/** One list cell: `2026-10-05 10:30 (25 min left)`, `… (breached by 1 h 5 min)`, `met`, `paused (25 min left)`. */
export function clockCell(timer: Timer | null | undefined, timeZone: string): string {
  if (!timer) return '-';
  const status = clockStatus(timer);
  const stopped = timer.stopped_at !== null && timer.stopped_at !== undefined;
  if (stopped) return status;
  if (timer.state === 'paused') return `paused (${DUR(timer.remaining_business_s ?? 0)} left)`;
  return `${localMinute(timeZone, timer.due_at)} (${status})`;
}

function clockLine(name: string, timer: Timer | null | undefined, timeZone: string, extendedS: number): string {
  const label = `  ${`${name}:`.padEnd(13)}`;
  if (!timer) return `${label}no target`;
  const target = timer.target_s === undefined ? '' : `target ${DUR(timer.target_s - extendedS)}${extendedS ? ` + ${DUR(extendedS)} extended` : ''}`;
  const due = `due ${localMinute(timeZone, timer.due_at)}`;
  const stopped = timer.stopped_at ? `, stopped ${localMinute(timeZone, timer.stopped_at)}` : '';
  return `${label}${due}  ${clockStatus(timer)}${stopped}  (${target}${timer.state ? `; ${timer.state}` : ''})`;
}

/** The `show` section: both clocks, pauses, extensions, escalation steps. */
export function slaSection(sla: SlaBlock, timeZone: string): string[] {
  const lines = [`sla: policy ${sla.policy ?? '-'}${sla.contract ? `, contract ${sla.contract}` : ''} (times ${timeZone})`];
  const extendedS = (sla.extensions ?? []).reduce((sum, e) => sum + e.extend_s, 0);
  lines.push(clockLine('response', sla.response, timeZone, 0), clockLine('resolution', sla.resolution, timeZone, extendedS));
  const pauses = sla.pauses ?? [];
  if (pauses.length) {
    lines.push('pauses:');
    for (const p of pauses) {
      const who = [p.paused_by && `by ${p.paused_by}`, p.resumed_by && `resumed by ${p.resumed_by}`].filter(Boolean).join(', ');
      lines.push(`  ${localMinute(timeZone, p.start)} – ${p.end ? localMinute(timeZone, p.end) : 'now'}  ${p.reason ?? ''}${who ? `  (${who})` : ''}`);
    }
  }
  const extensions = sla.extensions ?? [];
  if (extensions.length) {
    lines.push('extensions:');
    for (const e of extensions) lines.push(`  ${localMinute(timeZone, e.at)}  +${DUR(e.extend_s)}  approved by ${e.approved_by}  ${e.reason}${e.by ? `  (by ${e.by})` : ''}`);
  }
  if (sla.escalation) {
    lines.push(`escalation (${sla.escalation.chain}):`);
    for (const l of sla.escalation.levels) {
      const state = l.fired_at ? `fired ${localMinute(timeZone, l.fired_at)}` : l.cancelled ? 'cancelled' : 'pending';
      lines.push(`  ${l.level}. ${l.name.padEnd(20)}  due ${localMinute(timeZone, l.due_at)}  ${state}`);
    }
  }
  return lines;
}
