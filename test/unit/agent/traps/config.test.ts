/** The `traps:` section of agent.yaml and the address → device-name map from snmp checks. */
import { describe, expect, it } from 'vitest';
import { parseAgentConfigText } from '../../../../agent/config.js';
import { snmpDevices } from '../../../../agent/traps/devices.js';

describe('agent.yaml traps:', () => {
  it('absent or disabled → no receiver; enabled → the parsed section', () => {
    const off = parseAgentConfigText('checks: []\n', {}, 'h');
    expect(off.ok && off.config.traps).toBeUndefined();
    const on = parseAgentConfigText('traps: { enabled: true, port: 1162, communities: ["${TRAP_COMMUNITY}"] }\n', { TRAP_COMMUNITY: 'c1' }, 'h');
    expect(on.ok && on.config.traps).toEqual({ enabled: true, listen: '0.0.0.0', port: 1162, communities: ['c1'], users: [], max_per_second: 100 });
  });

  it('problems carry their path under traps.', () => {
    const bad = parseAgentConfigText('traps: { enabled: true, port: 70000, users: [{ username: u, level: authPriv, auth_password: 12345678 }] }\n', {}, 'h');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.problems.map((p) => p.path);
    expect(paths).toContain('traps.port');
    expect(paths).toContain('traps.users[0].auth_password');
  });

  it('snmp checks name their devices; the first check of an address wins', () => {
    const parsed = parseAgentConfigText(
      'checks:\n  - { type: snmp, host: 10.123.20.1, target: core-sw1 }\n  - { type: snmp, host: 10.123.20.1, name: second, target: other }\n  - { type: snmp, host: 10.123.20.2 }\n  - { type: tcp, host: 10.123.20.3, port: 22 }\n',
      {},
      'h',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect([...snmpDevices(parsed.config.checks)]).toEqual([['10.123.20.1', 'core-sw1'], ['10.123.20.2', '10.123.20.2']]);
  });
});
