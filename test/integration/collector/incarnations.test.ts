/**
 * Seq incarnations end to end: a real agent (built binary) whose state_dir is wiped is heard at once (seq 1 of its
 * new incarnation accepted, nothing dropped as duplicate), logged on its timeline; an agent without incarnation keeps
 * per-agent dedupe; two running agents with one id are detected (event + metric), not silently interleaved.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { assertBuilt } from '../../helpers/built.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { spawnOutpost, tcpTarget } from '../agent/support.js';
import { connectAgent, counterValue, json, publishResult, result, storeRows, startTestCollector, VIEWER, type TestCollector } from './support.js';
import { PROTOCOL_VERSION, topics } from '../../../common/protocol.js';

describe('seq incarnations', () => {
  let tc: TestCollector;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-inc-'));
  const children: ChildProcess[] = [];
  const clients: MqttClient[] = [];
  let target: Awaited<ReturnType<typeof tcpTarget>>;

  beforeAll(async () => {
    assertBuilt();
    tc = await startTestCollector({ states: { silence_scan: '100ms' } });
    url = `mqtt://127.0.0.1:${tc.running.mqttPort}`;
    target = await tcpTarget();
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const c of children) await stopProcess(c);
    await tc.running.stop();
    await target.close();
  });

  const marks = (agentId: string) =>
    storeRows(tc.running, sql<{ stream: string; max_seq: number }>`SELECT stream, max_seq FROM seq_marks WHERE agent_id = ${agentId} ORDER BY stream`);
  const events = async (agentId: string): Promise<Array<{ kind: string; message: string; data: Record<string, unknown> }>> =>
    (await json(tc.api(`/api/v1/events?agent_id=${agentId}`, VIEWER))).events;

  it('a re-installed agent (state_dir wiped) is heard at once: its seq 1 is accepted, no duplicates', async () => {
    const stateDir = join(dir, 'reinstall', 'state');
    mkdirSync(join(dir, 'reinstall'), { recursive: true });
    const config = join(dir, 'reinstall', 'agent.yaml');
    writeFileSync(
      config,
      `agent: { id: inc-a, state_dir: ${stateDir}, log_level: warn }
mqtt: { url: "${url}", reconnect_min: 100ms, reconnect_max: 300ms }
checks:
  - { type: tcp, name: port, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }
`,
    );
    const first = spawnOutpost(['agent', '--config', config]);
    children.push(first.child);
    const oldIncarnation = await waitUntil(() => { try { return readFileSync(join(stateDir, 'incarnation'), 'utf8').trim(); } catch { return null; } }, 30_000, 'the agent\'s incarnation file');
    await waitUntil(async () => (await marks('inc-a')).find((m) => m.stream === `results@${oldIncarnation}` && m.max_seq >= 4), 30_000, 'four results of the first install');
    await stopProcess(first.child, 10_000);
    rmSync(stateDir, { recursive: true, force: true });

    const duplicatesBefore = await counterValue(tc.running.registry, 'outpost_messages_duplicate_total');
    const reinstalledAt = Date.now();
    const second = spawnOutpost(['agent', '--config', config]);
    children.push(second.child);
    const agent = await waitUntil(async () => {
      const a = await json(tc.api('/api/v1/agents/inc-a', VIEWER));
      return a.incarnation !== oldIncarnation && a.incarnation !== null ? a : null;
    }, 30_000, 'the new incarnation');
    const newIncarnation = readFileSync(join(stateDir, 'incarnation'), 'utf8').trim();
    expect(agent.incarnation).toBe(newIncarnation);
    expect(agent.incarnation_at_ms).toBeGreaterThanOrEqual(reinstalledAt);
    // Its very first result (seq 1 of the new incarnation) was accepted: the check's state comes from it.
    const check = await waitUntil(async () => {
      const list = (await json(tc.api('/api/v1/checks?agent=inc-a', VIEWER))).checks as Array<{ last_result: { received_at_ms: number } }>;
      return list.find((c) => c.last_result.received_at_ms >= reinstalledAt);
    }, 10_000, 'a result of the re-installed agent');
    expect(check).toBeDefined();
    expect((await marks('inc-a')).find((m) => m.stream === `results@${newIncarnation}`)?.max_seq).toBeGreaterThanOrEqual(1);
    expect(await counterValue(tc.running.registry, 'outpost_messages_duplicate_total')).toBe(duplicatesBefore);
    const timeline = await events('inc-a');
    expect(timeline.find((e) => e.kind === 'agent_new_incarnation')).toMatchObject({
      message: `agent inc-a started with a new state (re-installed, or its state_dir was wiped): incarnation ${newIncarnation} replaces ${oldIncarnation}; its seq starts again`,
      data: { incarnation: newIncarnation, previous_incarnation: oldIncarnation },
    });
    expect(await counterValue(tc.running.registry, 'outpost_agent_id_conflicts_total')).toBe(0);
  });

  it('an agent without incarnation keeps per-agent dedupe (a replayed seq is a duplicate)', async () => {
    const c = await connectAgent(url, 'inc-legacy');
    clients.push(c);
    const t = Date.now() - 60_000;
    await publishResult(c, result('inc-legacy', 1, 'web', 'ok', t));
    await publishResult(c, result('inc-legacy', 2, 'web', 'ok', t + 1000));
    const before = await counterValue(tc.running.registry, 'outpost_messages_duplicate_total', { kind: 'results' });
    await publishResult(c, result('inc-legacy', 1, 'web', 'crit', t + 2000));
    expect(await counterValue(tc.running.registry, 'outpost_messages_duplicate_total', { kind: 'results' })).toBe(before + 1);
    expect(await marks('inc-legacy')).toEqual([{ stream: 'results', max_seq: 2 }]);
    expect((await json(tc.api('/api/v1/agents/inc-legacy', VIEWER))).incarnation).toBeNull();
  });

  it('two running agents with the same id are reported (event + metric), each deduped on its own incarnation', async () => {
    const a = await connectAgent(url, 'inc-twin', { clientId: 'twin-1' });
    const b = await connectAgent(url, 'inc-twin', { clientId: 'twin-2' });
    clients.push(a, b);
    const t = Date.now() - 60_000;
    const send = (client: MqttClient, seq: number, incarnation: string) => publishResult(client, result('inc-twin', seq, 'web', 'ok', t + seq * 1000, { incarnation }));
    await send(a, 1, 'twinA');
    await send(a, 2, 'twinA');
    await send(b, 1, 'twinB'); // looks like a re-install at first
    await send(a, 3, 'twinA'); // ...until the old incarnation goes on
    await send(b, 2, 'twinB');
    await send(a, 4, 'twinA');
    await send(a, 4, 'twinA'); // a redelivery is a duplicate, not a conflict
    expect(await counterValue(tc.running.registry, 'outpost_agent_id_conflicts_total', { agent_id: 'inc-twin' })).toBe(2);
    const timeline = await events('inc-twin');
    expect(timeline.filter((e) => e.kind === 'agent_id_conflict')).toHaveLength(1); // at most one per 10 minutes
    expect(timeline.find((e) => e.kind === 'agent_id_conflict')?.message).toBe(
      'two running agents publish as inc-twin (incarnations twinA and twinB): their results interleave; give each agent its own id',
    );
    expect(await marks('inc-twin')).toEqual([
      { stream: 'results@twinA', max_seq: 4 },
      { stream: 'results@twinB', max_seq: 2 },
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${tc.running.apiPort}/metrics`)).text();
    expect(metrics).toContain('outpost_agent_id_conflicts_total{agent_id="inc-twin"} 2');
  });

  it('events of a re-installed agent (seq from 1 again) are stored, not ignored as already seen', async () => {
    const c = await connectAgent(url, 'inc-ev');
    clients.push(c);
    const event = (seq: number, incarnation: string) => ({ v: PROTOCOL_VERSION, agent_id: 'inc-ev', seq, incarnation, sent_at_ms: Date.now(), observed_at_ms: Date.now(), kind: 'spool_dropped', message: `dropped (${incarnation})`, data: { dropped: 1 } });
    await c.publishAsync(topics.events('inc-ev'), JSON.stringify(event(1, 'evOld')), { qos: 1 });
    await c.publishAsync(topics.events('inc-ev'), JSON.stringify(event(1, 'evNew')), { qos: 1 });
    const stored = (await events('inc-ev')).filter((e) => e.kind === 'spool_dropped').map((e) => e.message);
    expect(stored.sort()).toEqual(['dropped (evNew)', 'dropped (evOld)']);
  });
});
