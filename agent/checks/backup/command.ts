/**
 * Runs the backup tool's listing command: argv without a shell, stdout kept up to a cap, stderr's tail kept
 * for the message. The command runs in its own process group; when the signal aborts (the check's deadline or
 * the runner's timeout) the whole group is killed (SIGKILL: a hung tool may ignore SIGTERM), so no child of a
 * wrapper script survives holding the pipes open and `agent --once` exits on time; the run rejects.
 */
import { spawn } from 'node:child_process';

export interface CommandOutput {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
}

const MAX_STDOUT_BYTES = 32 * 1024 * 1024;
const STDERR_TAIL_BYTES = 500;

export function runCommand(argv: readonly string[], env: Record<string, string>, signal: AbortSignal): Promise<CommandOutput> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    if (!file) return reject(new Error('empty command'));
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const baseEnv: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[key] !== undefined) baseEnv[key] = process.env[key] ?? '';
    // detached: its own process group (pgid = its pid), killed as a whole
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...baseEnv, ...env }, detached: true });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      killGroup();
      child.stdout.destroy();
      child.stderr.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // a listing command leaves nothing running behind it either
    child.once('exit', killGroup);
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let overflow = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        overflow = true;
        killGroup();
      } else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error(`cannot run ${file}: ${error.code ?? error.message}`));
    });
    child.once('close', (exitCode, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      if (aborted) return; // rejected already
      if (overflow) return reject(new Error(`${file} wrote more than ${MAX_STDOUT_BYTES} bytes`));
      resolve({ exitCode, signal: exitSignal, stdout: Buffer.concat(stdout).toString('utf8'), stderrTail: stderr.trim() });
    });
  });
}
