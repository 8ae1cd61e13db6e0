/** Untrusted varbinds: wrong types are ignored with one problem each, never thrown. */
import { describe, expect, it } from 'vitest';
import { readCounter, readNumber, readNumeric, readOid, readText, SnmpType, ValueProblems } from '../../../../../agent/checks/snmp/values.js';

const vb = (type: number, value: unknown, oid = '1.3.6.1.2.1.2.2.1.10.1') => ({ oid, type, value });

describe('varbind readers', () => {
  it('Counter64 arrives as a big-endian Buffer (with or without a leading zero byte)', () => {
    const p = new ValueProblems();
    expect(readCounter(vb(SnmpType.Counter64, Buffer.from('01000000000000ff', 'hex')), 'x', p)).toBe(2n ** 56n + 255n);
    expect(readCounter(vb(SnmpType.Counter64, Buffer.from('00ffffffffffffffff', 'hex')), 'x', p)).toBe(2n ** 64n - 1n);
    expect(readCounter(vb(SnmpType.Counter64, Buffer.from('2a', 'hex')), 'x', p)).toBe(42n);
    expect(readCounter(vb(SnmpType.Counter32, 4_294_967_295), 'x', p)).toBe(4_294_967_295n);
    expect(p.count).toBe(0);
  });

  it('a 12-byte "Counter64", a string or a negative Counter32 is ignored with a message', () => {
    const p = new ValueProblems();
    expect(readCounter(vb(SnmpType.Counter64, Buffer.alloc(12, 1)), 'ifHCInOctets.1', p)).toBeNull();
    expect(readCounter(vb(SnmpType.OctetString, Buffer.from('12345')), 'ifInOctets.1', p)).toBeNull();
    expect(readCounter(vb(SnmpType.Counter32, -5), 'ifInOctets.2', p)).toBeNull();
    expect(p.list).toEqual([
      'ifHCInOctets.1 (1.3.6.1.2.1.2.2.1.10.1): expected a Counter64 of at most 8 bytes, got Counter64; ignored',
      'ifInOctets.1 (1.3.6.1.2.1.2.2.1.10.1): expected a counter, got OctetString; ignored',
      'ifInOctets.2 (1.3.6.1.2.1.2.2.1.10.1): expected a counter, got Counter32; ignored',
    ]);
  });

  it('noSuchObject / noSuchInstance / endOfMibView / missing are "absent", not problems', () => {
    const p = new ValueProblems();
    for (const type of [SnmpType.NoSuchObject, SnmpType.NoSuchInstance, SnmpType.EndOfMibView, SnmpType.Null]) {
      expect(readNumber(vb(type, null), 'x', p)).toBeNull();
      expect(readText(vb(type, null), 'x', p)).toBeNull();
    }
    expect(readNumber(undefined, 'x', p)).toBeNull();
    expect(p.count).toBe(0);
  });

  it('text is cleaned of control characters and bounded; numbers sent as text are accepted where numeric', () => {
    const p = new ValueProblems();
    expect(readText(vb(SnmpType.OctetString, Buffer.from('Gi1/0/1\r\n\u0000')), 'ifName', p)).toBe('Gi1/0/1');
    expect(readText(vb(SnmpType.OctetString, Buffer.from('x'.repeat(600))), 'sysDescr', p, 500)).toHaveLength(500);
    expect(readNumeric(vb(SnmpType.OctetString, Buffer.from(' 23.5 ')), 'temperature', p)).toBe(23.5);
    expect(readNumeric(vb(SnmpType.Gauge32, 65), 'humidity', p)).toBe(65);
    expect(readNumeric(vb(SnmpType.OctetString, Buffer.from('n/a')), 'battery', p)).toBeNull();
    expect(readText(vb(SnmpType.Integer, 5), 'ifName', p)).toBeNull();
    expect(readOid(vb(SnmpType.OctetString, Buffer.from('1.3.6')), 'sysObjectID', p)).toBeNull();
    expect(readOid(vb(SnmpType.OID, '1.3.6.1.4.1.9.1.516'), 'sysObjectID', p)).toBe('1.3.6.1.4.1.9.1.516');
    expect(p.count).toBe(3);
  });

  it('keeps at most 20 problem texts but counts them all', () => {
    const p = new ValueProblems();
    for (let i = 0; i < 50; i++) readNumber(vb(SnmpType.OctetString, Buffer.from('x')), `v${i}`, p);
    expect(p.count).toBe(50);
    expect(p.list).toHaveLength(20);
  });
});
