/**
 * File descriptors: every agent is one socket in the collector (and one in its simulator process), so 10,000 agents
 * need more than the usual soft limit of 1,024. Node raises its own soft limit to the hard one at start-up; when the
 * hard limit is too low, root raises this process's limits with `prlimit` (children — the collector, Mosquitto, the
 * simulators — inherit them); anyone else is told to run `ulimit -n` first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function openFilesLimit(pid: number | 'self' = 'self'): { soft: number; hard: number } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
  const n = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(soft), hard: n(hard) };
}

/** Makes sure this process (and what it starts) may open `needed` files; returns a line for the report. */
export function ensureOpenFiles(needed: number): string {
  const before = openFilesLimit();
  if (before.soft >= needed) return `open files: soft ${before.soft}, hard ${before.hard} (needed ${needed})`;
  if (process.getuid?.() !== 0) {
    throw new Error(`open files limit ${before.soft} (hard ${before.hard}) is below the ${needed} this run needs: run \`ulimit -n ${needed}\` first (as root, or raise the hard limit in /etc/security/limits.conf)`);
  }
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${needed}:${Math.max(needed, before.hard)}`]);
  const after = openFilesLimit();
  return `open files: raised with prlimit from ${before.soft}/${before.hard} to ${after.soft}/${after.hard} (needed ${needed})`;
}
