/**
 * The agent as a real child process against a real broker (Mosquitto and the embedded aedes): results arrive
 * valid and in seq order, status/inventory are retained for late subscribers, kill -9 makes the broker publish
 * the Last Will (offline/lost), SIGTERM publishes offline/shutdown.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryMessageSchema, resultMessageSchema, statusMessageSchema } from '../../../common/protocol.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { waitUntil } from '../../helpers/wait.js';
import { buildOnce, record, spawnOutpost, startAedes, tcpTarget, writeAgentConfig, type AgentChild } from './support.js';

beforeAll(buildOnce, 180_000);

/** Adds the agent's own output to a failed wait, so a failure says why the agent did not deliver. */
async function explained<T>(agent: AgentChild, waiting: Promise<T>): Promise<T> {
  try {
    return await waiting;
  } catch (error) {
    throw new Error(`${(error as Error).message}\nagent exit code: ${agent.child.exitCode}\nagent output:\n${agent.output()}`);
  }
}

const brokers = [
  ['mosquitto', async () => startMosquitto()],
  ['aedes', async () => startAedes()],
] as const;

describe.each(brokers)('agent transport via %s', (_name, startBroker) => {
  let broker: { url: string; stop(): Promise<void> };
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  const children: AgentChild[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    target = await tcpTarget();
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await target.close();
    await broker.stop();
  });

  function startAgent(id: string): AgentChild {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-agent-it-'));
    const file = writeAgentConfig(
      dir,
      `agent: { id: ${id}, state_dir: ${dir}/state, log_level: warn }
mqtt: { url: "${broker.url}", reconnect_min: 100ms, reconnect_max: 1s }
checks:
  - { type: tcp, name: loopback, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }
`,
    );
    const agent = spawnOutpost(['agent', '--config', file]);
    children.push(agent);
    return agent;
  }

  it('results arrive valid and in seq order; status and inventory are retained for a late subscriber', async () => {
    const early = await record(broker.url);
    const agent = startAgent('transport-a');
    const results = await explained(
      agent,
      waitUntil(() => {
        const r = early.of('results').filter((m) => m.topic === 'outpost/v1/transport-a/results');
        return r.length >= 3 && r;
      }, 30_000, '3 results'),
    );
    const parsed = results.map((m) => resultMessageSchema.parse(m.payload));
    expect(parsed.every((r) => r.state === 'ok' && r.check_id === 'loopback' && r.target === '127.0.0.1' && r.interval_s === 1)).toBe(true);
    expect(parsed.every((r) => r.sent_at_ms >= r.observed_at_ms)).toBe(true);
    const seqs = parsed.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    await waitUntil(() => early.of('inventory').length > 0, 30_000, 'inventory');
    const late = await record(broker.url);
    const status = await waitUntil(() => late.of('status').find((m) => m.topic === 'outpost/v1/transport-a/status'), 10_000, 'retained status');
    expect(status.retain).toBe(true);
    expect(statusMessageSchema.parse(status.payload)).toMatchObject({
      state: 'online',
      checks: [{ check_id: 'loopback', check_type: 'tcp', target: '127.0.0.1', interval_s: 1 }],
    });
    const inventory = await waitUntil(() => late.of('inventory').find((m) => m.topic === 'outpost/v1/transport-a/inventory'), 10_000, 'retained inventory');
    expect(inventory.retain).toBe(true);
    expect(inventoryMessageSchema.parse(inventory.payload).agent_id).toBe('transport-a');
    await early.close();
    await late.close();
  });

  it('kill -9 of the agent makes the broker publish the retained Last Will offline/lost', async () => {
    const watcher = await record(broker.url);
    const agent = startAgent('transport-kill');
    await explained(agent, waitUntil(() => watcher.of('results').some((m) => m.topic === 'outpost/v1/transport-kill/results'), 30_000, 'a result'));
    agent.child.kill('SIGKILL');
    const offline = await waitUntil(
      () => watcher.of('status').find((m) => m.topic === 'outpost/v1/transport-kill/status' && m.payload.state === 'offline'),
      30_000,
      'the Last Will',
    );
    expect(statusMessageSchema.parse(offline.payload)).toMatchObject({ state: 'offline', reason: 'lost', agent_id: 'transport-kill' });
    const late = await record(broker.url);
    const retained = await waitUntil(() => late.of('status').find((m) => m.topic === 'outpost/v1/transport-kill/status'), 10_000, 'retained will');
    expect(retained).toMatchObject({ retain: true, payload: { state: 'offline', reason: 'lost' } });
    await watcher.close();
    await late.close();
  });

  it('SIGTERM publishes offline/shutdown and exits 0', async () => {
    const watcher = await record(broker.url);
    const agent = startAgent('transport-term');
    await explained(agent, waitUntil(() => watcher.of('status').some((m) => m.topic === 'outpost/v1/transport-term/status' && m.payload.state === 'online'), 30_000, 'online'));
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    const offline = await waitUntil(
      () => watcher.of('status').find((m) => m.topic === 'outpost/v1/transport-term/status' && m.payload.state === 'offline'),
      10_000,
      'offline status',
    );
    expect(offline.payload).toMatchObject({ reason: 'shutdown' });
    await watcher.close();
  });
});
