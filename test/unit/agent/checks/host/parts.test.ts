import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostConfigSchema } from '../../../../../agent/checks/host/config.js';
import { createDiskSampler, inodeUsage, selectMounts, type FsEntry } from '../../../../../agent/checks/host/disks.js';
import { evaluateHost, percent, type HostSample } from '../../../../../agent/checks/host/evaluate.js';
import { matchesPattern, PSEUDO_FS_TYPES, selected } from '../../../../../agent/checks/host/filters.js';
import { listInterfaceNames, parseProcStatCpu, readCpuTimes, readInterfaceCounters } from '../../../../../agent/checks/host/proc.js';
import { counterRate, cpuUsage } from '../../../../../agent/checks/host/rates.js';

describe('parseProcStatCpu', () => {
  it('sums the aggregate line; idle includes iowait; guest is not double counted', () => {
    const text = 'cpu  13017 5 2833 75751 317 11 77 26 400 0\ncpu0 6468 0 1207 38221 62 0 13 11 0 0\nintr 1\n';
    expect(parseProcStatCpu(text)).toEqual({ idle: 75751 + 317, iowait: 317, steal: 26, total: 13017 + 5 + 2833 + 75751 + 317 + 11 + 77 + 26 });
  });
  it('null when the cpu line is missing or malformed', () => {
    expect(parseProcStatCpu('intr 1\n')).toBeNull();
    expect(parseProcStatCpu('cpu  1 2 x 4\n')).toBeNull();
  });
  it('reads a fixture /proc/stat, and fails loudly without one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'outpost-procstat-'));
    writeFileSync(join(root, 'stat'), 'cpu  1 0 1 8 0 0 0 0 0 0\n');
    expect(await readCpuTimes(root)).toEqual({ idle: 8, iowait: 0, steal: 0, total: 10 });
    writeFileSync(join(root, 'stat'), 'nothing\n');
    await expect(readCpuTimes(root)).rejects.toThrow(/has no aggregate cpu line/);
  });
});

describe('interface counters from a fixture /sys/class/net', () => {
  function fixture(): string {
    const root = mkdtempSync(join(tmpdir(), 'outpost-sysnet-'));
    const add = (name: string, operstate: string, values: number[]) => {
      mkdirSync(join(root, name, 'statistics'), { recursive: true });
      writeFileSync(join(root, name, 'operstate'), `${operstate}\n`);
      ['rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'].forEach((c, i) =>
        writeFileSync(join(root, name, 'statistics', c), `${values[i]}\n`),
      );
    };
    add('eth0', 'up', [100, 200, 1, 2, 3, 4]);
    add('lo', 'unknown', [5, 5, 0, 0, 0, 0]);
    add('eth1', 'down', [0, 0, 0, 0, 0, 0]);
    return root;
  }
  it('lists names sorted and reads counters; unknown operstate counts as up', async () => {
    const root = fixture();
    expect(await listInterfaceNames(root)).toEqual(['eth0', 'eth1', 'lo']);
    expect(await readInterfaceCounters('eth0', root)).toEqual({ operUp: true, rxBytes: 100, txBytes: 200, rxErrors: 1, txErrors: 2, rxDropped: 3, txDropped: 4 });
    expect((await readInterfaceCounters('lo', root))?.operUp).toBe(true);
    expect((await readInterfaceCounters('eth1', root))?.operUp).toBe(false);
    expect(await readInterfaceCounters('gone0', root)).toBeNull();
  });
});

