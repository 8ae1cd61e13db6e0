/** Counts live processes by their exact argv (from /proc/<pid>/cmdline), e.g. the children a test made run. */
import { readdirSync, readFileSync } from 'node:fs';

export function countProcesses(argv: readonly string[]): number {
  const wanted = `${argv.join('\0')}\0`;
  let count = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') === wanted) count++;
    } catch {
      // exited while we looked
    }
  }
  return count;
}
