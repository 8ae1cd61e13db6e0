/**
 * Detection latencies in a running collector.
 * - LWT: a real agent process (dist/agent/main.js) is killed with SIGKILL; time until the collector has committed
 *   its checks as UNKNOWN with cause agent_offline (the Last Will, published by the broker when the socket drops).
 * - Ping (root): a real agent (createAgent) pings a host in a network namespace every second; the namespace side
 *   of the link goes down; time until the incident service opens the incident.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createAgent } from '../../agent/agent.js';
import { parseAgentConfigText } from '../../agent/config.js';
import { createLogger } from '../../common/logger.js';
import { collectorConfigSchema } from '../../collector/config.js';
import { createCollector } from '../../collector/collector.js';
import type { IncidentNotice, StateChange } from '../../collector/events.js';
import { createNetnsHost } from '../../test/helpers/netns.js';
import { freePort } from '../../test/helpers/ports.js';
import { waitUntil } from '../../test/helpers/wait.js';

const AGENT_MAIN = join(import.meta.dirname, '../../agent/main.js');
const wallMs = () => performance.timeOrigin + performance.now();

async function startCollector(dataDir: string, overrides: Record<string, unknown>, onIncidentNotice?: (n: IncidentNotice) => void) {
  const config = collectorConfigSchema.parse({ data_dir: dataDir, mqtt: { listen: { port: 0 } }, api: { listen: { port: 0 } }, ...overrides });
  const collector = createCollector({ config, logger: createLogger({ level: 'warn' }), registry: new Registry(), ...(onIncidentNotice ? { onIncidentNotice } : {}) });
  const changes: Array<StateChange & { seenAtMs: number }> = [];
  collector.onStateChange((change) => changes.push({ ...change, seenAtMs: wallMs() }));
  const running = await collector.start();
  return { running, changes };
}

/** Kill -9 of an agent process → its checks UNKNOWN (agent_offline), `rounds` times; milliseconds per round. */
export async function measureLwt(rounds: number, externalUrl?: string): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-lwt-'));
  const target = createServer((socket) => socket.destroy());
  const targetPort = await freePort();
  await new Promise<void>((resolve) => target.listen(targetPort, '127.0.0.1', resolve));
  const mqtt = externalUrl ? { url: externalUrl, client_id: `bench-lwt-${process.pid}` } : { listen: { port: 0 } };
  const { running, changes } = await startCollector(join(dir, 'data'), { mqtt });
  const url = externalUrl ?? `mqtt://127.0.0.1:${running.mqttPort}`;
  const latencies: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const id = `lwt-${process.pid}-${round}`;
      const config = join(dir, `${id}.yaml`);
      writeFileSync(config, `agent: { id: ${id}, state_dir: ${dir}/${id}, log_level: warn }\nmqtt: { url: "${url}" }\nchecks:\n  - { type: tcp, name: loopback, host: 127.0.0.1, port: ${targetPort}, interval: 1s, timeout: 500ms }\n`);
      const agent = spawn(process.execPath, [AGENT_MAIN, 'agent', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
      await waitUntil(() => changes.some((c) => c.agentId === id && c.to === 'ok'), 30_000, `${id} reporting ok`);
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      const killedAtMs = wallMs();
      agent.kill('SIGKILL');
      const offline = await waitUntil(() => changes.find((c) => c.agentId === id && c.cause === 'agent_offline'), 30_000, `${id} offline`);
      latencies.push(offline.seenAtMs - killedAtMs);
      await exited;
    }
  } finally {
    await running.stop();
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return latencies;
}

export interface PingDetection {
  confirmations: number;
  intervalS: number;
  /** Link down → incident opened, per round (ms). */
  latencies: number[];
}

/** Link down on the namespace side → ping incident opened, `rounds` times (needs root). */
export async function measurePingDetection(rounds: number, confirmations = 3): Promise<PingDetection> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ping-'));
  const host = createNetnsHost();
  const opened: Array<{ notice: IncidentNotice; seenAtMs: number }> = [];
  const { running, changes } = await startCollector(join(dir, 'data'), { states: { confirmations: { ping: confirmations } } }, (notice) => {
    if (notice.kind === 'opened' || notice.kind === 'reopened') opened.push({ notice, seenAtMs: wallMs() });
  });
  const parsed = parseAgentConfigText(
    `agent: { id: ping-bench, state_dir: ${dir}/agent, log_level: warn }\nmqtt: { url: "mqtt://127.0.0.1:${running.mqttPort}" }\n` +
      `checks:\n  - { type: ping, name: ping-ns, host: ${host.ip}, count: 1, packet_timeout: 500ms, interval: 1s, timeout: 900ms }\n`,
    {},
  );
  if (!parsed.ok) throw new Error(`agent config: ${JSON.stringify(parsed.problems)}`);
  const agent = createAgent({ config: parsed.config, logger: createLogger({ level: 'warn' }) });
  await agent.start();
  const latencies: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const okCount = () => changes.filter((c) => c.checkId === 'ping-ns' && c.to === 'ok').length;
      await waitUntil(() => okCount() > round, 30_000, 'ping ok');
      const before = opened.length;
      const downAtMs = wallMs();
      host.down();
      const incident = await waitUntil(() => opened[before], 30_000, 'ping incident opened');
      latencies.push(incident.seenAtMs - downAtMs);
      host.up();
    }
  } finally {
    await agent.stop();
    await running.stop();
    host.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  return { confirmations, intervalS: 1, latencies };
}
