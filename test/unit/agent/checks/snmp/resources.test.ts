/** CPU/memory source selection and arithmetic, custom OID thresholds, the limiter, config validation. */
import { describe, expect, it } from 'vitest';
import { snmpConfigSchema } from '../../../../../agent/checks/snmp/config.js';
import { evaluateCustomOids, judge } from '../../../../../agent/checks/snmp/custom.js';
import { createLimiter } from '../../../../../agent/checks/snmp/limiter.js';
import { pickResources, type ResourceReadings } from '../../../../../agent/checks/snmp/resources.js';
import { SnmpType, ValueProblems } from '../../../../../agent/checks/snmp/values.js';

const none: ResourceReadings = { ciscoCpu: [], hrCpu: [], ucdCpuIdle: null, ciscoPools: [], ucdMemory: null, hrRam: [] };

describe('pickResources', () => {
  it('inconsistent UCD memory (available + buffers + cached above total) yields to HOST-RESOURCES, else total − available', () => {
    const bad = { totalKb: 1000, availKb: 900, bufferKb: 200, cachedKb: 300 };
    expect(pickResources({ ...none, ucdMemory: bad, hrRam: [{ totalBytes: 4000, usedBytes: 1000 }] }).memory).toEqual({ usedPercent: 25, totalBytes: 4000, usedBytes: 1000, source: 'host-resources' });
    expect(pickResources({ ...none, ucdMemory: bad }).memory).toMatchObject({ usedPercent: 10, source: 'ucd' });
    expect(pickResources({ ...none, ucdMemory: { ...bad, availKb: 2000 } }).memory).toBeNull();
  });

  it('Cisco first: average cpmCPUTotal5minRev, the Processor pool', () => {
    const r = pickResources({ ...none, ciscoCpu: [20, 30], hrCpu: [90], ciscoPools: [{ name: 'I/O', usedBytes: 9, freeBytes: 1 }, { name: 'Processor', usedBytes: 25, freeBytes: 75 }] });
    expect(r).toEqual({ cpu: { percent: 25, source: 'cisco' }, memory: { usedPercent: 25, totalBytes: 100, usedBytes: 25, source: 'cisco' } });
  });

  it('HOST-RESOURCES CPU, UCD memory (used = total − avail − buffers − cached, kB)', () => {
    const r = pickResources({ ...none, hrCpu: [10, 20, 30, 40], ucdCpuIdle: 99, ucdMemory: { totalKb: 1000, availKb: 200, bufferKb: 100, cachedKb: 300 } });
    expect(r.cpu).toEqual({ percent: 25, source: 'host-resources' });
    expect(r.memory).toEqual({ usedPercent: 40, totalBytes: 1_024_000, usedBytes: 409_600, source: 'ucd' });
  });

  it('UCD CPU = 100 − ssCpuIdle; hrStorageRam memory when nothing better', () => {
    const r = pickResources({ ...none, ucdCpuIdle: 93, hrRam: [{ totalBytes: 4096, usedBytes: 1024 }] });
    expect(r).toEqual({ cpu: { percent: 7, source: 'ucd' }, memory: { usedPercent: 25, totalBytes: 4096, usedBytes: 1024, source: 'host-resources' } });
  });

  it('out-of-range values are not believed; nothing known → null', () => {
    expect(pickResources({ ...none, ciscoCpu: [250], hrCpu: [-1], ucdCpuIdle: 101 })).toEqual({ cpu: null, memory: null });
    expect(pickResources({ ...none, ciscoPools: [{ name: 'Processor', usedBytes: 0, freeBytes: 0 }] }).memory).toBeNull();
  });
});

describe('custom OIDs', () => {
  const room = { name: 'temperature_c', warn_below: 20, warn_above: 25, crit_above: 28, crit_below: 15 };
  it.each([
    [22, 'ok', null],
    [25, 'ok', null],
    [25.5, 'warn', 'temperature_c 25.5 > 25'],
    [29, 'crit', 'temperature_c 29 > 28'],
    [19, 'warn', 'temperature_c 19 < 20'],
    [14, 'crit', 'temperature_c 14 < 15'],
  ])('machine room 20–25 °C: %d → %s', (value, state, reason) => {
    expect(judge(room, value)).toMatchObject({ state, reason });
  });

  it('scales raw values and reports a wrong-type answer as unknown', () => {
    const p = new ValueProblems();
    const v = evaluateCustomOids(
      [
        { oid: '1.3.6.1.4.1.9.1', scale: 0.1, ...room },
        { name: 'ups_battery_percent', oid: '1.3.6.1.4.1.9.2', scale: 1, crit_below: 20 },
      ],
      [{ oid: '1.3.6.1.4.1.9.1', type: SnmpType.Integer, value: 231 }, { oid: '1.3.6.1.4.1.9.2', type: SnmpType.IpAddress, value: '10.123.0.1' }],
      p,
    );
    expect(v).toMatchObject({ metrics: { temperature_c: 23.1 }, state: 'unknown', reasons: [] });
    expect(v.findings.map((f) => [f.code, f.params])).toEqual([['snmp.oid_missing', { name: 'ups_battery_percent', oid: '1.3.6.1.4.1.9.2', malformed: true }]]);
    expect(p.list).toEqual(['ups_battery_percent (1.3.6.1.4.1.9.2): expected an integer, got IpAddress; ignored']);
  });
});

