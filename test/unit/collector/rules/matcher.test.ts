import { describe, expect, it } from 'vitest';
import { firstMatchingRule, globMatches, patternsMatch, valueMatches } from '../../../../collector/rules/matcher.js';
import { evaluateRules } from '../../../../collector/incidents/rules.js';
import { decideTrap } from '../../../../collector/agent-events/rules.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { eventsConfigSchema } from '../../../../collector/agent-events/config.js';

describe('the shared rule matcher', () => {
  it('globs: * is any run, the rest literal', () => {
    expect(globMatches('core-*', 'core-sw1')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
  it('an absent field matches; a null value never matches a pattern; any of several values may match', () => {
    expect(patternsMatch(undefined, null)).toBe(true);
    expect(patternsMatch(['*'], null)).toBe(false);
    expect(patternsMatch(['Gi0/*'], [null, 'Gi0/3'])).toBe(true);
    expect(valueMatches(undefined, 'crit')).toBe(true);
    expect(valueMatches(['warn'], 'crit')).toBe(false);
  });
  it('configured rules first, then the built-ins unless off; names rules[i] / builtin[i]', () => {
    const yes = () => true;
    expect(firstMatchingRule(['a'], ['b'], yes)).toEqual({ rule: 'a', name: 'rules[0]' });
    expect(firstMatchingRule([], ['b'], yes)).toEqual({ rule: 'b', name: 'builtin[0]' });
    expect(firstMatchingRule([], null, yes)).toBeNull();
  });
  it('incident rules and trap rules agree on the same pattern (both use it)', () => {
    const incidents = incidentsConfigSchema.parse({ rules: [{ match: { target: 'core-*' }, severity: 'P1' }] });
    const subject = { checkType: 'ping', checkId: 'ping', state: 'crit' as const, target: 'core-sw1', group: null, criticality: 'normal' as const, cause: 'result' as const, reachability: true };
    expect(evaluateRules(subject, incidents)).toMatchObject({ open: true, severity: 'P1', rule: 'rules[0]' });
    const events = eventsConfigSchema.parse({ traps: { rules: [{ match: { target: 'core-*' }, action: 'open', severity: 'P1', key: 'any' }] } });
    const trap = { agentId: 'a', target: 'core-sw1', trapOid: '1.2.3', trapName: null, ifIndex: null, ifName: null, ifDescr: null };
    expect(decideTrap(trap, events.traps)).toMatchObject({ action: 'open', severity: 'P1', rule: 'rules[0]' });
  });
});
