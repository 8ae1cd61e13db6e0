/**
 * Trap rules: what an `snmp_trap` event does to incidents. First match wins; configured rules come first, then
 * (unless `builtin_rules: false`) BUILTIN_TRAP_RULES; a trap no rule matches is only recorded. Pure; matching is
 * collector/rules/matcher.ts, shared with the incident rules.
 */
import type { Severity } from '../events.js';
import type { CodedText } from '../incidents/texts.js';
import { firstMatchingRule, patternsMatch } from '../rules/matcher.js';
import type { EventsConfig, TrapMatch, TrapRule } from './config.js';

/**
 * Built-ins: linkDown opens (or updates) a P2 per interface, linkUp resolves it; a device restart
 * (coldStart/warmStart) is recorded on the timeline only — it is over by the time the trap arrives, so a
 * ticket would page someone for nothing (add an `open` rule to change that).
 */
export const BUILTIN_TRAP_RULES: readonly TrapRule[] = [
  { match: { trap: ['linkDown'] }, action: 'open', severity: 'P2', key: 'link', per_interface: true, title: 'Interface {interface} down on {target}' },
  { match: { trap: ['linkUp'] }, action: 'resolve', key: 'link', per_interface: true, cause: 'link up (trap)' },
  { match: { trap: ['coldStart', 'warmStart'] }, action: 'record', per_interface: false },
];

/** What a rule sees of a trap event. */
export interface TrapSubject {
  agentId: string;
  target: string;
  trapOid: string | null;
  trapName: string | null;
  ifIndex: number | null;
  ifName: string | null;
  ifDescr: string | null;
}

export type TrapDecision =
  | { action: 'record'; rule: string | null }
  | { action: 'open'; rule: string; dedupKey: string; severity: Severity; title: string; titleText?: CodedText }
  | { action: 'resolve'; rule: string; dedupKey: string; cause: string };

type EventData = Record<string, string | number | boolean | null> | null | undefined;

function text(data: EventData, key: string): string | null {
  const value = data?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The trap fields of an event's data (as agent/traps/decode.ts writes them). */
export function trapSubject(event: { agentId: string; target: string | null; data: EventData }): TrapSubject {
  const ifIndex = event.data?.if_index;
  return {
    agentId: event.agentId,
    target: event.target ?? text(event.data, 'source_address') ?? event.agentId,
    trapOid: text(event.data, 'trap_oid'),
    trapName: text(event.data, 'trap_name'),
    ifIndex: typeof ifIndex === 'number' && Number.isInteger(ifIndex) ? ifIndex : null,
    ifName: text(event.data, 'if_name'),
    ifDescr: text(event.data, 'if_descr'),
  };
}

/** `Gi0/1 (ifIndex 3)`, `ifIndex 3`, or `unknown interface`. */
export function interfaceLabel(s: TrapSubject): string {
  const name = s.ifName ?? s.ifDescr;
  if (name !== null) return s.ifIndex !== null ? `${name} (ifIndex ${s.ifIndex})` : name;
  return s.ifIndex !== null ? `ifIndex ${s.ifIndex}` : 'unknown interface';
}

export function trapMatches(match: TrapMatch, s: TrapSubject): boolean {
  return (
    patternsMatch(match.trap, [s.trapName, s.trapOid]) &&
    patternsMatch(match.target, s.target) &&
    patternsMatch(match.interface, [s.ifName, s.ifDescr]) &&
    patternsMatch(match.agent_id, s.agentId)
  );
}

export function trapDedupKey(rule: Pick<TrapRule, 'key' | 'per_interface'>, s: TrapSubject): string {
  const suffix = rule.per_interface && s.ifIndex !== null ? `:${s.ifIndex}` : '';
  return `${s.target}/trap:${rule.key ?? 'trap'}${suffix}`;
}

function fill(template: string, s: TrapSubject): string {
  const trap = s.trapName ?? s.trapOid ?? 'trap';
  return template.replaceAll('{target}', s.target).replaceAll('{interface}', interfaceLabel(s)).replaceAll('{trap}', trap).slice(0, 200);
}

/** First matching rule (`rules[i]` or `builtin[i]`) turned into an incident action. */
export function decideTrap(s: TrapSubject, config: EventsConfig['traps']): TrapDecision {
  const found = firstMatchingRule(config.rules, config.builtin_rules ? BUILTIN_TRAP_RULES : null, (rule) => trapMatches(rule.match, s));
  if (!found) return { action: 'record', rule: null };
  const { rule, name } = found;
  const trap = s.trapName ?? s.trapOid ?? 'trap';
  if (rule.action === 'open' && rule.severity) {
    // The built-in titles are rendered per reader; a configured title is the operator's own words and stays as typed.
    const titleText: CodedText | undefined =
      rule.title === undefined ? { code: 'title.trap', params: { trap, target: s.target } }
      : rule === BUILTIN_TRAP_RULES[0] ? { code: 'title.link_down', params: { interface: interfaceLabel(s), target: s.target } }
      : undefined;
    return { action: 'open', rule: name, dedupKey: trapDedupKey(rule, s), severity: rule.severity, title: fill(rule.title ?? '{trap} on {target}', s), ...(titleText ? { titleText } : {}) };
  }
  if (rule.action === 'resolve') return { action: 'resolve', rule: name, dedupKey: trapDedupKey(rule, s), cause: rule.cause ?? `${trap} (trap)` };
  return { action: 'record', rule: name };
}
