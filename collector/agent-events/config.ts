/**
 * Collector config section `events:` — agent events (SNMP traps, spool drops, ...) kept on the devices'
 * timelines, and the trap rules that open or resolve incidents from them.
 *
 * ```yaml
 * events:
 *   retention: 90d             # events older than this are pruned (hourly)
 *   traps:
 *     builtin_rules: true      # append the built-ins (linkDown opens, linkUp resolves, coldStart/warmStart record)
 *     rules:                   # first match wins; configured rules before the built-ins
 *       - match: { trap: linkDown, target: 'core-*', interface: 'Gi0/*' }
 *         action: open
 *         severity: P1
 *         key: link
 *         per_interface: true
 *       - match: { trap: 1.3.6.1.4.1.9.9.13.3.0.5 }   # a vendor trap by OID (e.g. fan failure)
 *         action: open
 *         severity: P3
 *         key: fan
 *         title: 'Fan failure on {target}'
 *       - match: { trap: authenticationFailure }
 *         action: record
 * ```
 */
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import { SEVERITIES, type Severity } from '../events.js';

export const TRAP_ACTIONS = ['open', 'resolve', 'record'] as const;
export type TrapAction = (typeof TRAP_ACTIONS)[number];

/** One value or a list of alternatives; `*` in names is a wildcard. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v): Array<z.output<T>> => (Array.isArray(v) ? v : [v]));
}
const patternSchema = z.string().min(1).max(200);

export const trapMatchSchema = z.strictObject({
  /** Trap name (`linkDown`, `coldStart`, ...) or numeric OID (`1.3.6.1.4.1.9.9.13.3.0.5`, `1.3.6.1.4.1.9.*`). */
  trap: oneOrMany(patternSchema).optional(),
  /** Device (event target; the sender's address when the agent does not poll it). */
  target: oneOrMany(patternSchema).optional(),
  /** Interface name or description from the trap's IF-MIB varbinds. */
  interface: oneOrMany(patternSchema).optional(),
  /** Agent that received the trap. */
  agent_id: oneOrMany(patternSchema).optional(),
});
export type TrapMatch = z.output<typeof trapMatchSchema>;

const keySchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ., _ or -');

export const trapRuleSchema = z
  .strictObject({
    match: trapMatchSchema.default({}),
    /** open (or update) an incident, resolve it, or only record the event on the timeline. */
    action: z.enum(TRAP_ACTIONS),
    severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
    /** Incident key: the dedup key is `<target>/trap:<key>` (plus `:<ifIndex>` with per_interface). Open and resolve rules pair by it. */
    key: keySchema.optional(),
    per_interface: z.boolean().default(false),
    /** Incident title; `{target}`, `{interface}`, `{trap}` are replaced. */
    title: z.string().min(1).max(200).optional(),
    /** Cause written when a resolve rule resolves the incident (default `<trap> (trap)`). */
    cause: z.string().min(1).max(200).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.action === 'open' && rule.severity === undefined) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'severity is required when action is open' });
    if (rule.action !== 'record' && rule.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: `key is required when action is ${rule.action}` });
  });
export type TrapRule = z.output<typeof trapRuleSchema>;

const trapsSchema = z.strictObject({
  rules: z.array(trapRuleSchema).default([]),
  builtin_rules: z.boolean().default(true),
});

export const eventsConfigSchema = z
  .strictObject({
    retention: durationSchema({ min: '1h', max: '3650d' }).default(90 * 86_400_000),
    traps: trapsSchema.prefault({}),
  })
  .prefault({});
export type EventsConfig = z.output<typeof eventsConfigSchema>;
