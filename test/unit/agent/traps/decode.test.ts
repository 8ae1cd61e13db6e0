/** Notifications → snmp_trap events: v1 mapping, v2c linkDown with IF-MIB varbinds, device names, bad input. */
import { describe, expect, it } from 'vitest';
import { decodeTrap, v1TrapOid } from '../../../../agent/traps/decode.js';
import { eventMessageSchema } from '../../../../common/protocol.js';

const devices = new Map([['10.123.20.1', 'core-sw1']]);
const rinfo = { address: '10.123.20.1', port: 50000, family: 'IPv4' };

describe('decodeTrap', () => {
  it('v2c linkDown with ifIndex/ifAdminStatus/ifOperStatus/ifName from a polled device', () => {
    const decoded = decodeTrap(
      {
        pdu: {
          type: 167,
          community: 'traps',
          varbinds: [
            { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 12345 },
            { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.6.3.1.1.5.3' },
            { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 2, value: 3 },
            { oid: '1.3.6.1.2.1.2.2.1.7.3', type: 2, value: 1 },
            { oid: '1.3.6.1.2.1.2.2.1.8.3', type: 2, value: 2 },
            { oid: '1.3.6.1.2.1.31.1.1.1.1.3', type: 4, value: Buffer.from('Gi1/0/3') },
          ],
        },
        rinfo,
      },
      devices,
      1_700_000_000_000,
    );
    expect(decoded).toEqual({
      ok: true,
      event: {
        kind: 'snmp_trap',
        target: 'core-sw1',
        message: 'linkDown on Gi1/0/3 (ifIndex 3) from core-sw1 (10.123.20.1)',
        observed_at_ms: 1_700_000_000_000,
        data: {
          trap_oid: '1.3.6.1.6.3.1.1.5.3', trap_name: 'linkDown', source_address: '10.123.20.1', snmp_version: 'v2c', uptime_s: 123.45,
          if_index: 3, if_admin_status: 'up', if_oper_status: 'down', if_name: 'Gi1/0/3',
        },
      },
    });
    // it fits the wire schema once the envelope is added
    const event = decoded.ok ? decoded.event : null;
    expect(eventMessageSchema.safeParse({ v: 1, agent_id: 'a1', seq: 1, sent_at_ms: 1, ...event }).success).toBe(true);
  });

  it('v1 traps map to SNMPv2 trap OIDs (RFC 3584): generic coldStart, enterprise-specific', () => {
    expect(v1TrapOid('1.3.6.1.4.1.9', 0, 0)).toBe('1.3.6.1.6.3.1.1.5.1');
    expect(v1TrapOid('1.3.6.1.4.1.9', 3, 0)).toBe('1.3.6.1.6.3.1.1.5.4');
    expect(v1TrapOid('1.3.6.1.4.1.9.9.41.2', 6, 1)).toBe('1.3.6.1.4.1.9.9.41.2.0.1');
    const decoded = decodeTrap({ pdu: { type: 164, enterprise: '1.3.6.1.4.1.9', agentAddr: '10.123.20.1', generic: 0, specific: 0, varbinds: [] }, rinfo: { ...rinfo, address: '10.123.99.9' } }, devices, 1);
    expect(decoded).toMatchObject({ ok: true, event: { target: 'core-sw1', message: 'coldStart from core-sw1 (10.123.99.9)', data: { snmp_version: 'v1', trap_name: 'coldStart' } } });
  });

  it('custom traps from an unknown sender: target is the address, varbinds copied (bounded), binary as hex', () => {
    const varbinds = [
      { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.318.0.5' },
      { oid: '1.3.6.1.4.1.318.2.3.3.0', type: 4, value: Buffer.from('On battery') },
      { oid: '1.3.6.1.4.1.318.2.3.4.0', type: 4, value: Buffer.from([0, 1, 2]) },
      ...Array.from({ length: 40 }, (_, i) => ({ oid: `1.3.6.1.4.1.318.9.${i}`, type: 2, value: i })),
    ];
    const decoded = decodeTrap({ pdu: { type: 167, varbinds }, rinfo: { ...rinfo, address: '::ffff:127.0.0.5' } }, devices, 1);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.event.target).toBe('127.0.0.5');
    expect(decoded.event.message).toBe('trap 1.3.6.1.4.1.318.0.5 from 127.0.0.5');
    expect(decoded.event.data).toMatchObject({ trap_name: null, 'vb.1.3.6.1.4.1.318.2.3.3.0': 'On battery', 'vb.1.3.6.1.4.1.318.2.3.4.0': '0x000102', varbinds_omitted: 12 });
  });

  it('rejects notifications without a trap OID or with a malformed shape', () => {
    expect(decodeTrap({ pdu: { type: 167, varbinds: [] }, rinfo }, devices, 1)).toEqual({ ok: false, problem: 'notification from 10.123.20.1 without a valid snmpTrapOID' });
    expect(decodeTrap({ pdu: { type: 167, varbinds: [{ oid: '1.3.6.1.6.3.1.1.4.1.0', type: 4, value: 'rm -rf' }] }, rinfo }, devices, 1).ok).toBe(false);
    expect(decodeTrap({ rinfo }, devices, 1)).toEqual({ ok: false, problem: 'malformed notification: pdu Invalid input: expected object, received undefined' });
  });
});
