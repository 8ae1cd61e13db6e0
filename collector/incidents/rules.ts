/**
 * Severity rules: which bad states open an incident and at what severity. First match wins; the configured rules
 * come first, then (unless `builtin_rules: false`) DEFAULT_RULES. Pure; matching is collector/rules/matcher.ts,
 * shared with the trap rules.
 */
import type { CheckState } from '../../common/protocol.js';
import type { Severity, StateChange } from '../events.js';
import { firstMatchingRule, globMatches, patternsMatch, valueMatches } from '../rules/matcher.js';
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

export { globMatches };

export function ruleMatches(match: RuleMatch, subject: RuleSubject): boolean {
  return (
    patternsMatch(match.check_type, subject.checkType) &&
    patternsMatch(match.check_id, subject.checkId) &&
    patternsMatch(match.target, subject.target) &&
    patternsMatch(match.group, subject.group) &&
    valueMatches(match.state, subject.state) &&
    valueMatches(match.criticality, subject.criticality) &&
    valueMatches(match.cause, subject.cause) &&
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
  const found = firstMatchingRule(config.rules, config.builtin_rules ? DEFAULT_RULES : null, (rule) => ruleMatches(rule.match, subject));
  if (!found) return null;
  const { rule, name } = found;
  if (!rule.open || !rule.severity) return { open: false, rule: name };
  return {
    open: true,
    rule: name,
    severity: rule.severity,
    autoResolve: rule.auto_resolve ?? config.auto_resolve,
    slaPolicy: rule.sla_policy ?? null,
  };
}
