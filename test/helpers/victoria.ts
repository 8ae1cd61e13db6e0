/**
 * Starts a real VictoriaMetrics 1.79 (Debian `victoria-metrics`) on a 127.0.0.1 free port with its storage in
 * a temp dir and `-search.latencyOffset=0s` (else new points stay invisible for 30 s); stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { waitUntil } from './wait.js';
import { stopProcess } from './process.js';

export interface VictoriaServer {
  port: number;
  url: string;
  /** Every sample matching `match` (a series selector) from /api/v1/export, one JSON line per series. */
  exportSeries(match: string): Promise<Array<{ metric: Record<string, string>; values: number[]; timestamps: number[] }>>;
  stop(): Promise<void>;
}

export async function startVictoria(): Promise<VictoriaServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-vm-'));
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const child: ChildProcess = spawn(
    'victoria-metrics',
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'data')}`, '-search.latencyOffset=0s', '-loggerLevel=ERROR', '-retentionPeriod=100y'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`victoria-metrics exited (${child.exitCode}): ${stderr}`);
      const res = await fetch(`${url}/health`).catch(() => null);
      return res?.status === 200;
    },
    30_000,
    'victoria-metrics /health',
  );
  return {
    port,
    url,
    async exportSeries(match) {
      const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`);
      if (!res.ok) throw new Error(`export ${res.status}: ${await res.text()}`);
      return (await res.text())
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { metric: Record<string, string>; values: number[]; timestamps: number[] });
    },
    async stop() {
      await stopProcess(child, 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
