/**
 * The collector as systemd runs it: `node dist/bin/outpost.js collector --config FILE` in its own process, stdout
 * (pino JSON) to a log file. `restart()` is `systemctl restart`: SIGTERM, wait for the exit, start again at once.
 * Either with the embedded broker on its SQLite store (mode a), or as one of a pair behind an external broker with a
 * shared group, on PostgreSQL (mode b).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitForPort } from '../../test/helpers/ports.js';
import { sleep } from './kit.js';

/** One collector of a pair: external broker, shared group, shared store, its own client id and lease holder id. */
export interface PairMember {
  mqttUrl: string;
  clientId: string;
  sharedGroup: string;
  storeUrl: string;
  collectorId: string;
}

export interface CollectorProcOptions {
  dir: string;
  apiPort: number;
  /** Embedded broker (mode a): its port and enrolment secret. */
  mqttPort?: number;
  enrolmentSecret?: string;
  /** Mode b: one of a pair instead of the embedded broker. */
  pair?: PairMember;
  /** Extra node flags for the next start (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

/** `/healthz`, as far as the benchmark reads it. */
export interface Health {
  ok: boolean;
  jobs?: Record<string, { holder: string | null; held: boolean; until_ms: number | null }>;
  /** Other collectors' broker sessions this one adopted (collectors in a shared group). */
  adopted_sessions?: Array<{ client_id: string; connected: boolean }>;
}

export interface CollectorProc {
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  start(nodeFlags?: string[]): Promise<void>;
  /** SIGTERM; resolves with how long the graceful stop took. */
  stop(): Promise<number>;
  /** `kill -9`: no DISCONNECT, no lease release. */
  kill9(): Promise<void>;
  health(): Promise<Health>;
  /** `outpost_messages_in_total{kind="results"}` from /metrics: result messages (an agent batches several) received since its start. */
  resultMessagesIn(): Promise<number>;
  /** Lines the collector logged so far. */
  logLines(): number;
}

const OUTPOST = join(import.meta.dirname, '../../bin/outpost.js');

function config(opts: CollectorProcOptions, dataDir: string): Record<string, unknown> {
  const api = { listen: { host: '127.0.0.1', port: opts.apiPort } };
  if (opts.pair) {
    const p = opts.pair;
    return {
      data_dir: dataDir,
      store: { url: p.storeUrl },
      ha: { collector_id: p.collectorId },
      mqtt: { url: p.mqttUrl, client_id: p.clientId, shared_group: p.sharedGroup },
      api,
    };
  }
  if (opts.mqttPort === undefined) throw new Error('collectorProc: mqttPort (embedded broker) or pair (external broker) is needed');
  return { data_dir: dataDir, mqtt: { listen: { host: '127.0.0.1', port: opts.mqttPort }, enrolment_secret: opts.enrolmentSecret }, api };
}

export function collectorProc(opts: CollectorProcOptions): CollectorProc {
  const dataDir = join(opts.dir, 'data');
  const configFile = join(opts.dir, 'collector.yaml');
  const logFile = join(opts.dir, 'collector.log');
  writeFileSync(configFile, stringify(config(opts, dataDir)));
  const log = createWriteStream(logFile, { flags: 'a' });
  const base = `http://127.0.0.1:${opts.apiPort}`;
  let child: ChildProcess | null = null;

  const health = async (): Promise<Health> => {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as Health;
  };
  /** A pair member is ready when /healthz says ok (store and broker connection up); the embedded broker when it listens. */
  const ready = async (): Promise<void> => {
    if (!opts.pair) return waitForPort(opts.mqttPort ?? 0, 120_000);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const h = await health().catch(() => null);
      if (h?.ok === true) return;
      if (Date.now() > deadline) throw new Error(`collector: /healthz not ok after 120 s; see ${logFile}`);
      await sleep(250);
    }
  };

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
      await Promise.race([ready(), exited]);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return 0;
      const t0 = performance.now();
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      await gone;
      return performance.now() - t0;
    },
    async kill9() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGKILL');
      await gone;
    },
    health,
    async resultMessagesIn() {
      const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      const line = text.split('\n').find((l) => l.startsWith('outpost_messages_in_total{') && l.includes('kind="results"'));
      return Number(line?.split(' ').at(-1) ?? 0);
    },
    logLines: () => readFileSync(logFile, 'utf8').split('\n').length - 1,
  };
}
