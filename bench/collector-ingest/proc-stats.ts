/** CPU and RSS of a process over a measurement window, from /proc (works for this process and for children). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export interface ProcWindow {
  /** CPU seconds used during the window. */
  cpuSeconds: number;
  rssMaxBytes: number;
  rssEndBytes: number;
}

/** Starts sampling `pid` every 100 ms; `stop()` returns the window's figures (the last sample if it has exited). */
export function watchProcess(pid: number): { stop(): ProcWindow; rssMaxSoFar(): number } {
  const cpuStart = cpuSeconds(pid);
  let cpuLast = cpuStart;
  let rssLast = rssBytes(pid);
  let rssMax = rssLast;
  const sample = (): void => {
    try {
      cpuLast = cpuSeconds(pid);
      rssLast = rssBytes(pid);
      rssMax = Math.max(rssMax, rssLast);
    } catch {
      // the process ended: keep what was seen
    }
  };
  const timer = setInterval(sample, 100);
  return {
    rssMaxSoFar() {
      sample();
      return rssMax;
    },
    stop() {
      clearInterval(timer);
      sample();
      return { cpuSeconds: cpuLast - cpuStart, rssMaxBytes: rssMax, rssEndBytes: rssLast };
    },
  };
}

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
