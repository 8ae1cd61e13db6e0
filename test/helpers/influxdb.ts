/**
 * Starts a real InfluxDB 1.6.7 (Debian `influxd`) on 127.0.0.1 free ports with a config file written here
 * (http + RPC bind-address, data/meta/wal dirs in a temp dir, reporting disabled); stopped by PID.
 * `start()` again after `stop()` reuses the same ports and data (an outage in the middle of a test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { waitUntil } from './wait.js';
import { stopProcess } from './process.js';

export interface InfluxDbServer {
  port: number;
  url: string;
  dir: string;
  /** Runs an InfluxQL statement; throws on HTTP errors and on `results[i].error` (1.x answers those with 200). */
  query(q: string, db?: string): Promise<InfluxQueryResult>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface InfluxQueryResult {
  results: Array<{ statement_id: number; series?: InfluxSeries[]; error?: string }>;
}

export async function startInfluxDb(): Promise<InfluxDbServer> {
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-influx-'));
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let stderr = '';
  const server: InfluxDbServer = {
    port,
    url,
    dir,
    async query(q, db) {
      const params = new URLSearchParams({ q, epoch: 'ms' });
      if (db) params.set('db', db);
      const res = await fetch(`${url}/query`, { method: 'POST', body: params });
      const text = await res.text();
      if (!res.ok) throw new Error(`influx query ${res.status}: ${text}`);
      const body = JSON.parse(text) as InfluxQueryResult;
      for (const r of body.results) if (r.error) throw new Error(`influx query error: ${r.error} (${q})`);
      return body;
    },
    async start() {
      stderr = '';
      const c = spawn('influxd', ['-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      await waitUntil(
        async () => {
          if (c.exitCode !== null) throw new Error(`influxd exited (${c.exitCode}): ${stderr}`);
          const res = await fetch(`${url}/ping`).catch(() => null);
          return res?.status === 204;
        },
        30_000,
        'influxd /ping',
      );
    },
    async stop() {
      const c = child;
      child = null;
      await stopProcess(c, 5000);
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
