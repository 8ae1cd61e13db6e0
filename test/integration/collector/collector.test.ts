/** Agent-protocol messages from a real mqtt.js client → embedded aedes broker → collector → SQLite + API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createServer } from 'node:net';
import { topics } from '../../../common/protocol.js';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';
import { captureLogger, connectAgent, json, counterValue, publishResult, result, startTestCollector, status, VIEWER, type TestCollector } from './support.js';

const BASE = Date.now() - 3_600_000;
const MIN = 60_000;

describe('collector with the embedded broker', () => {
  let tc: TestCollector;
  let url: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    tc = await startTestCollector({ states: { confirmations: { flappy: 3 }, silence_scan: '100ms' } });
    url = `mqtt://127.0.0.1:${tc.running.mqttPort}`;
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await tc.running.stop();
  });

  async function agent(id: string, opts = {}): Promise<MqttClient> {
    const c = await connectAgent(url, id, opts);
    clients.push(c);
    return c;
  }

  it('stores intervals and announces changes after commit', async () => {
    const c = await agent('alpha');
    await publishResult(c, result('alpha', 1, 'web', 'ok', BASE));
    await publishResult(c, result('alpha', 2, 'web', 'ok', BASE + MIN));
    await publishResult(c, result('alpha', 3, 'web', 'crit', BASE + 2 * MIN));
    // PUBACK comes after commit, so the history is already there.
    const history = (await tc.running.intervals.history(tc.running.store.db, 'alpha', 'web', 0, Date.now()));
    expect(history.map((i) => [i.state, i.startMs, i.endMs, i.cause])).toEqual([
      ['ok', BASE, BASE + 2 * MIN, 'result'],
      ['crit', BASE + 2 * MIN, null, 'result'],
    ]);
    const mine = tc.changes.filter((ch) => ch.agentId === 'alpha');
    expect(mine.map((ch) => [ch.from, ch.to, ch.atMs])).toEqual([
      [null, 'ok', BASE],
      ['ok', 'crit', BASE + 2 * MIN],
    ]);
    expect(mine[1]).toMatchObject({ target: 'alpha-target', checkType: 'tcp', cause: 'result', reason: 'web is crit (seq 3)' });
  });

  it('needs N consecutive results before a change (confirmations by check id)', async () => {
    const c = await agent('beta');
    const states = ['ok', 'crit', 'ok', 'crit', 'crit', 'crit', 'ok'] as const;
    for (const [i, s] of states.entries()) await publishResult(c, result('beta', i + 1, 'flappy', s, BASE + i * MIN));
    const history = (await tc.running.intervals.history(tc.running.store.db, 'beta', 'flappy', 0, Date.now()));
    // The flap at seq 2 is damped; the streak of three crit starts at minute 3.
    expect(history.map((i) => [i.state, i.startMs])).toEqual([
      ['ok', BASE],
      ['crit', BASE + 3 * MIN],
    ]);
  });

  it('QoS 1 redelivery and replayed seqs are counted as duplicates and applied once', async () => {
    const c = await agent('gamma');
    await publishResult(c, result('gamma', 1, 'db', 'ok', BASE));
    await publishResult(c, result('gamma', 2, 'db', 'crit', BASE + MIN));
    const before = await counterValue(tc.running.registry, 'outpost_messages_duplicate_total');
    // Spool replay after a reconnect: the same seqs again (even with different content).
    await publishResult(c, result('gamma', 1, 'db', 'ok', BASE));
    await publishResult(c, result('gamma', 2, 'db', 'warn', BASE + MIN));
    expect(await counterValue(tc.running.registry, 'outpost_messages_duplicate_total')).toBe(before + 2);
    const history = (await tc.running.intervals.history(tc.running.store.db, 'gamma', 'db', 0, Date.now()));
    expect(history.map((i) => i.state)).toEqual(['ok', 'crit']);
    expect(tc.changes.filter((ch) => ch.agentId === 'gamma')).toHaveLength(2);
  });

  it('a late result is applied in observation-time order (intervals re-derived)', async () => {
    const c = await agent('delta');
    await publishResult(c, result('delta', 1, 'api', 'ok', BASE));
    await publishResult(c, result('delta', 2, 'api', 'ok', BASE + 2 * MIN));
    const announced = tc.changes.length;
    await publishResult(c, result('delta', 3, 'api', 'crit', BASE + MIN));
    const history = (await tc.running.intervals.history(tc.running.store.db, 'delta', 'api', 0, Date.now()));
    expect(history.map((i) => [i.state, i.startMs, i.endMs])).toEqual([
      ['ok', BASE, BASE + MIN],
      ['crit', BASE + MIN, BASE + 2 * MIN],
      ['ok', BASE + 2 * MIN, null],
    ]);
    // The current state did not change: nothing new is announced.
    expect(tc.changes.length).toBe(announced);
    expect(await counterValue(tc.running.registry, 'outpost_messages_in_total', { kind: 'results' })).toBeGreaterThan(0);
  });

  it('a clock running ahead never dates an interval in the future (clamped to receive time)', async () => {
    const c = await agent('epsilon');
    const future = Date.now() + 3_600_000;
    await publishResult(c, result('epsilon', 1, 'ntp', 'ok', future, { sent_at_ms: future }));
    const [interval] = (await tc.running.intervals.history(tc.running.store.db, 'epsilon', 'ntp', 0, future + 1));
    expect(interval!.startMs).toBeLessThanOrEqual(Date.now());
    const agentRow = (await tc.running.agents.get(tc.running.store.db, 'epsilon'));
    expect(agentRow!.skewMs).toBeLessThan(-3_000_000);
  });

  it('Last Will (agent lost) turns the agent\'s checks UNKNOWN at once', async () => {
    const will = status('zeta', 'offline', [{ check_id: 'disk' }], 'lost');
    const c = await agent('zeta', { will: { topic: topics.status('zeta'), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true } });
    await c.publishAsync(topics.status('zeta'), JSON.stringify(status('zeta', 'online', [{ check_id: 'disk' }, { check_id: 'cpu' }])), { qos: 1, retain: true });
    await publishResult(c, result('zeta', 1, 'disk', 'ok', Date.now() - 1000));
    c.stream.destroy(); // no DISCONNECT: the broker publishes the will
    const change = await waitUntil(() => tc.changes.find((ch) => ch.agentId === 'zeta' && ch.checkId === 'disk' && ch.to === 'unknown'));
    expect(change).toMatchObject({ from: 'ok', cause: 'agent_offline', reason: 'agent lost' });
    // A check the agent announced but never reported is UNKNOWN too.
    expect(tc.changes.find((ch) => ch.agentId === 'zeta' && ch.checkId === 'cpu')).toMatchObject({ from: null, to: 'unknown' });
    expect((await tc.running.agents.get(tc.running.store.db, 'zeta'))).toMatchObject({ online: false, statusReason: 'lost' });
    const res = await tc.api('/api/v1/agents/zeta', VIEWER);
    expect(await json(res)).toMatchObject({ agent_id: 'zeta', online: false, hostname: 'zeta.local' });
  });

  it('silence longer than 3 × interval turns a check UNKNOWN (cause silence), a result brings it back', async () => {
    const c = await agent('eta');
    await publishResult(c, result('eta', 1, 'fast', 'ok', Date.now(), { interval_s: 0.1 }));
    const change = await waitUntil(() => tc.changes.find((ch) => ch.agentId === 'eta' && ch.to === 'unknown'));
    expect(change.cause).toBe('silence');
    await publishResult(c, result('eta', 2, 'fast', 'ok', Date.now(), { interval_s: 60 }));
    expect(tc.changes.filter((ch) => ch.agentId === 'eta').map((ch) => ch.to)).toEqual(['ok', 'unknown', 'ok']);
  });

  it('lists checks with current state and last result over the API', async () => {
    const res = await tc.api('/api/v1/checks?agent=alpha', VIEWER);
    expect(res.status).toBe(200);
    const body = (await json(res)) as { checks: Array<Record<string, unknown>> };
    expect(body.checks).toEqual([
      expect.objectContaining({ agent_id: 'alpha', check_id: 'web', state: 'crit', since_ms: BASE + 2 * MIN, last_result: expect.objectContaining({ state: 'crit', metrics: { latency_ms: 3 } }) }),
    ]);
    const history = await json(tc.api(`/api/v1/checks/alpha/web/history?from=${BASE}`, VIEWER));
    expect(history.intervals).toHaveLength(2);
    const states = await json(tc.api(`/api/v1/states?target=alpha-target&from=${BASE}`, VIEWER));
    expect(states.intervals.map((i: { state: string }) => i.state)).toEqual(['ok', 'crit']);
    const targets = await json(tc.api('/api/v1/targets', VIEWER));
    expect(targets.targets.find((t: { target: string }) => t.target === 'alpha-target')).toMatchObject({ state: 'crit', agents: ['alpha'] });
  });

  it('stores status and inventory; lists the agent with version and inventory', async () => {
    const c = await agent('theta');
    await c.publishAsync(topics.status('theta'), JSON.stringify(status('theta', 'online', [{ check_id: 'ping' }])), { qos: 1, retain: true });
    const inventory = {
      v: 1,
      agent_id: 'theta',
      sent_at_ms: Date.now(),
      agent_version: '0.1.0',
      hostname: 'theta.local',
      os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      hardware: { manufacturer: 'QEMU', model: 'Standard PC', serial: 'N/A' },
      cpu: { model: 'vCPU', cores: 2, physical_cores: 2 },
      memory_bytes: 4_000_000_000,
      disks: [{ device: '/dev/vda', type: 'HD', size_bytes: 1e11 }],
      interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:01', ipv4: ['127.0.0.2'], ipv6: [] }],
    };
    await c.publishAsync(topics.inventory('theta'), JSON.stringify(inventory), { qos: 1, retain: true });
    const body = await json(tc.api('/api/v1/agents/theta', VIEWER));
    expect(body).toMatchObject({ agent_id: 'theta', online: true, agent_version: '0.1.0', checks: [{ check_id: 'ping' }], inventory: { cpu: { cores: 2 } } });
    const list = await json(tc.api('/api/v1/agents?inventory=false', VIEWER));
    expect(list.agents.find((a: { agent_id: string }) => a.agent_id === 'theta')).not.toHaveProperty('inventory');
  });
});

describe('clock skew', () => {
  it('warns (rate limited) when an agent clock is off by more than 30 s, and keeps the skew per agent', async () => {
    const { logger, lines } = captureLogger();
    const tc = await startTestCollector({}, undefined, logger);
    try {
      const c = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'skewed');
      const behind = Date.now() - 120_000;
      for (let seq = 1; seq <= 10; seq++) await publishResult(c, result('skewed', seq, 'cpu', 'ok', behind + seq, { sent_at_ms: behind + seq }));
      c.end(true);
      const warnings = lines.filter((l) => l.msg?.toString().startsWith('agent clock skew'));
      expect(warnings.length).toBe(5); // 5 per 10 s window, the rest are counted
      expect(warnings[0]).toMatchObject({ agent_id: 'skewed', level: 40 });
      expect(warnings[0]!.skew_ms as number).toBeGreaterThan(110_000);
      expect((await tc.running.agents.get(tc.running.store.db, 'skewed'))!.skewMs).toBeGreaterThan(110_000);
    } finally {
      await tc.running.stop();
    }
  });

  it('warns when an agent restarts its seq at 1 (persisted seq lost); those results are duplicates', async () => {
    const { logger, lines } = captureLogger();
    const tc = await startTestCollector({}, undefined, logger);
    try {
      const c = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'amnesic');
      const t0 = Date.now() - 600_000;
      await Promise.all(Array.from({ length: 150 }, (_, i) => publishResult(c, result('amnesic', i + 1, 'cpu', 'ok', t0 + i))));
      await publishResult(c, result('amnesic', 1, 'cpu', 'crit', Date.now()));
      c.end(true);
      expect(lines.find((l) => String(l.msg).startsWith('agent seq restarted at 1'))).toMatchObject({ agent_id: 'amnesic', max_seq: 150 });
      expect((await tc.running.intervals.open(tc.running.store.db, 'amnesic', 'cpu'))?.state).toBe('ok');
    } finally {
      await tc.running.stop();
    }
  });
});

describe('start-up failure', () => {
  it('a taken API port fails start() and releases what had started (the MQTT port)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const apiPort = (blocker.address() as { port: number }).port;
    const mqttPort = await freePort();
    await expect(startTestCollector({ mqtt: { listen: { port: mqttPort } }, api: { listen: { port: apiPort } } })).rejects.toThrow(/EADDRINUSE/);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(mqttPort, '127.0.0.1', resolve);
    });
    probe.close();
    blocker.close();
  });
});
