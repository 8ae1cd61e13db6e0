/**
 * The raw ceiling: the same simulated stream through a broker to `mosquitto_sub` (C, QoS 1), which only counts.
 * Nothing is stored, so this is what the broker and the publishers can do on this machine in this run.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { freePort } from '../../test/helpers/ports.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { launchSimAgents } from './sim-launcher.js';
import type { SimAgentsOptions } from './sim-agents.js';

export interface CeilingFigures {
  resultsPerSecond: number;
  seconds: number;
  received: number;
}

const wallMs = () => performance.timeOrigin + performance.now();

/** Publishes `opts.total` results to `port` and times mosquitto_sub receiving all of them. */
export async function measureCeiling(port: number, sim: Omit<SimAgentsOptions, 'url'>): Promise<CeilingFigures> {
  const url = `mqtt://127.0.0.1:${port}`;
  // One probe message first proves the subscription is active; then it exits after the whole stream.
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1', '-t', 'outpost/v1/+/results', '-C', String(sim.total + 1), '-N', '-F', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let received = 0;
  let lastAtMs = 0;
  sub.stdout.on('data', (chunk: Buffer) => {
    received += chunk.length;
    lastAtMs = wallMs();
  });
  const exited = new Promise<void>((resolve) => sub.once('exit', () => resolve()));
  const probe = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  await waitUntil(async () => {
    await probe.publishAsync('outpost/v1/probe/results', '{}', { qos: 1 });
    return received > 0;
  }, 10_000, 'mosquitto_sub subscribed');
  await probe.endAsync();
  const agents = await launchSimAgents({ ...sim, url });
  const report = await agents.run();
  await Promise.race([exited, waitUntil(() => received >= sim.total + 1, 120_000, 'mosquitto_sub to receive the whole stream')]);
  sub.kill('SIGKILL');
  const seconds = (lastAtMs - report.firstPublishMs) / 1000;
  return { resultsPerSecond: sim.total / seconds, seconds, received: received - 1 };
}

/** A bare aedes broker (no hooks): the peer of the embedded broker. */
export async function startBareAedes(): Promise<{ port: number; stop(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
