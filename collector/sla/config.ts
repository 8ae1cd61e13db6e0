/**
 * Collector config section `sla:` — calendars, policies (presets or explicit), escalation chains, contracts,
 * maintenance windows and availability options. Strict: unknown keys and unknown names are errors with paths.
 */
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import { SEVERITIES } from '../events.js';
import { BUILTIN_CALENDARS, DEFAULT_TIME_ZONE } from './builtin-calendars.js';
import { allWeek, type TimeWindow } from './calendar.js';
import { HOLIDAY_SETS, parseDayRange } from './holiday-data.js';
import { parseWeeklyHours, parseWindows } from './hours.js';
import { validateSchedule } from './maintenance.js';
import { DEFAULT_POLICY, PRESET_ESCALATIONS, PRESET_POLICIES } from './presets.js';
import { PRESET_ALIASES, presetId } from './preset-texts.js';
import { parseSlaDuration, resolveSlaDuration, type SlaDuration } from './working-days.js';
import { isValidTimeZone, parseDayKey } from './zoned-time.js';

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'unknown time zone (use an IANA name such as Asia/Shanghai)' });
const dayKeySchema = z.string().refine((s) => parseDayKey(s) !== null, { message: 'expected a date YYYY-MM-DD' });
/** A timer target: `30m`, `4h`, `1h30m`, `2wd` (working days of the timer's calendar), `2d` (24x7 calendars only). */
const slaDurationSchema = z.union([z.string(), z.number()]).transform((value, ctx): SlaDuration => {
  const parsed = parseSlaDuration(value);
  if (parsed === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (use e.g. 30m, 4h, 2wd for working days, 2d on 24x7)` });
    return z.NEVER;
  }
  return parsed;
});

const dayRangeSchema = z.string().refine((s) => typeof parseDayRange(s) !== 'string', { message: 'expected YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD' });
const holidayYearSchema = z.strictObject({
  /** Days off (statutory holidays, including the weekend days inside a holiday block). */
  off: z.array(dayRangeSchema).default([]),
  /** Make-up working days (调休上班). */
  work: z.array(dayRangeSchema).default([]),
});

const isoInstantSchema = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO 8601 date-time' });

const calendarSchema = z
  .strictObject({
    timezone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    /** `24x7`, or lines such as `mon-fri 09:00-17:30`, `mon-fri 08:00-12:00,13:00-17:00`. */
    hours: z.union([z.literal('24x7'), z.array(z.string()).min(1)]),
    /** Windows on make-up workdays (调休); default: the calendar's first weekday windows. */
    makeup_hours: z.string().optional(),
    /** `cn` applies China's statutory holidays and make-up days (chinese-days + sla.holiday_data.cn); default cn for weekly hours, none for 24x7. */
    holidays: z.enum([...HOLIDAY_SETS, 'none']).optional(),
    /** Local one-off days off / working days; they do not declare a year's holiday data complete. */
    extra_holidays: z.array(dayKeySchema).default([]),
    extra_workdays: z.array(dayKeySchema).default([]),
  })
  .superRefine((cal, ctx) => {
    if (cal.hours !== '24x7') {
      const week = parseWeeklyHours(cal.hours);
      if (typeof week === 'string') ctx.addIssue({ code: 'custom', path: ['hours'], message: week });
    }
    if (cal.makeup_hours !== undefined) {
      const windows = parseWindows(cal.makeup_hours);
      if (typeof windows === 'string') ctx.addIssue({ code: 'custom', path: ['makeup_hours'], message: windows });
    }
  });

const escalationSchema = z.strictObject({
  timer: z.enum(['response', 'resolution']).default('resolution'),
  calendar: z.string().optional(),
  levels: z.array(z.strictObject({ after: durationSchema(), name: z.string().min(1), channels: z.array(z.string()).default([]) })).min(1),
});

const severityOverrideSchema = z.strictObject({
  /** Working time to respond / resolve (`30m`, `4h`, `2wd`; `d`/`w` on 24x7 only); `null` removes the target. */
  response: slaDurationSchema.nullable().optional(),
  resolution: slaDurationSchema.nullable().optional(),
  response_calendar: z.string().optional(),
  resolution_calendar: z.string().optional(),
  escalation: z.string().nullable().optional(),
});

const policySchema = z.strictObject({
  /** A preset to start from (levels-i-iv, commitment-004, contract-003, emergency-001, four-level-001, commitment-000). */
  extends: z.string().optional(),
  description: z.string().optional(),
  /** Calendar for every timer that names none. */
  calendar: z.string().optional(),
  availability_target: z.number().gt(0).lte(100).optional(),
  /** Severities whose resolution time may be extended with the customer's consent (`outpost incident extend`). */
  extensions: z.array(z.enum(SEVERITIES)).optional(),
  /** Percent of resolution clocks with an outcome that must be met (seed 003: 95); a contract may override it. */
  compliance_target: z.number().gt(0).lte(100).optional(),
  /** Where the resolution clock starts: `opened` (default) or `acknowledged` (seed 003). */
  resolution_starts: z.enum(['opened', 'acknowledged']).optional(),
  severities: z.partialRecord(z.enum(['P1', 'P2', 'P3', 'P4']), severityOverrideSchema).default({}),
});

const membersSchema = z.strictObject({
  targets: z.array(z.string()).default([]),
  groups: z.array(z.string()).default([]),
  /** Every target (the quick start's `default` contract); named contracts listing a target or its group win. */
  all: z.boolean().default(false),
});

export const contractSchema = z.strictObject({
  name: z.string().min(1),
  policy: z.string().default(DEFAULT_POLICY),
  /** Calendar of the availability figures (contract time). */
  calendar: z.string().default('24x7'),
  /** Percent, e.g. 99.9; default: the policy's, else 99.9. */
  availability_target: z.number().gt(0).lte(100).optional(),
  /** The customer's average evaluation the contract asks for, 0-100 (seed 002: 90 or more). */
  satisfaction_target: z.number().min(0).max(100).default(90),
  /** Percent of resolution clocks with an outcome that must be met; default: the policy's (wins over it). */
  compliance_target: z.number().gt(0).lte(100).optional(),
  members: membersSchema,
});

const maintenanceSchema = z
  .strictObject({
    name: z.string().min(1),
    targets: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
    start: isoInstantSchema.optional(),
    end: isoInstantSchema.optional(),
    /** RFC 5545 rule with a DTSTART in local wall time, e.g. `DTSTART:20240101T220000\nRRULE:FREQ=WEEKLY;BYDAY=TU`. */
    rrule: z.string().optional(),
    /** 5-field cron for the window start, e.g. `0 22 * * 2`. */
    cron: z.string().optional(),
    duration: durationSchema({ min: '1m' }).optional(),
    timezone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  })
  .superRefine((m, ctx) => {
    const kinds = [m.start !== undefined || m.end !== undefined, m.rrule !== undefined, m.cron !== undefined].filter(Boolean).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of start/end, rrule or cron' });
    if ((m.start === undefined) !== (m.end === undefined)) ctx.addIssue({ code: 'custom', path: [m.start ? 'end' : 'start'], message: 'a one-off window needs both start and end' });
    if (m.start && m.end && Date.parse(m.end) <= Date.parse(m.start)) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    if ((m.rrule !== undefined || m.cron !== undefined) && m.duration === undefined) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a recurring window needs a duration' });
    const problem =
      m.rrule !== undefined
        ? validateSchedule({ kind: 'rrule', rule: m.rrule, durationMs: 0, timeZone: m.timezone })
        : m.cron !== undefined
          ? validateSchedule({ kind: 'cron', pattern: m.cron, durationMs: 0, timeZone: m.timezone })
          : null;
    if (problem) ctx.addIssue({ code: 'custom', path: [m.rrule !== undefined ? 'rrule' : 'cron'], message: problem });
  });

export const slaConfigSchema = z
  .strictObject({
    default_policy: z.string().default(DEFAULT_POLICY),
    /** Share of a target at which a warning fires (0.8 = at 80 % of the time). */
    warn_at: z.number().gt(0).lt(1).default(0.8),
    /** How UNKNOWN (no data) counts in availability: excluded from the denominator (and reported as coverage), up, or down. */
    unknown_policy: z.enum(['excluded', 'up', 'down']).default('excluded'),
    warn_counts_as_up: z.boolean().default(true),
    calendars: z.record(z.string(), calendarSchema).default({}),
    /** Holiday data per set and year (`"2027": {off: [...], work: [...]}`); a year key declares the year complete. */
    holiday_data: z
      .partialRecord(
        z.enum(HOLIDAY_SETS),
        z.record(z.string().regex(/^\d{4}$/), holidayYearSchema, { error: (issue) => (issue.code === 'invalid_key' ? 'year keys are 4 digits, e.g. "2027"' : undefined) }),
      )
      .default({}),
    escalations: z.record(z.string(), escalationSchema).default({}),
    policies: z.record(z.string(), policySchema).default({}),
    contracts: z.array(contractSchema).default([]),
    maintenance: z.array(maintenanceSchema).default([]),
  })
  .superRefine((sla, ctx) => {
    const calendars = new Set([...Object.keys(BUILTIN_CALENDARS), ...Object.keys(sla.calendars)]);
    const policies = new Set([...Object.keys(PRESET_POLICIES), ...Object.keys(PRESET_ALIASES), ...Object.keys(sla.policies)]);
    const escalations = new Set([...Object.keys(PRESET_ESCALATIONS), ...Object.keys(sla.escalations)]);
    const need = (set: Set<string>, kind: string, name: string | null | undefined, path: PropertyKey[]): void => {
      if (name !== undefined && name !== null && !set.has(name)) {
        ctx.addIssue({ code: 'custom', path, message: `unknown ${kind} "${name}" (known: ${[...set].sort().join(', ')})` });
      }
    };
    need(policies, 'policy', sla.default_policy, ['default_policy']);
    for (const [set, years] of Object.entries(sla.holiday_data)) {
      for (const [year, y] of Object.entries(years ?? {})) {
        for (const field of ['off', 'work'] as const) {
          y[field].forEach((text, i) => {
            const days = parseDayRange(text, Number(year));
            if (typeof days === 'string') ctx.addIssue({ code: 'custom', path: ['holiday_data', set, year, field, i], message: days });
          });
        }
      }
    }
    const weekOf = (name: string): ReadonlyArray<ReadonlyArray<TimeWindow>> | null => {
      const cal = sla.calendars[name];
      if (cal) {
        if (cal.hours === '24x7') return allWeek();
        const week = parseWeeklyHours(cal.hours);
        return typeof week === 'string' ? null : week;
      }
      return BUILTIN_CALENDARS[name]?.week ?? null;
    };
    for (const [name, esc] of Object.entries(sla.escalations)) need(calendars, 'calendar', esc.calendar, ['escalations', name, 'calendar']);
    for (const [name, p] of Object.entries(sla.policies)) {
      if (p.extends !== undefined && !(presetId(p.extends) in PRESET_POLICIES)) {
        ctx.addIssue({ code: 'custom', path: ['policies', name, 'extends'], message: `unknown preset "${p.extends}" (known: ${Object.keys(PRESET_POLICIES).join(', ')})` });
      }
      need(calendars, 'calendar', p.calendar, ['policies', name, 'calendar']);
      for (const s of SEVERITIES) {
        const o = p.severities[s];
        if (!o) continue;
        need(calendars, 'calendar', o.response_calendar, ['policies', name, 'severities', s, 'response_calendar']);
        need(calendars, 'calendar', o.resolution_calendar, ['policies', name, 'severities', s, 'resolution_calendar']);
        need(escalations, 'escalation', o.escalation, ['policies', name, 'severities', s, 'escalation']);
        const base = p.extends ? PRESET_POLICIES[p.extends]?.severities[s] : undefined;
        for (const timer of ['response', 'resolution'] as const) {
          const d = o[timer];
          if (d === undefined || d === null) continue;
          const calendar = o[`${timer}_calendar`] ?? p.calendar ?? base?.[timer]?.calendar ?? '24x7';
          const week = weekOf(calendar);
          if (!week) continue; // unknown calendar: reported above
          const ms = resolveSlaDuration(d, { name: calendar, week });
          if (typeof ms === 'string') ctx.addIssue({ code: 'custom', path: ['policies', name, 'severities', s, timer], message: ms });
        }
      }
      if (p.extends === undefined) {
        for (const s of SEVERITIES) {
          if (p.severities[s] === undefined) ctx.addIssue({ code: 'custom', path: ['policies', name, 'severities', s], message: 'required when the policy extends no preset' });
        }
      }
    }
    sla.contracts.forEach((c, i) => {
      need(policies, 'policy', c.policy, ['contracts', i, 'policy']);
      need(calendars, 'calendar', c.calendar, ['contracts', i, 'calendar']);
    });
  })
  // Absent section = every field's own default (prefault parses {} instead of repeating them here).
  .prefault({});

export type SlaConfig = z.infer<typeof slaConfigSchema>;
