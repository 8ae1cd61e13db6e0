import { describe, expect, it } from 'vitest';
import { createHostInstance, hostCheck, type HostSources } from '../../../../../agent/checks/host/check.js';
import type { FsEntry } from '../../../../../agent/checks/host/disks.js';
import type { CpuTimes, InterfaceCounters } from '../../../../../agent/checks/host/proc.js';
import { neverAbort, testDeps } from '../deps.js';

const GiB = 1024 ** 3;

/** A scripted machine: tests mutate its fields between runs. */
function fakeMachine() {
  const state = {
    cpu: { idle: 1000, iowait: 0, steal: 0, total: 2000 } as CpuTimes,
    fs: [
      { device: '/dev/sda1', type: 'ext4', mount: '/', sizeBytes: 100 * GiB, usedBytes: 40 * GiB, availableBytes: 60 * GiB, usedPercent: 40 },
      { device: 'tmpfs', type: 'tmpfs', mount: '/run', sizeBytes: GiB, usedBytes: 0, availableBytes: GiB, usedPercent: 0 },
      { device: '/dev/sdb1', type: 'xfs', mount: '/data', sizeBytes: 10 * GiB, usedBytes: 9 * GiB, availableBytes: GiB, usedPercent: 90 },
    ] as FsEntry[],
    inodes: { '/': { files: 1000, ffree: 900 }, '/data': { files: 1000, ffree: 30 } } as Record<string, { files: number; ffree: number }>,
    names: ['eth0', 'lo'],
    counters: {
      eth0: { operUp: true, rxBytes: 1_000_000, txBytes: 500_000, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
      lo: { operUp: true, rxBytes: 1, txBytes: 1, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
    } as Record<string, InterfaceCounters>,
    calls: { fileSystems: 0, interfaceNames: 0 },
  };
  const sources: HostSources = {
    cpuTimes: async () => ({ ...state.cpu }),
    loadavg: () => [0.5, 1, 1.5],
    cores: () => 4,
    uptimeS: () => 90_061,
    memory: async () => ({ totalBytes: 16 * GiB, availableBytes: 4 * GiB, swapTotalBytes: 2 * GiB, swapUsedBytes: 0 }),
    fileSystems: async () => {
      state.calls.fileSystems++;
      return state.fs;
    },
    statfs: async (mount) => {
      const counts = state.inodes[mount];
      if (!counts) throw new Error('ENOENT');
      return counts;
    },
    interfaceNames: async () => {
      state.calls.interfaceNames++;
      return state.names;
    },
    interfaceCounters: async (name) => state.counters[name] ?? null,
  };
  return { state, sources };
}

function setup(config: Record<string, unknown> = {}) {
  const machine = fakeMachine();
  let now = 1_000_000;
  const deps = testDeps({ now: () => now });
  const check = createHostInstance(hostCheck.configSchema.parse(config), deps, machine.sources);
  return { ...machine, check, advance: (ms: number) => (now += ms) };
}

describe('host check with a scripted machine', () => {
  it('first run: no cpu % and no rates (absent, not 0); thresholds on the rest', async () => {
    const { check } = setup();
    const o = await check.run(neverAbort());
    expect(o.metrics.cpu_used_percent).toBeUndefined();
    expect(o.metrics).toMatchObject({
      load1: 0.5,
      load5: 1,
      load15: 1.5,
      cpu_cores: 4,
      load5_per_core: 0.25,
      memory_used_percent: 75,
      swap_used_percent: 0,
      uptime_s: 90_061,
      disk_used_percent_max: 90,
      inodes_used_percent_max: 97,
    });
    const eth0 = o.series?.find((s) => s.tags.interface === 'eth0');
    expect(eth0?.metrics.rx_bytes_per_s).toBeUndefined();
    expect(eth0?.metrics.rx_bytes).toBe(1_000_000);
    // /data: disk 90 % (warn at 85) and inodes 97 % (crit at 95) → crit overall
    expect(o.state).toBe('crit');
    expect(o.message).toBe(
      'disk /data 90% >= 85%; inodes /data 97% >= 95% (cpu n/a (first sample), load 0.5/1/1.5 on 4 cores, memory 75%, swap 0%, 2 mounts, 1 interfaces, up 1d1h1m1s)',
    );
  });

  it('second run: cpu % and byte rates from the two samples', async () => {
    const { check, state, advance } = setup();
    await check.run(neverAbort());
    // 1000 more jiffies, 250 of them idle → 75 % busy; 10 of them iowait → 1 %
    state.cpu = { idle: 1250, iowait: 10, steal: 0, total: 3000 };
    state.counters.eth0 = { ...state.counters.eth0!, rxBytes: 1_000_000 + 2_000_000, txBytes: 500_000 + 100_000, rxErrors: 4 };
    advance(20_000);
    const o = await check.run(neverAbort());
    expect(o.metrics.cpu_used_percent).toBe(75);
    expect(o.metrics.cpu_iowait_percent).toBe(1);
    const eth0 = o.series?.find((s) => s.tags.interface === 'eth0');
    expect(eth0?.metrics).toMatchObject({ rx_bytes_per_s: 100_000, tx_bytes_per_s: 5_000, rx_errors: 4, rx_errors_per_s: 0.2, up: 1 });
  });

  it('a counter reset gives no rate for that run, not a negative one', async () => {
    const { check, state, advance } = setup();
    await check.run(neverAbort());
    state.counters.eth0 = { ...state.counters.eth0!, rxBytes: 10 };
    advance(10_000);
    const eth0 = (await check.run(neverAbort())).series?.find((s) => s.tags.interface === 'eth0');
    expect(eth0?.metrics.rx_bytes_per_s).toBeUndefined();
    expect(eth0?.metrics.tx_bytes_per_s).toBe(0);
  });

  it('reads disks at most every disk_refresh (60 s default) and interfaces every interface_refresh', async () => {
    const { check, state, advance } = setup({ interface_refresh: '5m' });
    await check.run(neverAbort());
    advance(30_000);
    await check.run(neverAbort());
    expect(state.calls).toEqual({ fileSystems: 1, interfaceNames: 1 });
    advance(30_000);
    await check.run(neverAbort());
    expect(state.calls).toEqual({ fileSystems: 2, interfaceNames: 1 });
    state.names = ['eth0', 'eth1', 'lo'];
    state.counters.eth1 = { operUp: false, rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 };
    advance(240_000);
    const o = await check.run(neverAbort());
    expect(state.calls.interfaceNames).toBe(2);
    const eth1 = o.series?.find((s) => s.tags.interface === 'eth1');
    expect(eth1?.metrics).toMatchObject({ up: 0 });
    expect(eth1?.metrics.rx_bytes_per_s).toBeUndefined(); // new interface: first sample
  });

  it('an interface that vanished is dropped quietly', async () => {
    const { check, state } = setup();
    delete state.counters.eth0;
    const o = await check.run(neverAbort());
    expect(o.series?.some((s) => s.tags.interface === 'eth0')).toBe(false);
  });

  it('mount and interface selection: pseudo fs skipped, lo skipped, include/exclude globs', async () => {
    const defaults = await setup().check.run(neverAbort());
    expect(defaults.series?.map((s) => s.tags.mount ?? s.tags.interface)).toEqual(['/', '/data', 'eth0']);
    const narrowed = await setup({ mounts: { exclude: ['/da*'] }, interfaces: { include: ['e*', 'lo'], exclude: [] } }).check.run(neverAbort());
    expect(narrowed.series?.map((s) => s.tags.mount ?? s.tags.interface)).toEqual(['/', 'eth0', 'lo']);
    expect(narrowed.state).toBe('ok');
    const root = narrowed.series?.[0];
    expect(root).toEqual({
      tags: { mount: '/', fs_type: 'ext4', device: '/dev/sda1' },
      metrics: { used_percent: 40, size_bytes: 100 * GiB, used_bytes: 40 * GiB, available_bytes: 60 * GiB, inodes_used_percent: 10, inodes_total: 1000, inodes_used: 100 },
    });
  });

  it('a mount whose statfs fails still reports disk usage, without inode metrics', async () => {
    const { check, state } = setup();
    delete state.inodes['/data'];
    const data = (await check.run(neverAbort())).series?.find((s) => s.tags.mount === '/data');
    expect(data?.metrics.used_percent).toBe(90);
    expect(data?.metrics.inodes_used_percent).toBeUndefined();
  });

  it('thresholds can be raised per item', async () => {
    const o = await setup({ thresholds: { disk_percent: { warn: 91 }, inodes_percent: { warn: 98, crit: 99 } } }).check.run(neverAbort());
    expect(o.state).toBe('ok');
  });

  it('keeps at most 1000 series (the wire limit) on hosts with thousands of interfaces', async () => {
    const { check, state } = setup({ interfaces: { exclude: [] } });
    state.names = Array.from({ length: 1200 }, (_, i) => `veth${i}`);
    for (const name of state.names) state.counters[name] = { ...state.counters.lo! };
    const o = await check.run(neverAbort());
    expect(o.series).toHaveLength(1000);
    expect(o.series?.[0]?.tags.mount).toBe('/');
  });

  it('defaultTarget is the agent hostname', () => {
    expect(hostCheck.defaultTarget(hostCheck.configSchema.parse({}), { hostname: 'web-1' })).toBe('web-1');
  });
});
