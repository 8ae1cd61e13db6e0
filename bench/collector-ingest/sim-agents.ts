/**
 * Simulated agents, run as their own node process by the benchmark (so their CPU is not the collector's):
 *   node dist/bench/collector-ingest/sim-agents.js '<json SimAgentsOptions>'
 * Connects `agents` mqtt.js clients (MQTT 3.1.1, TCP_NODELAY), then each publishes its share of `total` valid
 * protocol result messages (seq 1, 2, … per agent, `checks` checks round-robin) at QoS 1 with at most `window`
 * unacknowledged publishes per client. Prints one JSON line per phase on stdout: `{"ready":true}` once every
 * client is connected, then (after a line on stdin) `{"done":true,...}` with the wall-clock span from the first
 * publish to the last PUBACK.
 */
import { createInterface } from 'node:readline';
import mqtt, { type MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, topics, type ResultMessage } from '../../common/protocol.js';

export interface SimAgentsOptions {
  url: string;
  agents: number;
  total: number;
  window: number;
  checks: number;
  /** Agent ids are `<prefix>-<n>`; a fresh prefix per run keeps seq marks apart. */
  prefix: string;
}

export interface SimAgentsReport {
  done: true;
  published: number;
  /** Epoch ms (fractional) of the first publish and of the last PUBACK. */
  firstPublishMs: number;
  lastAckMs: number;
}

const wallMs = () => performance.timeOrigin + performance.now();

function resultFor(agentId: string, seq: number, checks: number, nowMs: number): string {
  const check = seq % checks;
  const message: ResultMessage = {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    seq,
    check_id: `check-${check}`,
    check_type: 'tcp',
    target: `${agentId}.example`,
    interval_s: 10,
    observed_at_ms: nowMs,
    sent_at_ms: nowMs,
    duration_ms: 1.25,
    // A stable fleet: every result ok (state changes, which open incidents, are not what this measures).
    state: 'ok',
    message: 'connected in 1.2 ms',
    metrics: { connect_ms: 1 + (seq % 100) / 100, up: 1 },
  };
  return JSON.stringify(message);
}

async function connect(url: string, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId, clean: true, reconnectPeriod: 0, keepalive: 60 });
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return client;
}

/** Publishes seq 1..count for one agent, keeping at most `window` QoS 1 publishes unacknowledged. */
function publishAll(client: MqttClient, agentId: string, count: number, opts: SimAgentsOptions): Promise<void> {
  const topic = topics.results(agentId);
  let next = 1;
  let inFlight = 0;
  let acked = 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (inFlight < opts.window && next <= count) {
        const seq = next++;
        inFlight++;
        client.publish(topic, resultFor(agentId, seq, opts.checks, Date.now()), { qos: 1 }, (error) => {
          if (error) return reject(error);
          inFlight--;
          if (++acked === count) return resolve();
          pump();
        });
      }
    };
    if (count === 0) resolve();
    else pump();
  });
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as SimAgentsOptions;
  const ids = Array.from({ length: opts.agents }, (_, i) => `${opts.prefix}-${i}`);
  const clients = await Promise.all(ids.map((id) => connect(opts.url, `sim-${id}`)));
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  // Start on the parent's signal, so its measurement window and ours begin together.
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  const share = (i: number) => Math.floor(opts.total / opts.agents) + (i < opts.total % opts.agents ? 1 : 0);
  const firstPublishMs = wallMs();
  await Promise.all(clients.map((client, i) => publishAll(client, ids[i] as string, share(i), opts)));
  const lastAckMs = wallMs();
  const report: SimAgentsReport = { done: true, published: opts.total, firstPublishMs, lastAckMs };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await Promise.all(clients.map((c) => c.endAsync()));
}

await main();
process.exit(0); // stdin (the start signal) would keep this process alive