describe('rates', () => {
  it('cpuUsage: worked example 1000 jiffies, 250 idle → 75 %', () => {
    expect(cpuUsage({ idle: 0, iowait: 0, steal: 0, total: 0 }, { idle: 250, iowait: 50, steal: 10, total: 1000 })).toEqual({
      busyPercent: 75,
      iowaitPercent: 5,
      stealPercent: 1,
    });
  });
  it('cpuUsage: null when no time passed or counters went backwards', () => {
    const t = { idle: 5, iowait: 0, steal: 0, total: 10 };
    expect(cpuUsage(t, t)).toBeNull();
    expect(cpuUsage(t, { ...t, total: 5 })).toBeNull();
  });
  it('cpuUsage stays within 0..100 (property)', () => {
    fc.assert(
      fc.property(fc.nat(1e6), fc.nat(1e6), fc.nat(1e6), (idle, busy, iowait) => {
        const u = cpuUsage({ idle: 0, iowait: 0, steal: 0, total: 0 }, { idle: idle + iowait, iowait, steal: 0, total: idle + iowait + busy });
        if (u === null) return;
        expect(u.busyPercent).toBeGreaterThanOrEqual(0);
        expect(u.busyPercent).toBeLessThanOrEqual(100);
      }),
    );
  });
  it('counterRate: bytes per second, null on reset or zero time', () => {
    expect(counterRate(1000, 6000, 2500)).toBe(2000);
    expect(counterRate(1000, 999, 1000)).toBeNull();
    expect(counterRate(1, 2, 0)).toBeNull();
  });
});

describe('filters', () => {
  it('exact names and prefix* globs', () => {
    expect(matchesPattern('veth12ab', 'veth*')).toBe(true);
    expect(matchesPattern('eth0', 'veth*')).toBe(false);
    expect(matchesPattern('/data', '/data')).toBe(true);
    expect(matchesPattern('/data2', '/data')).toBe(false);
  });
  it('empty include = all; exclude wins', () => {
    expect(selected('eth0', [], ['lo'])).toBe(true);
    expect(selected('lo', [], ['lo'])).toBe(false);
    expect(selected('eth0', ['e*'], ['eth0'])).toBe(false);
    expect(selected('wlan0', ['e*'], [])).toBe(false);
  });
});

const fsEntry = (mount: string, type = 'ext4', usedPercent = 50): FsEntry => ({
  device: `/dev/${mount.replace(/\W/g, '') || 'root'}`,
  type,
  mount,
  sizeBytes: 100,
  usedBytes: usedPercent,
  availableBytes: 100 - usedPercent,
  usedPercent,
});

describe('disks', () => {
  const filter = { include: [], exclude: [], excludeTypes: PSEUDO_FS_TYPES };
  it('skips pseudo file systems and duplicate mount points (bind mounts listed twice)', () => {
    const mounts = selectMounts([fsEntry('/'), fsEntry('/dev/shm', 'tmpfs'), fsEntry('/snap/core/1', 'squashfs'), fsEntry('/'), fsEntry('/merged', 'overlay')], filter);
    expect(mounts.map((m) => m.mount)).toEqual(['/']);
  });
  it('inodeUsage: worked example and file systems without inode tables', () => {
    expect(inodeUsage({ files: 200, ffree: 50 })).toEqual({ inodesUsedPercent: 75, inodesTotal: 200, inodesUsed: 150 });
    expect(inodeUsage({ files: 0, ffree: 0 })).toEqual({ inodesUsedPercent: null, inodesTotal: null, inodesUsed: null });
    expect(inodeUsage(null).inodesUsedPercent).toBeNull();
  });
  it('the sampler caches for refreshMs and refreshes after', async () => {
    let calls = 0;
    const sample = createDiskSampler(
      { fileSystems: async () => (calls++, [fsEntry('/')]), statfs: async () => ({ files: 10, ffree: 5 }) },
      filter,
      60_000,
    );
    await sample(0);
    await sample(59_999);
    expect(calls).toBe(1);
    await sample(60_000);
    expect(calls).toBe(2);
    await sample(1_000); // clock stepped back: refresh rather than trust the cache forever
    expect(calls).toBe(3);
  });
});

const T = hostConfigSchema.parse({}).thresholds;
const baseSample: HostSample = {
  cpu: { busyPercent: 10, iowaitPercent: 0, stealPercent: 0 },
  cores: 2,
  load: [0.1, 0.2, 0.3],
  memory: { totalBytes: 1000, availableBytes: 500, swapTotalBytes: 0, swapUsedBytes: 0 },
  uptimeS: 59,
  mounts: [],
  interfaces: [],
};

