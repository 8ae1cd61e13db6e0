/**
 * Severity rules: which bad states open an incident and at what severity. First match wins; the configured rules
 * come first, then (unless `builtin_rules: false`) DEFAULT_RULES. Pure.
 */
import type { CheckState } from '../../common/protocol.js';
import type { Severity, StateChange } from '../events.js';
import type { Criticality, IncidentRule, IncidentsConfig, RuleMatch } from './config.js';

/**
 * Built-in defaults (seed 004 severities: P1 system stopped · P2 serious · P3 part of users · P4 minor):
 * - crit on a `critical` target, or a reachability check crit on a `high` target (host down) → P1
 * - crit on a `low` target → P3; any other crit → P2
 * - warn on a `low` target → P4; any other warn → P3
 * - unknown because the agent was stopped gracefully (SIGTERM, upgrade) → P4
 * - unknown because the agent was lost, on a `critical` target → P2
 * - unknown because the agent was lost or the check went silent → P3
 * - unknown because the check itself is broken → P4
 */
export const DEFAULT_RULES: readonly IncidentRule[] = [
  { match: { state: ['crit'], criticality: ['critical'] }, severity: 'P1', open: true },
  { match: { state: ['crit'], criticality: ['high'], reachability: true }, severity: 'P1', open: true },
  { match: { state: ['crit'], criticality: ['low'] }, severity: 'P3', open: true },
  { match: { state: ['crit'] }, severity: 'P2', open: true },
  { match: { state: ['warn'], criticality: ['low'] }, severity: 'P4', open: true },
  { match: { state: ['warn'] }, severity: 'P3', open: true },
  { match: { state: ['unknown'], cause: ['agent_stopped'] }, severity: 'P4', open: true },
  { match: { state: ['unknown'], cause: ['agent_offline'], criticality: ['critical'] }, severity: 'P2', open: true },
  { match: { state: ['unknown'], cause: ['agent_offline', 'silence'] }, severity: 'P3', open: true },
  { match: { state: ['unknown'] }, severity: 'P4', open: true },
];

/** Everything a rule can match on, resolved from a StateChange and the target inventory. */
export interface RuleSubject {
  checkType: string;
  checkId: string;
  state: CheckState;
  target: string;
  group: string | null;
  criticality: Criticality;
  cause: StateChange['cause'];
  reachability: boolean;
}

export type RuleDecision =
  | { open: false; rule: string }
  | { open: true; rule: string; severity: Severity; autoResolve: boolean; slaPolicy: string | null };

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(value);
}

function anyGlob(patterns: readonly string[] | undefined, value: string | null): boolean {
  if (!patterns) return true;
  if (value === null) return false;
  return patterns.some((p) => globMatches(p, value));
}

export function ruleMatches(match: RuleMatch, subject: RuleSubject): boolean {
  return (
    anyGlob(match.check_type, subject.checkType) &&
    anyGlob(match.check_id, subject.checkId) &&
    anyGlob(match.target, subject.target) &&
    anyGlob(match.group, subject.group) &&
    (!match.state || match.state.includes(subject.state)) &&
    (!match.criticality || match.criticality.includes(subject.criticality)) &&
    (!match.cause || match.cause.includes(subject.cause)) &&
    (match.reachability === undefined || match.reachability === subject.reachability)
  );
}

/** Is this check one that tells whether its whole target is reachable? */
export function isReachabilityCheck(change: Pick<StateChange, 'checkType' | 'checkId' | 'reachability'>, config: IncidentsConfig): boolean {
  if (change.reachability !== undefined) return change.reachability;
  return config.reachability.check_types.includes(change.checkType) || config.reachability.check_ids.some((p) => globMatches(p, change.checkId));
}

export function subjectFor(change: StateChange, config: IncidentsConfig): RuleSubject {
  const info = config.targets[change.target];
  return {
    checkType: change.checkType,
    checkId: change.checkId,
    state: change.to,
    target: change.target,
    group: info?.group ?? null,
    criticality: info?.criticality ?? 'normal',
    cause: change.cause,
    reachability: isReachabilityCheck(change, config),
  };
}

/** First matching rule, labelled `rules[i]` or `builtin[i]`; null when nothing matches (no incident). */
export function evaluateRules(subject: RuleSubject, config: IncidentsConfig): RuleDecision | null {
  const lists: Array<[string, readonly IncidentRule[]]> = [['rules', config.rules]];
  if (config.builtin_rules) lists.push(['builtin', DEFAULT_RULES]);
  for (const [label, rules] of lists) {
    for (const [index, rule] of rules.entries()) {
      if (!ruleMatches(rule.match, subject)) continue;
      const name = `${label}[${index}]`;
      if (!rule.open || !rule.severity) return { open: false, rule: name };
      return {
        open: true,
        rule: name,
        severity: rule.severity,
        autoResolve: rule.auto_resolve ?? config.auto_resolve,
        slaPolicy: rule.sla_policy ?? null,
      };
    }
  }
  return null;
}
