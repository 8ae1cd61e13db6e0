import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsConfigSchema } from '../../../../collector/agent-events/config.js';
import { decideTrap, interfaceLabel, trapDedupKey, trapSubject, type TrapSubject } from '../../../../collector/agent-events/rules.js';

const builtins = eventsConfigSchema.parse({}).traps;
const traps = (rules: unknown[], builtin_rules = true) => eventsConfigSchema.parse({ traps: { rules, builtin_rules } }).traps;

/** Data as agent/traps/decode.ts writes it for a v2c linkDown with IF-MIB varbinds. */
function linkData(name: 'linkDown' | 'linkUp', ifIndex: number, ifName?: string) {
  return {
    trap_oid: name === 'linkDown' ? '1.3.6.1.6.3.1.1.5.3' : '1.3.6.1.6.3.1.1.5.4',
    trap_name: name,
    source_address: '127.0.0.1',
    snmp_version: 'v2c',
    if_index: ifIndex,
    ...(ifName ? { if_name: ifName } : {}),
    if_oper_status: name === 'linkDown' ? 'down' : 'up',
  };
}
const subject = (data: Record<string, string | number | boolean | null>, target: string | null = 'edge-sw1'): TrapSubject => trapSubject({ agentId: 'snmp-agent', target, data });

describe('trapSubject and interfaceLabel', () => {
  it('reads the decoded trap fields', () => {
    expect(subject(linkData('linkDown', 3, 'Gi0/3'))).toEqual({ agentId: 'snmp-agent', target: 'edge-sw1', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'linkDown', ifIndex: 3, ifName: 'Gi0/3', ifDescr: null });
  });

  it('falls back to the source address, then the agent, for the target', () => {
    expect(subject({ source_address: '10.123.9.7' }, null).target).toBe('10.123.9.7');
    expect(subject({}, null).target).toBe('snmp-agent');
  });

  it('ignores a non-integer if_index and a custom trap without a name', () => {
    const s = subject({ trap_oid: '1.3.6.1.4.1.9.9.13.3.0.5', trap_name: null, if_index: 'x' });
    expect(s).toMatchObject({ trapName: null, trapOid: '1.3.6.1.4.1.9.9.13.3.0.5', ifIndex: null });
  });

  it('labels interfaces by name and index', () => {
    expect(interfaceLabel(subject(linkData('linkDown', 3, 'Gi0/3')))).toBe('Gi0/3 (ifIndex 3)');
    expect(interfaceLabel(subject(linkData('linkDown', 3)))).toBe('ifIndex 3');
    expect(interfaceLabel(subject({ if_descr: 'eth0' }))).toBe('eth0');
    expect(interfaceLabel(subject({}))).toBe('unknown interface');
  });
});

describe('decideTrap with the built-in rules', () => {
  it('linkDown opens a P2 keyed by target and ifIndex, titled with the interface', () => {
    expect(decideTrap(subject(linkData('linkDown', 3, 'Gi0/3')), builtins)).toEqual({
      action: 'open',
      rule: 'builtin[0]',
      dedupKey: 'edge-sw1/trap:link:3',
      severity: 'P2',
      title: 'Interface Gi0/3 (ifIndex 3) down on edge-sw1',
      titleText: { code: 'title.link_down', params: { interface: 'Gi0/3 (ifIndex 3)', target: 'edge-sw1' } },
    });
  });

  it('linkUp of the same ifIndex resolves the same key with cause "link up (trap)"', () => {
    expect(decideTrap(subject(linkData('linkUp', 3)), builtins)).toEqual({ action: 'resolve', rule: 'builtin[1]', dedupKey: 'edge-sw1/trap:link:3', cause: 'link up (trap)' });
  });

  it('a v1 linkDown opens the same key (the agent maps it to the SNMPv2 OID and names it)', () => {
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.6.3.1.1.5.3', trap_name: 'linkDown', if_index: 7 }), builtins)).toMatchObject({ action: 'open', dedupKey: 'edge-sw1/trap:link:7' });
  });

  it('coldStart and warmStart are recorded only', () => {
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.6.3.1.1.5.1', trap_name: 'coldStart' }), builtins)).toEqual({ action: 'record', rule: 'builtin[2]' });
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.6.3.1.1.5.2', trap_name: 'warmStart' }), builtins)).toEqual({ action: 'record', rule: 'builtin[2]' });
  });

  it('anything else is recorded without a rule', () => {
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.6.3.1.1.5.5', trap_name: 'authenticationFailure' }), builtins)).toEqual({ action: 'record', rule: null });
  });

  it('a linkDown without ifIndex keys on the device', () => {
    expect(decideTrap(subject({ trap_name: 'linkDown', trap_oid: '1.3.6.1.6.3.1.1.5.3' }), builtins)).toMatchObject({ dedupKey: 'edge-sw1/trap:link', title: 'Interface unknown interface down on edge-sw1' });
  });
});

