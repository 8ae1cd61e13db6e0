/**
 * Incidents inside a real collector (embedded broker, SQLite, REST API): results published over MQTT open,
 * update and resolve incidents; a restart on the same data directory keeps them; the agent going offline opens
 * one agent-lost incident; the open-incident gauge follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics } from '../../../../common/protocol.js';
import { waitUntil } from '../../../helpers/wait.js';
import { connectAgent, json, OPERATOR, publishResult, result, startTestCollector, status, VIEWER, type TestCollector } from '../support.js';

const INCIDENTS = { targets: { 'web-1': { group: 'shop', criticality: 'critical' } } };
let collector: TestCollector;
let agent: MqttClient;
let seq = 0;

async function connect(): Promise<void> {
  agent = await connectAgent(`mqtt://127.0.0.1:${collector.running.mqttPort}`, 'web-1');
}
function publish(checkId: string, checkType: string, state: 'ok' | 'warn' | 'crit'): Promise<void> {
  seq += 1;
  return publishResult(agent, result('web-1', seq, checkId, state, Date.now(), { target: 'web-1', check_type: checkType }));
}
async function incidents(query = ''): Promise<any> {
  return json(collector.api(`/api/v1/incidents${query}`, VIEWER));
}

beforeAll(async () => {
  collector = await startTestCollector({ incidents: INCIDENTS });
  await connect();
});
afterAll(async () => {
  agent?.end(true);
  await collector?.running.stop();
});

describe('incidents in a running collector', () => {
  it('a crit result opens a P1 incident on a critical target; the gauge counts it', async () => {
    await publish('disk-root', 'disk', 'crit');
    const list = await waitUntil(async () => ((await incidents()).total === 1 ? incidents() : undefined), 20_000, 'incident opened');
    expect(list.items[0]).toMatchObject({ severity: 'P1', status: 'open', target: 'web-1', check_id: 'disk-root', check_type: 'disk', last_state: 'crit', source: 'auto' });
    expect(list.items[0].number).toMatch(/^INC-\d{8}-0001$/);
    const metrics = await (await collector.api('/metrics')).text();
    expect(metrics).toContain('outpost_incidents_open{severity="P1"} 1');
  });

  it('a person acknowledges it through the API with the token name', async () => {
    const [first] = (await incidents()).items;
    const res = await collector.api(`/api/v1/incidents/${first.number}/ack`, OPERATOR, { method: 'POST', body: JSON.stringify({}) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'acknowledged', acknowledged_by: 'o' });
    const denied = await collector.api(`/api/v1/incidents/${first.number}/close`, VIEWER, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(403);
  });

  it('survives a restart on the same data directory; repeats after it never duplicate; recovery resolves', async () => {
    const before = (await incidents()).items;
    agent.end(true);
    const dataDir = collector.dataDir;
    await collector.running.stop();
    collector = await startTestCollector({ incidents: INCIDENTS }, dataDir);
    await connect();
    // The SLA block is computed at request time (elapsed seconds move on across the restart): compare the rest.
    const withoutSla = (items: Array<Record<string, unknown>>) => items.map(({ sla: _sla, ...rest }) => rest);
    expect(withoutSla((await incidents()).items)).toEqual(withoutSla(before));

    await publish('disk-root', 'disk', 'warn');
    const updated = await waitUntil(async () => {
      const [i] = (await incidents()).items;
      return i.last_state === 'warn' ? i : undefined;
    }, 20_000, 'state update');
    expect(updated).toMatchObject({ number: before[0].number, status: 'acknowledged', severity: 'P1' });

    await publish('disk-root', 'disk', 'ok');
    const resolved = await waitUntil(async () => {
      const [i] = (await incidents()).items;
      return i.status === 'resolved' ? i : undefined;
    }, 20_000, 'auto-resolve');
    expect(resolved).toMatchObject({ number: before[0].number, resolved_by: 'system', cause: 'recovered' });
    expect((await incidents()).total).toBe(1);
    expect(await (await collector.api('/metrics')).text()).toContain('outpost_incidents_open{severity="P1"} 0');
  });

  it('the agent going offline opens one agent-lost incident for all its checks', async () => {
    await publish('cpu', 'cpu', 'ok');
    await publish('mem', 'mem', 'ok');
    await waitUntil(async () => {
      const history = await json(collector.api('/api/v1/checks/web-1/mem/history?from=0', VIEWER));
      return history.intervals?.length > 0;
    }, 20_000, 'checks known to the collector');
    const offline = status('web-1', 'offline', [], 'lost');
    await agent.publishAsync(topics.status('web-1'), JSON.stringify(offline), { qos: 1, retain: true });
    const lost = await waitUntil(async () => {
      const list = await incidents('?status=open');
      return list.total > 0 ? list : undefined;
    }, 20_000, 'agent-lost incident');
    expect(lost.items).toEqual([expect.objectContaining({ check_id: 'agent', check_type: 'agent', target: 'web-1', last_state: 'unknown', is_host: true, severity: 'P2' })]);
  });
});
