/** Stops a server a test started: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess | null, graceMs = 3000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