describe('createLimiter', () => {
  it('runs at most N at once, FIFO, and an aborted waiter leaves the queue', async () => {
    const limiter = createLimiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = () => { order.push('a'); r(); })));
    const controller = new AbortController();
    const aborted = limiter.run(async () => void order.push('never'), controller.signal);
    const third = limiter.run(async () => void order.push('c'));
    expect(limiter.stats()).toEqual({ active: 1, waiting: 2 });
    controller.abort(new Error('runner timeout'));
    await expect(aborted).rejects.toThrow('runner timeout');
    expect(limiter.stats()).toEqual({ active: 1, waiting: 1 });
    release();
    await Promise.all([first, third]);
    expect(order).toEqual(['a', 'c']);
    expect(limiter.stats()).toEqual({ active: 0, waiting: 0 });
  });
});

describe('snmp config validation', () => {
  const issues = (input: unknown) => snmpConfigSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('defaults', () => {
    expect(snmpConfigSchema.parse({ host: 'sw1' })).toMatchObject({ port: 161, version: '2c', community: 'public', request_timeout: 2000, retries: 1, timeout_state: 'crit', resources: true });
    expect(snmpConfigSchema.parse({ host: 'sw1', version: 1 }).version).toBe('1');
    expect(snmpConfigSchema.parse({ host: 'sw1', version: 2 }).version).toBe('2c');
  });

  it('names every bad field', () => {
    expect(issues({ host: 'sw1', version: 3 })).toEqual(['v3: required when version is 3']);
    expect(issues({ host: 'sw1', version: 3, v3: { username: 'u', level: 'authPriv', auth_password: 'short' } })).toEqual([
      'v3.auth_password: must be at least 8 characters (RFC 3414)',
      'v3.priv_password: required for level authPriv',
    ]);
    expect(issues({ host: 'sw1', v3: { username: 'u', auth_protocol: 'sha999' , auth_password: '12345678', priv_password: '12345678' } })[0]).toMatch(/^v3\.auth_protocol: /);
    expect(issues({ host: 'sw1', oids: [{ name: 'Temp', oid: 'sysUpTime.0' }] })).toEqual([
      'oids.0.name: expected a snake_case metric name like temperature_c',
      'oids.0.oid: expected a numeric OID like 1.3.6.1.2.1.1.3.0 (MIB names are not resolved)',
    ]);
    expect(issues({ host: 'sw1', oids: [{ name: 'up', oid: '1.3.6.1' }] })).toEqual(['oids.0.name: "up" is a built-in metric of the snmp check']);
    expect(issues({ host: 'sw1', oids: [{ name: 'a', oid: '1.3.6.1' }, { name: 'a', oid: '1.3.6.2' }] })).toEqual(['oids.1.name: duplicate metric name "a"']);
    expect(issues({ host: 'sw1', timeout_state: 'warn' })[0]).toMatch(/^timeout_state: /);
    expect(issues({ host: 'sw1', comunity: 'x' })[0]).toMatch(/comunity/);
    expect(issues({ host: 'sw1', cpu_percent: { warn: 99, crit: 90 } })).toEqual(['cpu_percent.warn: warn (99) must not be above crit (90): a higher value is worse']);
  });

  it('refuses, naming the key: a v3 block under version 1/2c, thresholds in the wrong order, a host with a scheme', () => {
    expect(issues({ host: 'sw1', v3: { username: 'u', auth_password: '12345678', priv_password: '12345678' } })).toEqual(['v3: only valid with version: 3 (version is 2c, which uses community)']);
    expect(issues({ host: 'sw1', version: 1, v3: { username: 'u', auth_password: '12345678', priv_password: '12345678' } })).toEqual(['v3: only valid with version: 3 (version is 1, which uses community)']);
    expect(issues({ host: 'sw1', utilisation_percent: { warn: 95, crit: 80 } })).toEqual(['utilisation_percent.warn: warn (95) must not be above crit (80): a higher value is worse']);
    expect(issues({ host: 'sw1', oids: [{ name: 'battery', oid: '1.3.6.1', warn_below: 20, crit_below: 50 }] })).toEqual(['oids.0.warn_below: warn_below (20) must not be below crit_below (50): a lower value is worse']);
    expect(issues({ host: 'sw1', oids: [{ name: 't', oid: '1.3.6.1', warn_above: 30, crit_above: 28 }] })).toEqual(['oids.0.warn_above: warn_above (30) must not be above crit_above (28): a higher value is worse']);
    expect(issues({ host: 'udp://10.123.0.1:161' })).toEqual(['host: expected a host name or address without a scheme: drop "udp://" (e.g. 10.123.0.1)']);
  });
});