describe('decideTrap with configured rules', () => {
  it('configured rules come first: core switches page P1, others keep the built-in P2', () => {
    const cfg = traps([{ match: { trap: 'linkDown', target: 'core-*' }, action: 'open', severity: 'P1', key: 'link', per_interface: true }]);
    expect(decideTrap(subject(linkData('linkDown', 1), 'core-sw2'), cfg)).toMatchObject({ rule: 'rules[0]', severity: 'P1', dedupKey: 'core-sw2/trap:link:1', title: 'linkDown on core-sw2' });
    expect(decideTrap(subject(linkData('linkDown', 1), 'edge-sw1'), cfg)).toMatchObject({ rule: 'builtin[0]', severity: 'P2' });
  });

  it('matches an interface name pattern', () => {
    const cfg = traps([{ match: { trap: 'linkDown', interface: 'Te*' }, action: 'open', severity: 'P1', key: 'link', per_interface: true }]);
    expect(decideTrap(subject(linkData('linkDown', 1, 'Te1/0/1')), cfg)).toMatchObject({ rule: 'rules[0]', severity: 'P1' });
    expect(decideTrap(subject(linkData('linkDown', 2, 'Gi1/0/2')), cfg)).toMatchObject({ rule: 'builtin[0]', severity: 'P2' });
    expect(decideTrap(subject(linkData('linkDown', 3)), cfg)).toMatchObject({ rule: 'builtin[0]' });
  });

  it('custom traps by OID open and resolve a pair under one key, with a title template and cause', () => {
    const cfg = traps([
      { match: { trap: '1.3.6.1.4.1.9.9.13.3.0.5' }, action: 'open', severity: 'P3', key: 'fan', title: 'Fan failure on {target} ({trap})' },
      { match: { trap: '1.3.6.1.4.1.9.9.13.3.0.6' }, action: 'resolve', key: 'fan', cause: 'fan back (trap)' },
    ]);
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.4.1.9.9.13.3.0.5', trap_name: null }), cfg)).toEqual({ action: 'open', rule: 'rules[0]', dedupKey: 'edge-sw1/trap:fan', severity: 'P3', title: 'Fan failure on edge-sw1 (1.3.6.1.4.1.9.9.13.3.0.5)' });
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.4.1.9.9.13.3.0.6', trap_name: null }), cfg)).toEqual({ action: 'resolve', rule: 'rules[1]', dedupKey: 'edge-sw1/trap:fan', cause: 'fan back (trap)' });
  });

  it('a resolve rule without a cause uses "<trap> (trap)"', () => {
    const cfg = traps([{ match: { trap: '1.3.6.1.4.1.9.*' }, action: 'resolve', key: 'vendor' }]);
    expect(decideTrap(subject({ trap_oid: '1.3.6.1.4.1.9.1.2' }), cfg)).toMatchObject({ cause: '1.3.6.1.4.1.9.1.2 (trap)' });
  });

  it('a record rule silences a built-in; builtin_rules: false drops them', () => {
    expect(decideTrap(subject(linkData('linkDown', 1)), traps([{ match: { trap: 'linkDown', target: 'lab-*' }, action: 'record' }]))).toMatchObject({ action: 'open' });
    expect(decideTrap(subject(linkData('linkDown', 1), 'lab-1'), traps([{ match: { trap: 'linkDown', target: 'lab-*' }, action: 'record' }]))).toEqual({ action: 'record', rule: 'rules[0]' });
    expect(decideTrap(subject(linkData('linkDown', 1)), traps([], false))).toEqual({ action: 'record', rule: null });
  });

  it('matches by receiving agent', () => {
    const cfg = traps([{ match: { agent_id: 'lab-*' }, action: 'record' }]);
    expect(decideTrap(subject(linkData('linkDown', 1)), cfg)).toMatchObject({ action: 'open' });
    expect(decideTrap(trapSubject({ agentId: 'lab-agent', target: 'edge-sw1', data: linkData('linkDown', 1) }), cfg)).toEqual({ action: 'record', rule: 'rules[0]' });
  });
});

describe('trap dedup keys (property)', () => {
  it('linkDown and linkUp of the same device and ifIndex always pair; different interfaces never share a key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,20}$/), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (target, a, b) => {
        const down = decideTrap(subject(linkData('linkDown', a), target), builtins);
        const up = decideTrap(subject(linkData('linkUp', a), target), builtins);
        const other = decideTrap(subject(linkData('linkDown', b), target), builtins);
        if (down.action !== 'open' || up.action !== 'resolve' || other.action !== 'open') return false;
        return down.dedupKey === up.dedupKey && (a === b) === (down.dedupKey === other.dedupKey);
      }),
    );
  });

  it('per_interface: false ignores the ifIndex', () => {
    expect(trapDedupKey({ key: 'psu', per_interface: false }, subject(linkData('linkDown', 9)))).toBe('edge-sw1/trap:psu');
  });
});
