/** Pure verdict for one host sample: thresholds → state and reasons; metrics and per-mount / per-interface series. */
import type { Series } from '../../../common/protocol.js';
import { formatDurationMs } from '../../../common/duration.js';
import type { Observation } from '../types.js';
import { round, worst } from '../types.js';
import { overFinding, packFindings, type Finding } from '../verdict.js';
import type { Thresholds } from './config.js';
import { mountSeries, type MountUsage } from './disks.js';
import type { InterfaceCounters } from './proc.js';
import type { CpuUsage } from './rates.js';

export interface InterfaceSample {
  name: string;
  counters: InterfaceCounters;
  /** null on the first run or after a counter reset: a rate needs two samples. */
  rxBytesPerS: number | null;
  txBytesPerS: number | null;
  rxErrorsPerS: number | null;
  txErrorsPerS: number | null;
}

export interface HostSample {
  /** null on the first run (needs two samples). */
  cpu: CpuUsage | null;
  cores: number;
  load: readonly [number, number, number];
  memory: { totalBytes: number; availableBytes: number; swapTotalBytes: number; swapUsedBytes: number };
  uptimeS: number;
  mounts: readonly MountUsage[];
  interfaces: readonly InterfaceSample[];
}

export function percent(part: number, whole: number): number | null {
  return whole > 0 ? (part / whole) * 100 : null;
}

export function interfaceSeries(i: InterfaceSample): Series {
  const metrics: Record<string, number> = {
    up: i.counters.operUp ? 1 : 0,
    rx_bytes: i.counters.rxBytes,
    tx_bytes: i.counters.txBytes,
    rx_errors: i.counters.rxErrors,
    tx_errors: i.counters.txErrors,
    rx_dropped: i.counters.rxDropped,
    tx_dropped: i.counters.txDropped,
  };
  if (i.rxBytesPerS !== null) metrics.rx_bytes_per_s = round(i.rxBytesPerS, 1);
  if (i.txBytesPerS !== null) metrics.tx_bytes_per_s = round(i.txBytesPerS, 1);
  if (i.rxErrorsPerS !== null) metrics.rx_errors_per_s = round(i.rxErrorsPerS, 3);
  if (i.txErrorsPerS !== null) metrics.tx_errors_per_s = round(i.txErrorsPerS, 3);
  return { tags: { interface: i.name }, metrics };
}

export function evaluateHost(sample: HostSample, t: Thresholds): Observation {
  const verdicts: Array<Finding | null> = [];
  const metrics: Record<string, number> = {
    load1: sample.load[0],
    load5: sample.load[1],
    load15: sample.load[2],
    cpu_cores: sample.cores,
    memory_total_bytes: sample.memory.totalBytes,
    memory_available_bytes: sample.memory.availableBytes,
    swap_total_bytes: sample.memory.swapTotalBytes,
    swap_used_bytes: sample.memory.swapUsedBytes,
    uptime_s: Math.round(sample.uptimeS),
  };

  if (sample.cpu) {
    metrics.cpu_used_percent = round(sample.cpu.busyPercent, 2);
    metrics.cpu_iowait_percent = round(sample.cpu.iowaitPercent, 2);
    metrics.cpu_steal_percent = round(sample.cpu.stealPercent, 2);
    verdicts.push(overFinding('host.cpu_high', 'cpu', sample.cpu.busyPercent, t.cpu_percent.warn, t.cpu_percent.crit, '%'));
  }
  const loadPerCore = sample.cores > 0 ? sample.load[1] / sample.cores : sample.load[1];
  metrics.load5_per_core = round(loadPerCore, 3);
  verdicts.push(overFinding('host.load_high', 'load5 per core', loadPerCore, t.load_per_core.warn, t.load_per_core.crit, '', { cores: sample.cores, load5: round(sample.load[1]) }));

  const memoryPercent = percent(sample.memory.totalBytes - sample.memory.availableBytes, sample.memory.totalBytes);
  if (memoryPercent !== null) {
    metrics.memory_used_percent = round(memoryPercent, 2);
    verdicts.push(overFinding('host.memory_high', 'memory', memoryPercent, t.memory_percent.warn, t.memory_percent.crit, '%'));
  }
  // No swap configured is not 0 % used; the metric is simply absent.
  const swapPercent = percent(sample.memory.swapUsedBytes, sample.memory.swapTotalBytes);
  if (swapPercent !== null) {
    metrics.swap_used_percent = round(swapPercent, 2);
    verdicts.push(overFinding('host.swap_high', 'swap', swapPercent, t.swap_percent.warn, t.swap_percent.crit, '%'));
  }

  let diskMax = 0;
  let inodesMax = 0;
  for (const m of sample.mounts) {
    diskMax = Math.max(diskMax, m.usedPercent);
    verdicts.push(overFinding('host.disk_high', `disk ${m.mount}`, m.usedPercent, t.disk_percent.warn, t.disk_percent.crit, '%', { mount: m.mount }));
    if (m.inodesUsedPercent !== null) {
      inodesMax = Math.max(inodesMax, m.inodesUsedPercent);
      verdicts.push(overFinding('host.inodes_high', `inodes ${m.mount}`, m.inodesUsedPercent, t.inodes_percent.warn, t.inodes_percent.crit, '%', { mount: m.mount }));
    }
  }
  if (sample.mounts.length > 0) {
    metrics.disk_used_percent_max = round(diskMax, 2);
    metrics.inodes_used_percent_max = round(inodesMax, 2);
  }

  const series = [...sample.mounts.map(mountSeries), ...sample.interfaces.map(interfaceSeries)];
  const findings = verdicts.filter((v): v is Finding => v !== null);
  const reasons = findings.map((f) => f.text);
  const summary = [
    sample.cpu ? `cpu ${round(sample.cpu.busyPercent, 1)}%` : 'cpu n/a (first sample)',
    `load ${sample.load.map((l) => round(l, 2)).join('/')} on ${sample.cores} cores`,
    memoryPercent !== null ? `memory ${round(memoryPercent, 1)}%` : null,
    swapPercent !== null ? `swap ${round(swapPercent, 1)}%` : 'no swap',
    `${sample.mounts.length} mounts`,
    `${sample.interfaces.length} interfaces`,
    `up ${formatDurationMs(sample.uptimeS * 1000)}`,
  ]
    .filter((s): s is string => s !== null)
    .join(', ');
  const ok: Omit<Finding, 'state' | 'text'> = {
    code: 'host.ok',
    params: {
      cpu_percent: sample.cpu ? round(sample.cpu.busyPercent, 1) : null,
      load5: round(sample.load[1]),
      cores: sample.cores,
      memory_percent: memoryPercent !== null ? round(memoryPercent, 1) : null,
      swap_percent: swapPercent !== null ? round(swapPercent, 1) : null,
      mounts: sample.mounts.length,
      interfaces: sample.interfaces.length,
      uptime_s: Math.round(sample.uptimeS),
    },
  };
  return {
    state: worst(...findings.map((f) => f.state)),
    message: reasons.length > 0 ? `${reasons.join('; ')} (${summary})` : summary,
    ...packFindings(findings.length > 0 ? findings : [ok]),
    metrics,
    ...(series.length > 0 ? { series } : {}),
  };
}
