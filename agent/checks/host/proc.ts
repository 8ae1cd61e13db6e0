/**
 * Cheap kernel readers used instead of systeminformation where it is wasteful:
 * - CPU: si.currentLoad() runs `cat /proc/stat | grep cpu` through a shell with execSync (blocking) on every call
 *   and sleeps 0.5 s on the first; one async read of /proc/stat gives the same counters.
 * - Interfaces: si.networkStats(iface) spawns a shell running seven `cat`s per interface per call and keeps rate
 *   state in a module global shared by all callers; reading /sys/class/net/<if>/statistics is a few file reads.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Cumulative jiffies from the aggregate `cpu` line of /proc/stat. */
export interface CpuTimes {
  /** idle + iowait */
  idle: number;
  iowait: number;
  steal: number;
  total: number;
}

/** Parses the first (`cpu `) line of /proc/stat. guest/guest_nice are already inside user/nice, so not added twice. */
export function parseProcStatCpu(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { idle: idle + iowait, iowait, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

export async function readCpuTimes(procRoot = '/proc'): Promise<CpuTimes> {
  const parsed = parseProcStatCpu(await readFile(`${procRoot}/stat`, 'utf8'));
  if (!parsed) throw new Error(`${procRoot}/stat has no aggregate cpu line`);
  return parsed;
}

export interface InterfaceCounters {
  operUp: boolean;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

export async function listInterfaceNames(sysNetDir = '/sys/class/net'): Promise<string[]> {
  return (await readdir(sysNetDir)).filter((name) => !name.startsWith('.')).sort();
}

const COUNTERS = ['rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'] as const;

/** null when the interface disappeared (hot-unplugged, container stopped). */
export async function readInterfaceCounters(name: string, sysNetDir = '/sys/class/net'): Promise<InterfaceCounters | null> {
  const dir = `${sysNetDir}/${name}`;
  try {
    const [operstate, ...values] = await Promise.all([
      readFile(`${dir}/operstate`, 'utf8'),
      ...COUNTERS.map((c) => readFile(`${dir}/statistics/${c}`, 'utf8')),
    ]);
    const [rxBytes = 0, txBytes = 0, rxErrors = 0, txErrors = 0, rxDropped = 0, txDropped = 0] = values.map((v) => Number(v.trim()));
    // `unknown` is what loopback and many virtual devices report while working.
    const state = (operstate ?? '').trim();
    return { operUp: state === 'up' || state === 'unknown', rxBytes, txBytes, rxErrors, txErrors, rxDropped, txDropped };
  } catch {
    return null;
  }
}
