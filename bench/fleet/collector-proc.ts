/**
 * The collector as systemd runs it: `node dist/bin/outpost.js collector --config FILE` in its own process, stdout
 * (pino JSON) to a log file. `restart()` is `systemctl restart`: SIGTERM, wait for the exit, start again at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitForPort } from '../../test/helpers/ports.js';

export interface CollectorProcOptions {
  dir: string;
  mqttPort: number;
  apiPort: number;
  enrolmentSecret: string;
  /** Extra node flags for the next start (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

export interface CollectorProc {
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  start(nodeFlags?: string[]): Promise<void>;
  /** SIGTERM; resolves with how long the graceful stop took. */
  stop(): Promise<number>;
  /** Lines the collector logged so far. */
  logLines(): number;
}

const OUTPOST = join(import.meta.dirname, '../../bin/outpost.js');

export function collectorProc(opts: CollectorProcOptions): CollectorProc {
  const dataDir = join(opts.dir, 'data');
  const configFile = join(opts.dir, 'collector.yaml');
  const logFile = join(opts.dir, 'collector.log');
  writeFileSync(
    configFile,
    stringify({
      data_dir: dataDir,
      mqtt: { listen: { host: '127.0.0.1', port: opts.mqttPort }, enrolment_secret: opts.enrolmentSecret },
      api: { listen: { host: '127.0.0.1', port: opts.apiPort } },
    }),
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess | null = null;
  return {
    get pid() {
      return child?.pid ?? 0;
    },
    dataDir,
    logFile,
    async start(nodeFlags = []) {
      const c = spawn(process.execPath, [...nodeFlags, OUTPOST, 'collector', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.dir });
      child = c;
      c.stdout?.pipe(log, { end: false });
      c.stderr?.pipe(log, { end: false });
      const exited = new Promise<never>((_, reject) => c.once('exit', (code) => reject(new Error(`collector exited (${code}); see ${logFile}`))));
      exited.catch(() => undefined);
      await Promise.race([waitForPort(opts.mqttPort, 120_000), exited]);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return 0;
      const t0 = performance.now();
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      await gone;
      return performance.now() - t0;
    },
    logLines: () => readFileSync(logFile, 'utf8').split('\n').length - 1,
  };
}
