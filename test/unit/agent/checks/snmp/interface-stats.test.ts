/** Interface readings → series, rates across polls, critical interfaces, utilisation, selection. */
import { describe, expect, it } from 'vitest';
import { interfaceStats, isOperDown, type InterfacePolicy } from '../../../../../agent/checks/snmp/interface-stats.js';
import type { InterfaceReading } from '../../../../../agent/checks/snmp/interfaces.js';

const policy: InterfacePolicy = { include: [], exclude: [], max: 500, critical: [] };

function reading(index: number, name: string, over: Partial<InterfaceReading> = {}): InterfaceReading {
  const c = (v: number, width: 32 | 64 = 64) => ({ value: BigInt(v), width });
  return {
    index, name, descr: name, alias: '', adminStatus: 1, operStatus: 1, speedBps: 1e9,
    inOctets: c(0), outOctets: c(0), inErrors: c(0, 32), outErrors: c(0, 32), inDiscards: c(0, 32), outDiscards: c(0, 32),
    ...over,
  };
}

describe('interfaceStats', () => {
  it('first poll: status and speed only; second poll: bits/s, utilisation, errors/s', () => {
    const first = interfaceStats([reading(1, 'Gi1/0/1', { alias: 'uplink' })], new Map(), 0, false, policy);
    expect(first.series).toEqual([
      { tags: { if_name: 'Gi1/0/1', if_alias: 'uplink', if_index: '1' }, metrics: { speed_bits_per_s: 1e9, counter_bits: 64, admin_up: 1, oper_up: 1 } },
    ]);
    // 60 s later: 750 MB in (100 Mbit/s = 10 %), 75 MB out (1 %), 120 input errors (2/s)
    const next = reading(1, 'Gi1/0/1', {
      alias: 'uplink',
      inOctets: { value: 750_000_000n, width: 64 },
      outOctets: { value: 75_000_000n, width: 64 },
      inErrors: { value: 120n, width: 32 },
    });
    const second = interfaceStats([next], first.counters, 60_000, false, policy);
    expect(second.series[0]?.metrics).toMatchObject({
      in_bits_per_s: 100_000_000, out_bits_per_s: 10_000_000, in_utilisation_percent: 10, out_utilisation_percent: 1, in_errors_per_s: 2, out_errors_per_s: 0,
    });
    expect(second.state).toBe('ok');
  });

  it('a reboot between polls gives no rates (and no fake 0)', () => {
    const first = interfaceStats([reading(1, 'eth0')], new Map(), 0, false, policy);
    const second = interfaceStats([reading(1, 'eth0', { inOctets: { value: 10n, width: 64 } })], first.counters, 60_000, true, policy);
    expect(second.series[0]?.metrics.in_bits_per_s).toBeUndefined();
    const third = interfaceStats([reading(1, 'eth0', { inOctets: { value: 7_510n, width: 64 } })], second.counters, 120_000, false, policy);
    expect(third.series[0]?.metrics.in_bits_per_s).toBe(1000);
  });

  it('32-bit octet counters wrap within one poll on a fast link and are still right', () => {
    const c32 = (v: number) => ({ value: BigInt(v), width: 32 as const });
    const first = interfaceStats([reading(1, 'Fa0/1', { speedBps: 1e8, inOctets: c32(4_294_000_000) })], new Map(), 0, false, policy);
    const second = interfaceStats([reading(1, 'Fa0/1', { speedBps: 1e8, inOctets: c32(1_032_704) })], first.counters, 10_000, false, policy);
    expect(second.series[0]?.metrics).toMatchObject({ in_bits_per_s: 1_600_000, counter_bits: 32 });
  });

  it('critical interfaces: oper-down by name, alias or index is crit; up is fine; a pattern matching nothing warns', () => {
    const readings = [reading(1, 'Gi1/0/1', { alias: 'to-core', operStatus: 2 }), reading(2, 'Gi1/0/2'), reading(3, 'Po1', { operStatus: 7 })];
    expect(interfaceStats(readings, new Map(), 0, false, { ...policy, critical: ['to-core'] })).toMatchObject({
      state: 'crit', reasons: ['critical interface Gi1/0/1 (to-core) is down'], metrics: { critical_interfaces_down: 1, interfaces_down: 2, interfaces_up: 1 },
    });
    expect(interfaceStats(readings, new Map(), 0, false, { ...policy, critical: ['3'] }).reasons).toEqual(['critical interface Po1 is down']);
    expect(interfaceStats(readings, new Map(), 0, false, { ...policy, critical: ['Gi1/0/2'] }).state).toBe('ok');
    expect(interfaceStats(readings, new Map(), 0, false, { ...policy, critical: ['Te9/9'] })).toMatchObject({
      state: 'warn', reasons: ['critical_interfaces pattern(s) match no interface: Te9/9'],
    });
  });

  it('a critical interface excluded from the report still fails the check', () => {
    const readings = [reading(1, 'Gi1/0/1', { operStatus: 2 }), reading(2, 'Gi1/0/2')];
    const stats = interfaceStats(readings, new Map(), 0, false, { ...policy, exclude: ['Gi1/0/1'], critical: ['Gi1/0/1'] });
    expect(stats.series.map((s) => s.tags.if_name)).toEqual(['Gi1/0/2']);
    expect(stats.state).toBe('crit');
  });

  it('utilisation thresholds on the busier direction', () => {
    const first = interfaceStats([reading(1, 'wan', { speedBps: 1e7 })], new Map(), 0, false, policy);
    // 10 Mbit/s link, 1,125,000 octets in 1 s = 9 Mbit/s = 90 %
    const busy = reading(1, 'wan', { speedBps: 1e7, outOctets: { value: 1_125_000n, width: 64 } });
    const p = { ...policy, utilisationWarn: 80, utilisationCrit: 95 };
    expect(interfaceStats([busy], first.counters, 1000, false, p)).toMatchObject({ state: 'warn', reasons: ['wan utilisation 90 % >= 80 %'] });
  });

  it('include/exclude match name, alias or index; max bounds the series and counts the rest', () => {
    const readings = [reading(1, 'Gi1/0/1'), reading(2, 'Gi1/0/2', { alias: 'printer' }), reading(3, 'Vl1'), reading(4, 'Nu0')];
    expect(interfaceStats(readings, new Map(), 0, false, { ...policy, include: ['Gi*'], exclude: ['printer'] }).series.map((s) => s.tags.if_name)).toEqual(['Gi1/0/1']);
    const bounded = interfaceStats(readings, new Map(), 0, false, { ...policy, max: 2 });
    expect(bounded.series).toHaveLength(2);
    expect(bounded.dropped).toBe(2);
  });

  it('oper status down/notPresent/lowerLayerDown count as down; dormant/testing/unknown do not', () => {
    expect([1, 2, 3, 4, 5, 6, 7, null].map(isOperDown)).toEqual([false, true, false, false, false, true, true, false]);
  });
});
