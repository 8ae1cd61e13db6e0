/**
 * `host`: CPU, load, memory, swap, per-mount disk and inode usage, per-interface traffic and errors, uptime.
 * Footprint matters (agent CPU ≤ 2× node_exporter, RSS ≤ 55 MiB): everything is read from /proc, /sys and
 * statfs(2) directly (see host/proc.ts, host/meminfo.ts, host/mounts.ts for why not systeminformation: its shell
 * spawns cost CPU and its module graph ~4 MiB of the agent's RSS). Disks are re-read at most every `disk_refresh`.
 * Rates and CPU % need two samples: the first run omits them.
 */
import { readFile, statfs } from 'node:fs/promises';
import { availableParallelism, loadavg, uptime } from 'node:os';
import { defineCheck } from '../types.js';
import type { CheckDeps, CheckInstance, Observation } from '../types.js';
import { hostConfigSchema, type HostConfig } from './config.js';
import { createDiskSampler, type DiskSources, type FsEntry } from './disks.js';
import { evaluateHost, type InterfaceSample } from './evaluate.js';
import { selected } from './filters.js';
import { readMemory } from './meminfo.js';
import { readFileSystems } from './mounts.js';
import { listInterfaceNames, readCpuTimes, readInterfaceCounters, type CpuTimes, type InterfaceCounters } from './proc.js';
import { counterRate, cpuUsage } from './rates.js';

/** Everything the host check reads; tests inject fakes. */
export interface HostSources extends DiskSources {
  cpuTimes(): Promise<CpuTimes>;
  loadavg(): [number, number, number];
  cores(): number;
  uptimeS(): number;
  memory(): Promise<{ totalBytes: number; availableBytes: number; swapTotalBytes: number; swapUsedBytes: number }>;
  interfaceNames(): Promise<string[]>;
  interfaceCounters(name: string): Promise<InterfaceCounters | null>;
}

export const systemHostSources: HostSources = {
  cpuTimes: () => readCpuTimes(),
  loadavg: () => {
    const [a = 0, b = 0, c = 0] = loadavg();
    return [a, b, c];
  },
  cores: () => availableParallelism(),
  uptimeS: () => uptime(),
  memory: () => readMemory(),
  fileSystems: (): Promise<FsEntry[]> => readFileSystems(() => readFile('/proc/self/mounts', 'utf8')),
  async statfs(mount) {
    const s = await statfs(mount);
    return { files: s.files, ffree: s.ffree };
  },
  interfaceNames: () => listInterfaceNames(),
  interfaceCounters: (name) => readInterfaceCounters(name),
};

/** The wire schema caps series per result; a host with thousands of veths keeps the first ones. */
const MAX_SERIES = 1000;

export function createHostInstance(cfg: HostConfig, deps: CheckDeps, sources: HostSources = systemHostSources): CheckInstance {
  const logger = deps.logger;
  const sampleDisks = createDiskSampler(sources, { include: cfg.mounts.include, exclude: cfg.mounts.exclude, excludeTypes: cfg.mounts.exclude_types }, cfg.disk_refresh);
  let previousCpu: CpuTimes | null = null;
  let previousNet = new Map<string, { at: number; counters: InterfaceCounters }>();
  let interfaces: { at: number; names: string[] } | null = null;

  async function interfaceNames(nowMs: number): Promise<string[]> {
    if (!interfaces || nowMs - interfaces.at >= cfg.interface_refresh || nowMs < interfaces.at) {
      const names = (await sources.interfaceNames()).filter((n) => selected(n, cfg.interfaces.include, cfg.interfaces.exclude));
      interfaces = { at: nowMs, names };
    }
    return interfaces.names;
  }

  async function sampleInterfaces(nowMs: number): Promise<InterfaceSample[]> {
    const names = await interfaceNames(nowMs);
    const read = await Promise.all(names.map(async (name) => ({ name, counters: await sources.interfaceCounters(name) })));
    const current = new Map<string, { at: number; counters: InterfaceCounters }>();
    const samples: InterfaceSample[] = [];
    for (const { name, counters } of read) {
      if (!counters) continue; // vanished since discovery; the next refresh drops it
      current.set(name, { at: nowMs, counters });
      const prev = previousNet.get(name);
      const rate = (pick: (c: InterfaceCounters) => number) => (prev ? counterRate(pick(prev.counters), pick(counters), nowMs - prev.at) : null);
      samples.push({
        name,
        counters,
        rxBytesPerS: rate((c) => c.rxBytes),
        txBytesPerS: rate((c) => c.txBytes),
        rxErrorsPerS: rate((c) => c.rxErrors),
        txErrorsPerS: rate((c) => c.txErrors),
      });
    }
    previousNet = current;
    return samples;
  }

  return {
    async run(): Promise<Observation> {
      const nowMs = deps.now();
      const [cpuTimes, memory, mounts, nets] = await Promise.all([sources.cpuTimes(), sources.memory(), sampleDisks(nowMs), sampleInterfaces(nowMs)]);
      const cpu = previousCpu ? cpuUsage(previousCpu, cpuTimes) : null;
      previousCpu = cpuTimes;
      const observation = evaluateHost(
        { cpu, cores: sources.cores(), load: sources.loadavg(), memory, uptimeS: sources.uptimeS(), mounts, interfaces: nets },
        cfg.thresholds,
      );
      if (observation.series && observation.series.length > MAX_SERIES) {
        logger.warn({ series: observation.series.length, kept: MAX_SERIES }, 'too many mounts/interfaces; narrow mounts/interfaces include');
        observation.series = observation.series.slice(0, MAX_SERIES);
      }
      return observation;
    },
  };
}

export const hostCheck = defineCheck({
  type: 'host',
  configSchema: hostConfigSchema,
  defaultTarget: (_cfg, deps) => deps.hostname,
  create: (cfg, deps) => createHostInstance(cfg, deps),
});
