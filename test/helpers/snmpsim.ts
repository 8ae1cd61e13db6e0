/**
 * Starts snmpsim (Debian `snmpsim`, command `snmpsimd`) on 127.0.0.1:<free UDP port> serving device recordings
 * copied (and gunzipped) from /usr/share/doc/snmpsim/examples/data or written by the test. The SNMP community
 * of a recording is its file name without `.snmprec`. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import snmp from 'net-snmp';
import { freeUdpPort } from './snmpd.js';
import { waitUntil } from './wait.js';
import { stopProcess } from './process.js';

export const SNMPSIM_EXAMPLES = '/usr/share/doc/snmpsim/examples/data';

export interface SnmpsimServer {
  port: number;
  pid: number | undefined;
  dataDir: string;
  stop(): Promise<void>;
}

/** Copies an example recording (e.g. `cisco_16_switch`, `recorded/linux-full-walk`) into `dataDir` as `<as>.snmprec`. */
export function copyExampleRecording(dataDir: string, example: string, as = example.split('/').pop() ?? example): void {
  const plain = join(SNMPSIM_EXAMPLES, `${example}.snmprec`);
  const target = join(dataDir, `${as}.snmprec`);
  if (existsSync(plain)) copyFileSync(plain, target);
  else writeFileSync(target, gunzipSync(readFileSync(`${plain}.gz`)));
  chmodSync(target, 0o644);
}

/** Answers once snmpsim serves `community` (the first start indexes the recordings, which takes a moment). */
async function answers(port: number, community: string): Promise<boolean> {
  const session = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 500, retries: 0 });
  try {
    return await new Promise<boolean>((resolve) => session.get(['1.3.6.1.2.1.1.3.0'], (error) => resolve(!error)));
  } finally {
    session.close();
  }
}

export async function startSnmpsim(opts: {
  /** Example recordings to serve (paths under the examples dir, without `.snmprec[.gz]`). */
  examples?: string[];
  /** Extra recordings written by the test: community → snmprec text. */
  recordings?: Record<string, string>;
  /** Existing data dir to serve (several processes may share one). */
  dataDir?: string;
}): Promise<SnmpsimServer> {
  const root = mkdtempSync(join(tmpdir(), 'outpost-snmpsim-'));
  chmodSync(root, 0o755); // as root snmpsim drops to nobody, which must read the recordings
  const dataDir = opts.dataDir ?? join(root, 'data');
  const cacheDir = join(root, 'cache');
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  mkdirSync(cacheDir, { mode: 0o777 });
  chmodSync(cacheDir, 0o777);
  for (const example of opts.examples ?? []) copyExampleRecording(dataDir, example);
  for (const [community, text] of Object.entries(opts.recordings ?? {})) {
    writeFileSync(join(dataDir, `${community}.snmprec`), text, { mode: 0o644 });
  }
  const port = await freeUdpPort();
  // snmpsim logs every request: to a file, so reading its output costs the test (and benchmark) process nothing
  const logFile = join(root, 'snmpsim.log');
  writeFileSync(logFile, '', { mode: 0o666 });
  chmodSync(logFile, 0o666);
  const args = [`--data-dir=${dataDir}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`, `--cache-dir=${cacheDir}`, `--logging-method=file:${logFile}`];
  if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
  const child: ChildProcess = spawn('snmpsimd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const logTail = (): string => `${stderr}${readFileSync(logFile, 'utf8').slice(-4000)}`;
  const community = [...(opts.examples ?? []).map((e) => e.split('/').pop() ?? e), ...Object.keys(opts.recordings ?? {})][0];
  const server: SnmpsimServer = {
    port,
    pid: child.pid,
    dataDir,
    stop: () => stopProcess(child),
  };
  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`snmpsimd exited (${child.exitCode}): ${logTail()}`);
      return community === undefined || (await answers(port, community));
    }, 60_000, `snmpsimd on 127.0.0.1:${port}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
