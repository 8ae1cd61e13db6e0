/** Pure two-sample arithmetic: CPU busy share and per-second counter rates. */
import type { CpuTimes } from './proc.js';

export interface CpuUsage {
  busyPercent: number;
  iowaitPercent: number;
  stealPercent: number;
}

/** null when no time passed or the counters went backwards (e.g. a restored VM snapshot). */
export function cpuUsage(prev: CpuTimes, cur: CpuTimes): CpuUsage | null {
  const total = cur.total - prev.total;
  const idle = cur.idle - prev.idle;
  if (total <= 0 || idle < 0) return null;
  const pct = (part: number) => Math.min(100, Math.max(0, (part / total) * 100));
  return {
    busyPercent: pct(total - idle),
    iowaitPercent: pct(cur.iowait - prev.iowait),
    stealPercent: pct(cur.steal - prev.steal),
  };
}

/** Per-second rate of a monotonic counter; null on reset/wrap or when no time passed, never a fake 0. */
export function counterRate(prev: number, cur: number, elapsedMs: number): number | null {
  if (elapsedMs <= 0 || cur < prev) return null;
  return ((cur - prev) * 1000) / elapsedMs;
}
