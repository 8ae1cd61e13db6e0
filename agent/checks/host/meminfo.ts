/**
 * Memory and swap from /proc/meminfo, read directly instead of si.mem(): the same single file read, without
 * loading systeminformation into the long-lived agent (footprint; BENCHMARKS.md "Agent footprint").
 */
import { readFile } from 'node:fs/promises';

export interface MemorySample {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
}

/** Parses /proc/meminfo (values in kB). null without MemTotal. */
export function parseMeminfo(text: string): MemorySample | null {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match) kb.set(match[1] as string, Number(match[2]) * 1024);
  }
  const total = kb.get('MemTotal');
  if (total === undefined) return null;
  // MemAvailable exists since Linux 3.14; before it, the classic estimate free + buffers + page cache
  const available = kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  const swapTotal = kb.get('SwapTotal') ?? 0;
  const swapFree = kb.get('SwapFree') ?? swapTotal;
  return { totalBytes: total, availableBytes: Math.min(available, total), swapTotalBytes: swapTotal, swapUsedBytes: Math.max(0, swapTotal - swapFree) };
}

export async function readMemory(procRoot = '/proc'): Promise<MemorySample> {
  const parsed = parseMeminfo(await readFile(`${procRoot}/meminfo`, 'utf8'));
  if (!parsed) throw new Error(`${procRoot}/meminfo has no MemTotal`);
  return parsed;
}
