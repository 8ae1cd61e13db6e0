/**
 * Collector config section `incidents:` — when incidents open, at what severity, and how they fold and resolve.
 *
 * ```yaml
 * incidents:
 *   grace_period: 10m          # reopen grace: a failure this soon after resolution reopens that incident (checks, heartbeats, traps)
 *   auto_resolve: true         # default for rules without their own `auto_resolve`
 *   fold_under_host: true      # while a target is down, its other checks' incidents fold under the host incident
 *   reachability:              # which checks tell that a target is down (besides StateChange.reachability)
 *     check_types: [ping]
 *     check_ids: []
 *   targets:
 *     db-1: { group: core-db, criticality: critical }
 *   rules:                     # first match wins; the built-in rules (see rules.ts) follow unless builtin_rules: false
 *     - match: { group: lab }
 *       open: false
 *     - match: { check_type: backup, state: crit }
 *       severity: P3
 *       auto_resolve: false
 * ```
 */
import { z } from 'zod';
import { CHECK_STATES } from '../../common/protocol.js';
import { durationSchema } from '../../common/duration.js';
import { SEVERITIES, type Severity } from '../events.js';

export const CRITICALITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const STATE_CHANGE_CAUSES = ['result', 'agent_offline', 'agent_stopped', 'silence', 'agent_online'] as const;

const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

/** One value or a list of alternatives; `*` in names is a wildcard (e.g. `db-*`). */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v): Array<z.output<T>> => (Array.isArray(v) ? v : [v]));
}
const patternSchema = z.string().min(1).max(200);

export const ruleMatchSchema = z.strictObject({
  check_type: oneOrMany(patternSchema).optional(),
  check_id: oneOrMany(patternSchema).optional(),
  state: oneOrMany(z.enum(CHECK_STATES)).optional(),
  target: oneOrMany(patternSchema).optional(),
  group: oneOrMany(patternSchema).optional(),
  criticality: oneOrMany(z.enum(CRITICALITIES)).optional(),
  /** Why the state changed: `result`, `agent_offline` (agent lost), `agent_stopped` (agent stopped gracefully), `silence` (no results). */
  cause: oneOrMany(z.enum(STATE_CHANGE_CAUSES)).optional(),
  /** Whether the check tells that the whole target is reachable (ping, or a check flagged `reachability`). */
  reachability: z.boolean().optional(),
});
export type RuleMatch = z.output<typeof ruleMatchSchema>;

export const incidentRuleSchema = z
  .strictObject({
    match: ruleMatchSchema.default({}),
    severity: severitySchema.optional(),
    /** false: matching bad states open no incident (and stop rule evaluation). */
    open: z.boolean().default(true),
    /** Resolve automatically when the check returns to ok; false keeps it open until a person resolves it. */
    auto_resolve: z.boolean().optional(),
    /** Name of the SLA policy the SLA engine applies (reserved; the SLA engine defines the names). */
    sla_policy: z.string().min(1).max(100).optional(),
  })
  .refine((rule) => !rule.open || rule.severity !== undefined, {
    message: 'severity is required when open is true',
    path: ['severity'],
  });
export type IncidentRule = z.output<typeof incidentRuleSchema>;

export const targetInfoSchema = z.strictObject({
  group: z.string().min(1).max(200).optional(),
  criticality: z.enum(CRITICALITIES).default('normal'),
});
export type TargetInfo = z.output<typeof targetInfoSchema>;

export const incidentsConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Reopen grace: a failure this soon after an incident was resolved reopens it (checks, heartbeats, traps); never delays opening. */
    grace_period: durationSchema({ max: '7d' }).default(600_000),
    auto_resolve: z.boolean().default(true),
    fold_under_host: z.boolean().default(true),
    reachability: z
      .strictObject({
        check_types: z.array(z.string().min(1)).default(['ping']),
        check_ids: z.array(z.string().min(1)).default([]),
      })
      .default({ check_types: ['ping'], check_ids: [] }),
    targets: z.record(z.string().min(1), targetInfoSchema).default({}),
    rules: z.array(incidentRuleSchema).default([]),
    /** Append the built-in rules (rules.ts DEFAULT_RULES) after the configured ones. */
    builtin_rules: z.boolean().default(true),
  })
  // Absent section = every field's own default (prefault parses {} instead of repeating them here).
  .prefault({});
export type IncidentsConfig = z.output<typeof incidentsConfigSchema>;
