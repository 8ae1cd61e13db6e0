/**
 * The snmp check against snmpsim serving recordings of real devices (a Cisco Catalyst 3750 with 59
 * interfaces, a Linux host) and a hand-written "machine-room sensor" with malformed answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnmpPlugin } from '../../../../../agent/checks/snmp/check.js';
import type { SnmpConfig } from '../../../../../agent/checks/snmp/config.js';
import type { Observation } from '../../../../../common/protocol.js';
import { startSnmpsim, type SnmpsimServer } from '../../../../helpers/snmpsim.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

/** Sorted by OID as snmpsim expects; 99999 is a made-up enterprise. */
const SENSOR = [
  '1.3.6.1.2.1.1.1.0|4|Machine room sensor',
  '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.1',
  '1.3.6.1.2.1.1.3.0|67|123456',
  '1.3.6.1.2.1.1.5.0|4|room-sensor-1',
  '1.3.6.1.2.1.2.2.1.1.1|2|1',
  '1.3.6.1.2.1.2.2.1.2.1|4|eth0',
  '1.3.6.1.2.1.2.2.1.5.1|66|100000000',
  '1.3.6.1.2.1.2.2.1.7.1|2|1',
  '1.3.6.1.2.1.2.2.1.8.1|2|1',
  '1.3.6.1.2.1.2.2.1.10.1|4|not-a-counter',
  '1.3.6.1.2.1.2.2.1.16.1|65|1000',
  '1.3.6.1.4.1.99999.1.1.0|2|235',
  '1.3.6.1.4.1.99999.1.2.0|4|65',
  '1.3.6.1.4.1.99999.1.3.0|4|n/a',
].join('\n') + '\n';

/** A device that answers its system group and nothing else (interface table empty, or outside the view). */
const NO_INTERFACES = SENSOR.split('\n').filter((line) => line.startsWith('1.3.6.1.2.1.1.')).join('\n') + '\n';

/**
 * A Linux box whose UCD memory figures cannot all be true (available + buffers + cached above total) beside a
 * HOST-RESOURCES RAM row: 1,000,000 KiB, 250,000 KiB used.
 */
const UCD_INCONSISTENT = [
  ...NO_INTERFACES.trim().split('\n').map((l) => l.replace('room-sensor-1', 'linux-ucd-bad')),
  '1.3.6.1.2.1.25.2.3.1.2.1|6|1.3.6.1.2.1.25.2.1.2',
  '1.3.6.1.2.1.25.2.3.1.4.1|2|1024',
  '1.3.6.1.2.1.25.2.3.1.5.1|2|1000000',
  '1.3.6.1.2.1.25.2.3.1.6.1|2|250000',
  '1.3.6.1.4.1.2021.4.5.0|2|1000000',
  '1.3.6.1.4.1.2021.4.6.0|2|900000',
  '1.3.6.1.4.1.2021.4.14.0|2|200000',
  '1.3.6.1.4.1.2021.4.15.0|2|300000',
].join('\n') + '\n';

let sim: SnmpsimServer;
beforeAll(async () => {
  sim = await startSnmpsim({ examples: ['cisco_16_switch', 'recorded/linux-full-walk'], recordings: { 'room-sensor': SENSOR, 'no-interfaces': NO_INTERFACES, 'ucd-inconsistent': UCD_INCONSISTENT } });
}, 90_000);
afterAll(async () => sim?.stop());

async function poll(community: string, extra: Record<string, unknown> = {}): Promise<Observation> {
  const plugin = createSnmpPlugin();
  const cfg = plugin.configSchema.parse({ host: '127.0.0.1', port: sim.port, community, ...extra }) as SnmpConfig;
  const instance = plugin.create(cfg, testDeps());
  try {
    return await instance.run(neverAbort());
  } finally {
    await instance.close?.();
  }
}

