/** Shared pieces for the agent integration tests: build once, aedes broker, recording subscriber, agent child. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort, waitForPort } from '../../helpers/ports.js';
import { assertBuilt } from '../../helpers/built.js';

export const ROOT = join(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'dist/bin/outpost.js');

/** dist/ is built once by test/global-setup.ts; this only checks it is there. */
export async function buildOnce(): Promise<void> {
  assertBuilt();
}

export interface AedesServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startAedes(): Promise<AedesServer> {
  const port = await freePort();
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await waitForPort(port);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Received {
  topic: string;
  retain: boolean;
  dup: boolean;
  payload: Record<string, unknown>;
}

export interface Recorder {
  client: MqttClient;
  messages: Received[];
  of(kind: 'status' | 'results' | 'inventory' | 'events'): Received[];
  close(): Promise<void>;
}

/** A subscriber on every agent topic, recording messages in arrival order. */
export async function record(url: string, opts: { clientId?: string; clean?: boolean } = {}): Promise<Recorder> {
  const client = mqtt.connect(url, {
    protocolVersion: 4,
    clientId: opts.clientId ?? `rec-${Math.random().toString(16).slice(2)}`,
    clean: opts.clean ?? true,
    reconnectPeriod: 100,
  });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, retain: packet.retain, dup: packet.dup, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => client.subscribe('outpost/v1/+/+', { qos: 1 }, (error) => (error ? reject(error) : resolve())));
    client.once('error', reject);
  });
  return {
    client,
    messages,
    of: (kind) => messages.filter((m) => m.topic.endsWith(`/${kind}`)),
    close: () => client.endAsync(true),
  };
}

/** A TCP listener the agent's tcp check can probe (stays up while the broker goes down). */
export async function tcpTarget(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function writeAgentConfig(dir: string, body: string): string {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, body);
  return file;
}

export interface AgentChild {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnOutpost(args: string[], env: Record<string, string> = {}): AgentChild {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Runs the CLI to completion. */
export async function runOutpost(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}
