/**
 * Process table from /proc: two small reads per pid (stat, cmdline). Much cheaper than systeminformation's
 * processes(), which also computes CPU and memory for every pid (~80 ms per call).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface ProcInfo {
  pid: number;
  /** Kernel name of the process (max 15 chars), from /proc/PID/stat. */
  comm: string;
  /** Full argv; empty for kernel threads. */
  argv: string[];
  /** Start time in clock ticks since boot: orders processes by age. */
  startTicks: number;
}

/** Parses /proc/PID/stat. The comm field may contain spaces and parentheses, so split at the LAST ')'. */
export function parseProcStat(text: string): { comm: string; startTicks: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const comm = text.slice(open + 1, close);
  // Fields after comm start at field 3 (state); starttime is field 22 → index 19 here.
  const rest = text.slice(close + 2).split(' ');
  const startTicks = Number(rest[19]);
  if (!Number.isFinite(startTicks)) return null;
  return { comm, startTicks };
}

export function parseCmdline(raw: Buffer | string): string[] {
  const text = raw.toString();
  if (text === '') return [];
  return text.replace(/\0$/, '').split('\0');
}

/** How a configured service selects processes. */
export type ProcessMatcher = { kind: 'name'; name: string } | { kind: 'pattern'; regex: RegExp };

export function matchesProcess(proc: ProcInfo, matcher: ProcessMatcher): boolean {
  if (matcher.kind === 'name') {
    const argv0 = proc.argv[0];
    return proc.comm === matcher.name || (argv0 !== undefined && basename(argv0) === matcher.name);
  }
  return proc.argv.length > 0 && matcher.regex.test(proc.argv.join(' '));
}

/** Oldest first (the parent of a pre-forking server), pid as tie-break. */
export function oldestFirst(a: ProcInfo, b: ProcInfo): number {
  return a.startTicks - b.startTicks || a.pid - b.pid;
}

/** Lists processes; pids that exit while being read are skipped. `excludePid` keeps the agent from matching itself. */
export async function listProcesses(procRoot: string, excludePid: number): Promise<ProcInfo[]> {
  const entries = await readdir(procRoot);
  const procs = await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e) && Number(e) !== excludePid)
      .map(async (entry): Promise<ProcInfo | null> => {
        try {
          const [stat, cmdline] = await Promise.all([readFile(`${procRoot}/${entry}/stat`, 'utf8'), readFile(`${procRoot}/${entry}/cmdline`)]);
          const parsed = parseProcStat(stat);
          return parsed ? { pid: Number(entry), comm: parsed.comm, argv: parseCmdline(cmdline), startTicks: parsed.startTicks } : null;
        } catch {
          return null; // exited between readdir and read
        }
      }),
  );
  return procs.filter((p): p is ProcInfo => p !== null);
}