describe('snmp check against snmpsim recordings', () => {
  it('polls the Cisco 3750 recording: system, 59 interfaces with 64-bit counters, Cisco CPU and memory pool', async () => {
    const obs = await poll('cisco_16_switch');
    expect(obs.state).toBe('ok');
    expect(obs.details).toMatchObject({ sys_name: 'Profiler3750', sys_object_id: '1.3.6.1.4.1.9.1.516', cpu_source: 'cisco', memory_source: 'cisco' });
    expect(String(obs.details?.sys_descr)).toContain('Cisco IOS Software, C3750');
    expect(obs.metrics).toMatchObject({ up: 1, interfaces_total: 59, interfaces_up: 9, reboots: 0, cpu_percent: 25, uptime_s: 6972022.57 });
    expect(obs.metrics.memory_used_percent).toBeCloseTo((34973844 / (34973844 + 33184936)) * 100, 1);
    expect(obs.series).toHaveLength(59);
    const vl1 = obs.series?.find((s) => s.tags.if_name === 'Vl1');
    expect(vl1?.tags).toEqual({ if_name: 'Vl1', if_alias: '', if_index: '1' });
    expect(vl1?.metrics).toMatchObject({ counter_bits: 64, admin_up: 1, oper_up: 1, speed_bits_per_s: 1e9 });
    expect(vl1?.metrics.in_bits_per_s).toBeUndefined(); // the first poll has nothing to compare with
    expect(obs.message).toBe('Profiler3750: 59 interface(s), 9 up, cpu 25 %, memory 51.3 %');
  });

  it('a critical interface that is oper-down fails the check (by name, by index, by prefix)', async () => {
    const byName = await poll('cisco_16_switch', { critical_interfaces: ['Vl70'] });
    expect(byName.state).toBe('crit');
    expect(byName.message).toContain('critical interface Vl70 is down');
    expect(byName.metrics.critical_interfaces_down).toBe(1);
    const byIndex = await poll('cisco_16_switch', { critical_interfaces: ['11001'] });
    expect(byIndex.message).toContain('critical interface Fa3/0/1 is down');
    const upOnly = await poll('cisco_16_switch', { critical_interfaces: ['Vl1'] });
    expect(upOnly.state).toBe('ok');
    const prefix = await poll('cisco_16_switch', { critical_interfaces: ['StackSub*'] });
    expect(prefix.message).toContain('critical interface StackSub-St3-1 is down (admin down)');
  });

  it('crit wins over unknown: a down critical uplink stays crit when a custom OID is missing too', async () => {
    const obs = await poll('cisco_16_switch', { critical_interfaces: ['Vl70'], oids: [{ name: 'missing_value', oid: '1.3.6.1.4.1.99999.1.9.0' }] });
    expect(obs.state).toBe('crit');
    expect(obs.message).toContain('critical interface Vl70 is down');
    expect(obs.message).toContain('missing_value: the device has no value at 1.3.6.1.4.1.99999.1.9.0');
    expect(obs.code).toBe('check.findings');
    expect(obs.params).toMatchObject({ count: 2, f0: 'snmp.critical_interface_down', 'f0.interface': 'Vl70', f1: 'snmp.oid_missing', 'f1.name': 'missing_value', subject: 'Profiler3750' });
  });

  it('a device that answers but has no readable interface table: warn "no interfaces readable", not ok and not unreachable', async () => {
    const obs = await poll('no-interfaces', { resources: false });
    expect(obs.state).toBe('warn');
    expect(obs.message).toBe('room-sensor-1: no interfaces readable: the interface table is empty (or not in the view of this community/user)');
    expect(obs).toMatchObject({ code: 'snmp.no_interfaces', params: { reason: 'empty', subject: 'room-sensor-1' } });
    expect(obs.metrics.up).toBe(1);
  });

  it('memory falls back to HOST-RESOURCES when the UCD figures are inconsistent', async () => {
    const obs = await poll('ucd-inconsistent', { interfaces: { enabled: false } });
    expect(obs.details).toMatchObject({ sys_name: 'linux-ucd-bad', memory_source: 'host-resources' });
    expect(obs.metrics).toMatchObject({ memory_used_percent: 25, memory_total_bytes: 1_024_000_000, memory_used_bytes: 256_000_000 });
  });

  it('include/exclude and max bound the reported interfaces', async () => {
    const obs = await poll('cisco_16_switch', { interfaces: { include: ['Vl*'], exclude: ['Vl70'], max: 2 } });
    expect(obs.series?.map((s) => s.tags.if_name)).toEqual(['Vl1', 'Vl60']);
    const limited = await poll('cisco_16_switch', { interfaces: { max: 5 } });
    expect(limited.series).toHaveLength(5);
    expect(limited.message).toContain('54 more interface(s) not reported (interfaces.max 5)');
  });

  it('polls the Linux recording: HOST-RESOURCES CPU, UCD memory', async () => {
    const obs = await poll('linux-full-walk');
    expect(obs.details).toMatchObject({ cpu_source: 'host-resources', memory_source: 'ucd' });
    expect(obs.metrics.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(obs.metrics.memory_total_bytes).toBeGreaterThan(0);
    expect(obs.series?.map((s) => s.tags.if_name)).toEqual(['lo', 'eth0']);
  });

  it('custom OIDs with scale and thresholds; malformed values are ignored with a message, not a crash', async () => {
    const obs = await poll('room-sensor', {
      resources: false,
      oids: [
        { name: 'temperature_c', oid: '1.3.6.1.4.1.99999.1.1.0', scale: 0.1, warn_above: 25, crit_above: 28, warn_below: 20, crit_below: 15 },
        { name: 'humidity_percent', oid: '1.3.6.1.4.1.99999.1.2.0', warn_above: 60, warn_below: 40 },
      ],
    });
    expect(obs.metrics).toMatchObject({ temperature_c: 23.5, humidity_percent: 65, ignored_values: 1 });
    expect(obs.state).toBe('warn');
    expect(obs.message).toContain('humidity_percent 65 > 60');
    expect(obs.message).toContain('ifInOctets.1 (1.3.6.1.2.1.2.2.1.10.1): expected a counter, got OctetString; ignored');
    expect(obs.series?.[0]?.metrics).toMatchObject({ oper_up: 1, speed_bits_per_s: 1e8 });
  });

  it('a custom OID answering text that is not a number, or nothing, makes the result unknown with the reason', async () => {
    const obs = await poll('room-sensor', {
      resources: false,
      interfaces: { enabled: false },
      oids: [
        { name: 'battery_percent', oid: '1.3.6.1.4.1.99999.1.3.0', crit_below: 20 },
        { name: 'missing', oid: '1.3.6.1.4.1.99999.1.9.0' },
      ],
    });
    expect(obs.state).toBe('unknown');
    expect(obs.message).toContain('battery_percent (1.3.6.1.4.1.99999.1.3.0): expected a number, got OctetString; ignored');
    expect(obs.message).toContain('missing: the device has no value at 1.3.6.1.4.1.99999.1.9.0');
  });

  it('an unknown community gets no answer: crit "device unreachable (SNMP timeout)" naming the possible cause', async () => {
    const obs = await poll('no-such-community', { request_timeout: '300ms', retries: 0 });
    expect(obs.state).toBe('crit');
    expect(obs.message).toContain('device unreachable (SNMP timeout');
    expect(obs.message).toContain('a wrong community gets no answer either');
    expect(obs.metrics).toEqual({ up: 0 });
  });
});
