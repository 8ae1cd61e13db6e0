import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { DEFAULT_RULES, evaluateRules, globMatches, isReachabilityCheck, ruleMatches, subjectFor, type RuleSubject } from '../../../../collector/incidents/rules.js';
import type { StateChange } from '../../../../collector/events.js';

const base: RuleSubject = {
  checkType: 'disk',
  checkId: 'disk-root',
  state: 'crit',
  target: 'web-1',
  group: null,
  criticality: 'normal',
  cause: 'result',
  reachability: false,
};
const defaults = incidentsConfigSchema.parse({});

describe('globMatches', () => {
  it.each([
    ['db-*', 'db-1', true],
    ['db-*', 'web-1', false],
    ['*', '', true],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['*-prod-*', 'x-prod-y', true],
    ['web', 'web-1', false],
  ])('%s vs %s → %s', (pattern, value, expected) => expect(globMatches(pattern, value)).toBe(expected));

  it('a pattern without * matches only itself (property)', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('*')), fc.string(), (p, v) => globMatches(p, v) === (p === v)));
  });
});

describe('ruleMatches', () => {
  it('an empty match matches everything', () => expect(ruleMatches({}, base)).toBe(true));
  it('fields are AND, values within a field are OR', () => {
    expect(ruleMatches({ state: ['warn', 'crit'], target: ['web-*'] }, base)).toBe(true);
    expect(ruleMatches({ state: ['warn'], target: ['web-*'] }, base)).toBe(false);
  });
  it('a group pattern never matches a target without a group', () => {
    expect(ruleMatches({ group: ['*'] }, base)).toBe(false);
    expect(ruleMatches({ group: ['core-*'] }, { ...base, group: 'core-db' })).toBe(true);
  });
  it('matches criticality, cause, reachability, check id and type', () => {
    expect(ruleMatches({ criticality: ['critical'] }, { ...base, criticality: 'critical' })).toBe(true);
    expect(ruleMatches({ cause: ['silence'] }, base)).toBe(false);
    expect(ruleMatches({ reachability: false }, base)).toBe(true);
    expect(ruleMatches({ reachability: true }, base)).toBe(false);
    expect(ruleMatches({ check_id: ['disk-*'], check_type: ['disk'] }, base)).toBe(true);
  });
});

describe('evaluateRules (defaults, first match wins)', () => {
  it.each([
    [{ state: 'crit', criticality: 'critical' }, 'P1', 'builtin[0]'],
    [{ state: 'crit', criticality: 'high', reachability: true }, 'P1', 'builtin[1]'],
    [{ state: 'crit', criticality: 'high' }, 'P2', 'builtin[3]'],
    [{ state: 'crit', criticality: 'low' }, 'P3', 'builtin[2]'],
    [{ state: 'crit' }, 'P2', 'builtin[3]'],
    [{ state: 'warn', criticality: 'low' }, 'P4', 'builtin[4]'],
    [{ state: 'warn', criticality: 'critical' }, 'P3', 'builtin[5]'],
    [{ state: 'unknown', cause: 'agent_stopped', criticality: 'critical' }, 'P4', 'builtin[6]'],
    [{ state: 'unknown', cause: 'agent_stopped' }, 'P4', 'builtin[6]'],
    [{ state: 'unknown', cause: 'agent_offline', criticality: 'critical' }, 'P2', 'builtin[7]'],
    [{ state: 'unknown', cause: 'agent_offline' }, 'P3', 'builtin[8]'],
    [{ state: 'unknown', cause: 'silence' }, 'P3', 'builtin[8]'],
    [{ state: 'unknown', cause: 'result' }, 'P4', 'builtin[9]'],
  ] as const)('%j → %s', (overrides, severity, rule) => {
    expect(evaluateRules({ ...base, ...overrides }, defaults)).toEqual({ open: true, severity, rule, autoResolve: true, slaPolicy: null });
  });

  it('every bad state is covered by the defaults', () => {
    for (const state of ['warn', 'crit', 'unknown'] as const) expect(evaluateRules({ ...base, state }, defaults)?.open).toBe(true);
    expect(DEFAULT_RULES.every((r) => r.open && r.severity)).toBe(true);
  });

  it('configured rules come first; open:false stops evaluation', () => {
    const config = incidentsConfigSchema.parse({
      rules: [
        { match: { group: 'lab' }, open: false },
        { match: { check_type: 'backup' }, severity: 'P4', auto_resolve: false, sla_policy: 'contract-003' },
        { match: { check_type: 'backup' }, severity: 'P1' },
      ],
    });
    expect(evaluateRules({ ...base, group: 'lab' }, config)).toEqual({ open: false, rule: 'rules[0]' });
    expect(evaluateRules({ ...base, checkType: 'backup' }, config)).toEqual({
      open: true,
      rule: 'rules[1]',
      severity: 'P4',
      autoResolve: false,
      slaPolicy: 'contract-003',
    });
    expect(evaluateRules(base, config)?.rule).toBe('builtin[3]');
  });

  it('without built-in rules an unmatched state opens nothing', () => {
    const config = incidentsConfigSchema.parse({ builtin_rules: false, auto_resolve: false, rules: [{ match: { state: 'crit' }, severity: 'P2' }] });
    expect(evaluateRules({ ...base, state: 'warn' }, config)).toBeNull();
    expect(evaluateRules(base, config)).toMatchObject({ severity: 'P2', autoResolve: false });
  });
});

describe('subjectFor / isReachabilityCheck', () => {
  const change: StateChange = { agentId: 'a1', target: 'db-1', checkId: 'ping-db', checkType: 'ping', from: 'ok', to: 'crit', atMs: 1, reason: 'timeout', cause: 'result' };
  const config = incidentsConfigSchema.parse({ targets: { 'db-1': { group: 'core', criticality: 'critical' } }, reachability: { check_ids: ['tcp-ssh-*'] } });

  it('takes group and criticality from the target inventory, normal when unknown', () => {
    expect(subjectFor(change, config)).toEqual({ checkType: 'ping', checkId: 'ping-db', state: 'crit', target: 'db-1', group: 'core', criticality: 'critical', cause: 'result', reachability: true });
    expect(subjectFor({ ...change, target: 'other' }, config)).toMatchObject({ group: null, criticality: 'normal' });
  });
  it('reachability: check type ping, configured check ids, or the change flag (which wins)', () => {
    expect(isReachabilityCheck({ checkType: 'tcp', checkId: 'tcp-ssh-db' }, config)).toBe(true);
    expect(isReachabilityCheck({ checkType: 'tcp', checkId: 'tcp-pg' }, config)).toBe(false);
    expect(isReachabilityCheck({ checkType: 'http', checkId: 'x', reachability: true }, config)).toBe(true);
    expect(isReachabilityCheck({ checkType: 'ping', checkId: 'x', reachability: false }, config)).toBe(false);
  });
});