describe('evaluateHost thresholds (defaults)', () => {
  it.each([
    [{ cpu: { busyPercent: 90, iowaitPercent: 0, stealPercent: 0 } }, 'warn', 'cpu 90% >= 90%'],
    [{ cpu: { busyPercent: 98.5, iowaitPercent: 0, stealPercent: 0 } }, 'crit', 'cpu 98.5% >= 98%'],
    [{ load: [9, 4, 1] as const }, 'warn', 'load5 per core 2 >= 2'],
    [{ load: [9, 8.2, 1] as const }, 'crit', 'load5 per core 4.1 >= 4'],
    [{ memory: { totalBytes: 1000, availableBytes: 100, swapTotalBytes: 0, swapUsedBytes: 0 } }, 'warn', 'memory 90% >= 90%'],
    [{ memory: { totalBytes: 1000, availableBytes: 40, swapTotalBytes: 0, swapUsedBytes: 0 } }, 'crit', 'memory 96% >= 95%'],
    [{ memory: { totalBytes: 1000, availableBytes: 500, swapTotalBytes: 100, swapUsedBytes: 50 } }, 'warn', 'swap 50% >= 50%'],
    [{ memory: { totalBytes: 1000, availableBytes: 500, swapTotalBytes: 100, swapUsedBytes: 81 } }, 'crit', 'swap 81% >= 80%'],
  ])('%j → %s "%s"', (patch, state, reason) => {
    const o = evaluateHost({ ...baseSample, ...patch }, T);
    expect(o.state).toBe(state);
    expect(o.message.startsWith(`${reason} (`)).toBe(true);
  });

  it('ok summary; no swap means no swap metric rather than 0 %', () => {
    const o = evaluateHost(baseSample, T);
    expect(o.state).toBe('ok');
    expect(o.message).toBe('cpu 10%, load 0.1/0.2/0.3 on 2 cores, memory 50%, no swap, 0 mounts, 0 interfaces, up 59s');
    expect(o.metrics.swap_used_percent).toBeUndefined();
    expect(o.series).toBeUndefined();
  });

  it('percent guards a zero whole', () => {
    expect(percent(1, 0)).toBeNull();
    expect(percent(1, 4)).toBe(25);
  });
});

describe('host config', () => {
  it('defaults', () => {
    const cfg = hostConfigSchema.parse({});
    expect(cfg.thresholds).toEqual({
      cpu_percent: { warn: 90, crit: 98 },
      load_per_core: { warn: 2, crit: 4 },
      memory_percent: { warn: 90, crit: 95 },
      swap_percent: { warn: 50, crit: 80 },
      disk_percent: { warn: 85, crit: 95 },
      inodes_percent: { warn: 85, crit: 95 },
    });
    expect(cfg.interfaces).toEqual({ include: [], exclude: ['lo'] });
    expect(cfg.mounts.exclude_types).toContain('overlay');
    expect(cfg.disk_refresh).toBe(60_000);
    expect(cfg.interface_refresh).toBe(600_000);
  });

  it('overrides one side of a pair and keeps the other default', () => {
    expect(hostConfigSchema.parse({ thresholds: { memory_percent: { warn: 80 } } }).thresholds.memory_percent).toEqual({ warn: 80, crit: 95 });
  });

  it.each([
    [{ thresholds: { disk_percent: { warn: 96 } } }, ['thresholds', 'disk_percent', 'warn'], 'warn (96) must not be above crit (95): a higher value is worse'],
    [{ thresholds: { cpu: { warn: 1 } } }, ['thresholds'], undefined],
    [{ thresholds: { memory_percent: { warn: 120 } } }, ['thresholds', 'memory_percent', 'warn'], undefined],
    [{ mounts: { include: '/' } }, ['mounts', 'include'], undefined],
    [{ disk_refresh: 'often' }, ['disk_refresh'], undefined],
    [{ cpu_percent: 90 }, [], undefined],
  ])('rejects %j at %j', (input, path, message) => {
    const result = hostConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path).toEqual(path);
    if (message) expect(issue.message).toBe(message);
  });
});
