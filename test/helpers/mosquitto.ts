/** Starts a real Mosquitto on 127.0.0.1 with a config file written here; stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import { stopProcess } from './process.js';

export interface MosquittoServer {
  port: number;
  url: string;
  dir: string;
  /** The running broker's PID (undefined while stopped): for CPU/RSS figures. */
  readonly pid: number | undefined;
  /** Stops the broker (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
  /** Starts it again on the same port (e.g. after an outage). */
  start(): Promise<void>;
}

export async function startMosquitto(opts: { extraConfig?: string; port?: number } = {}): Promise<MosquittoServer> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'outpost-mosq-'));
  chmodSync(dir, 0o755); // as root mosquitto drops to user `mosquitto`, which must read the config
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 100000',
      'max_inflight_messages 0',
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      opts.extraConfig ?? '',
    ].join('\n') + '\n',
  );
  chmodSync(conf, 0o644);
  let child: ChildProcess | null = null;
  let stderr = '';
  const server: MosquittoServer = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid;
    },
    async start() {
      child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<never>((_, reject) =>
        child?.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`))),
      );
      exited.catch(() => undefined);
      await Promise.race([waitForPort(port), exited]);
    },
    async stop() {
      const c = child;
      child = null;
      await stopProcess(c);
    },
  };
  await server.start();
  return server;
}
