/**
 * Agent events in a real collector (embedded broker, SQLite, REST API), published over MQTT as the agent's trap
 * receiver makes them: each stored once per (agent, seq); linkDown opens one incident per interface (a repeat
 * updates it), linkUp resolves it, both on the incident's timeline; restarts keep events; pending traps left by
 * a crash are applied at start-up; old events are pruned; bad payloads are counted and nothing else is lost.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, topics } from '../../../../common/protocol.js';
import { openSqlStore } from '../../../../collector/store/sql/connect.js';
import { databaseFile } from '../../../../collector/config.js';
import { waitUntil } from '../../../helpers/wait.js';
import { ADMIN, connectAgent, counterValue, json, startTestCollector, testStoreOverride, VIEWER, type TestCollector } from '../support.js';
import { COLD_START_OID, linkDown, linkUp, publishEvent, trapEvent } from './support.js';

const AGENT = 'trap-agent';
const EVENTS = {
  traps: {
    rules: [
      { match: { trap: '1.3.6.1.4.1.9.9.13.3.0.5' }, action: 'open', severity: 'P3', key: 'fan', title: 'Fan failure on {target}' },
      { match: { trap: '1.3.6.1.4.1.9.9.13.3.0.6' }, action: 'resolve', key: 'fan', cause: 'fan ok (trap)' },
    ],
  },
};
let collector: TestCollector;
let agent: MqttClient;
let seq = 0;

async function connect(): Promise<void> {
  agent = await connectAgent(`mqtt://127.0.0.1:${collector.running.mqttPort}`, AGENT);
}
async function events(query = ''): Promise<any[]> {
  const body = await json(collector.api(`/api/v1/events?agent_id=${AGENT}&from=0&limit=5000${query}`, VIEWER));
  return body.events;
}
/** Waits until the event of `s` is stored and its trap rule applied. */
async function handled(s: number): Promise<any> {
  return waitUntil(async () => (await events()).find((e) => e.seq === s && e.action !== 'pending'), 20_000, `event seq ${s} handled`);
}
async function incidentsOf(target: string): Promise<any[]> {
  return (await json(collector.api(`/api/v1/incidents?target=${encodeURIComponent(target)}`, VIEWER))).items;
}
async function incident(number: string): Promise<any> {
  return json(collector.api(`/api/v1/incidents/${number}`, VIEWER));
}

beforeAll(async () => {
  collector = await startTestCollector({ events: EVENTS });
  await connect();
});
afterAll(async () => {
  agent?.end(true);
  await collector?.running.stop();
});

describe('SNMP traps open and resolve incidents', () => {
  it('linkDown opens one P2 incident for the interface; the same seq again is ignored', async () => {
    const down = linkDown(AGENT, ++seq, 'edge-sw1', 3, 'Gi0/3');
    await publishEvent(agent, down);
    await publishEvent(agent, down);
    const marker = ++seq;
    await publishEvent(agent, trapEvent(AGENT, marker, { trapOid: COLD_START_OID, trapName: 'coldStart', target: 'edge-sw1' }));
    await handled(marker);
    const stored = (await events()).filter((e) => e.seq === down.seq);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ agent_id: AGENT, kind: 'snmp_trap', target: 'edge-sw1', message: 'linkDown on Gi0/3 (ifIndex 3) from edge-sw1 (127.0.0.1)', action: 'open', rule: 'builtin[0]', data: { if_index: 3, if_name: 'Gi0/3', trap_name: 'linkDown' } });
    expect(stored[0].observed_at_ms).toBe(down.observed_at_ms);
    expect(stored[0].received_at_ms).toBeGreaterThanOrEqual(down.observed_at_ms);
    expect(await counterValue(collector.running.registry, 'outpost_messages_duplicate_total', { kind: 'events' })).toBe(1);

    const list = await incidentsOf('edge-sw1');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'edge-sw1：接口 Gi0/3 (ifIndex 3) 断开', title_code: 'title.link_down', severity: 'P2', status: 'open', source: 'auto', target: 'edge-sw1', check_type: 'snmp_trap', rule: 'traps.builtin[0]', started_at_ms: down.observed_at_ms });
    expect(stored[0].incident).toBe(list[0].number);
    const detail = await incident(list[0].number);
    expect(detail.timeline.map((t: any) => t.kind)).toEqual(['opened', 'trap']);
    expect(detail.timeline[1]).toMatchObject({ actor: 'system', note: down.message, data: { seq: down.seq, trap: 'linkDown', if_index: 3, interface: 'Gi0/3 (ifIndex 3)' } });
  });

  it('the coldStart was recorded only (timeline of the device, no incident)', async () => {
    const cold = (await events('&kind=snmp_trap&target=edge-sw1')).find((e) => e.data.trap_name === 'coldStart');
    expect(cold).toMatchObject({ action: 'record', rule: 'builtin[2]', incident: null });
  });

  it('a second linkDown with a new seq updates the incident instead of opening another', async () => {
    const again = linkDown(AGENT, ++seq, 'edge-sw1', 3, 'Gi0/3');
    await publishEvent(agent, again);
    const event = await handled(again.seq);
    const list = await incidentsOf('edge-sw1');
    expect(list).toHaveLength(1);
    expect(event).toMatchObject({ action: 'update', incident: list[0].number });
    const detail = await incident(list[0].number);
    expect(detail.timeline.filter((t: any) => t.kind === 'trap')).toHaveLength(2);
  });

  it('another interface opens its own incident', async () => {
    const other = linkDown(AGENT, ++seq, 'edge-sw1', 4);
    await publishEvent(agent, other);
    const event = await handled(other.seq);
    expect(event.action).toBe('open');
    const list = await incidentsOf('edge-sw1');
    expect(list.map((i) => i.title).sort()).toEqual(['edge-sw1：接口 Gi0/3 (ifIndex 3) 断开', 'edge-sw1：接口 ifIndex 4 断开']);
  });

  it('linkUp of the same ifIndex resolves it with cause "link up (trap)"; the other interface stays open', async () => {
    const up = linkUp(AGENT, ++seq, 'edge-sw1', 3, 'Gi0/3');
    await publishEvent(agent, up);
    const event = await handled(up.seq);
    const list = await incidentsOf('edge-sw1');
    const gi03 = list.find((i) => i.title.includes('Gi0/3'));
    expect(event).toMatchObject({ action: 'resolve', rule: 'builtin[1]', incident: gi03.number });
    expect(gi03).toMatchObject({ status: 'resolved', cause: 'link up (trap)', resolution: up.message, resolved_by: 'system' });
    expect(list.find((i) => i.title.includes('ifIndex 4')).status).toBe('open');
    const detail = await incident(gi03.number);
    expect(detail.timeline.map((t: any) => t.kind)).toEqual(['opened', 'trap', 'trap', 'trap', 'resolved']);
  });

  it('a linkUp without an active incident is only recorded', async () => {
    const up = linkUp(AGENT, ++seq, 'edge-sw1', 9);
    await publishEvent(agent, up);
    expect(await handled(up.seq)).toMatchObject({ action: 'record', rule: 'builtin[1]', incident: null });
  });

  it('a custom trap by OID opens and resolves its own incident (configured rules)', async () => {
    const fail = trapEvent(AGENT, ++seq, { trapOid: '1.3.6.1.4.1.9.9.13.3.0.5', trapName: null, target: 'core-sw1' });
    await publishEvent(agent, fail);
    expect(await handled(fail.seq)).toMatchObject({ action: 'open', rule: 'rules[0]' });
    expect((await incidentsOf('core-sw1'))[0]).toMatchObject({ title: 'Fan failure on core-sw1', title_code: null, severity: 'P3', status: 'open' });
    const ok = trapEvent(AGENT, ++seq, { trapOid: '1.3.6.1.4.1.9.9.13.3.0.6', trapName: null, target: 'core-sw1' });
    await publishEvent(agent, ok);
    expect(await handled(ok.seq)).toMatchObject({ action: 'resolve', rule: 'rules[1]' });
    expect((await incidentsOf('core-sw1'))[0]).toMatchObject({ status: 'resolved', cause: 'fan ok (trap)' });
  });

  it('in a maintenance window a linkDown opens nothing (suppressed, still on the timeline)', async () => {
    const now = Date.now();
    const window = await collector.api('/api/v1/maintenance', ADMIN, { method: 'POST', body: JSON.stringify({ name: 'lab recabling', reason: 'planned', targets: ['lab-sw1'], start: now - 60_000, end: now + 3_600_000 }) });
    expect(window.ok).toBe(true);
    const down = linkDown(AGENT, ++seq, 'lab-sw1', 2);
    await publishEvent(agent, down);
    expect(await handled(down.seq)).toMatchObject({ action: 'suppressed', rule: 'builtin[0]', incident: null });
    expect(await incidentsOf('lab-sw1')).toEqual([]);
  });

  it('a trap from an unknown source (target = its address) still records and opens', async () => {
    const stray = trapEvent(AGENT, ++seq, { trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'linkDown', target: '127.0.0.9', source: '127.0.0.9', ifIndex: 1 });
    await publishEvent(agent, stray);
    expect(await handled(stray.seq)).toMatchObject({ target: '127.0.0.9', message: 'linkDown on ifIndex 1 from 127.0.0.9', action: 'open' });
    expect((await incidentsOf('127.0.0.9'))[0].title).toBe('127.0.0.9：接口 ifIndex 1 断开');
  });

  it('agent events of other kinds (spool_dropped) are stored for the timeline', async () => {
    const s = ++seq;
    await publishEvent(agent, { v: PROTOCOL_VERSION, agent_id: AGENT, seq: s, sent_at_ms: Date.now(), observed_at_ms: Date.now(), kind: 'spool_dropped', message: 'spool full: 10 oldest results dropped', data: { dropped: 10 } });
    expect(await handled(s)).toMatchObject({ kind: 'spool_dropped', target: null, action: null, data: { dropped: 10 } });
  });
});

describe('GET /api/v1/events', () => {
  it('filters by target, agent, kind, window and limit, newest first', async () => {
    const all = await events();
    expect(all.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: seq }, (_, i) => i + 1)); // every seq exactly once
    expect(all.map((e) => e.observed_at_ms)).toEqual([...all.map((e) => e.observed_at_ms)].sort((a, b) => b - a));
    const edge = await events('&target=edge-sw1');
    expect(edge.length).toBeGreaterThan(0);
    expect(edge.every((e) => e.target === 'edge-sw1')).toBe(true);
    expect((await events('&kind=spool_dropped')).map((e) => e.kind)).toEqual(['spool_dropped']);
    expect((await json(collector.api(`/api/v1/events?agent_id=${AGENT}&from=0&limit=2`, VIEWER))).events.map((e: any) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const oldest = all[all.length - 1];
    const windowed = await json(collector.api(`/api/v1/events?from=${oldest.observed_at_ms}&to=${oldest.observed_at_ms + 1}&agent_id=${AGENT}`, VIEWER));
    expect(windowed.events.map((e: any) => e.id)).toContain(oldest.id);
    expect((await json(collector.api('/api/v1/events?agent_id=nobody&from=0', VIEWER))).events).toEqual([]);
  });

  it('needs a token (401) and names every bad parameter (400)', async () => {
    expect((await collector.api('/api/v1/events')).status).toBe(401);
    expect((await collector.api('/api/v1/events', 'wrong-token-0123456789')).status).toBe(401);
    const res = await collector.api('/api/v1/events?agent_id=Bad%20Agent&limit=0&from=yesterday&colour=red', VIEWER);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toBe('invalid query');
    const fields = body.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['query.agent_id', 'query.limit', 'query.from', 'query.colour']));
    const order = await json(collector.api('/api/v1/events?from=2000&to=1000', VIEWER));
    expect(order.details).toEqual([{ field: 'query.from', message: 'from must be before to' }]);
  });
});

describe('bad event payloads', () => {
  it('are counted as rejected by reason and the next valid event is still stored', async () => {
    const reject = (reason: string) => counterValue(collector.running.registry, 'outpost_messages_rejected_total', { reason });
    const before = { schema: await reject('schema_invalid'), json: await reject('malformed_json'), mismatch: await reject('agent_mismatch') };
    const valid = linkDown(AGENT, ++seq, 'edge-sw2', 1);
    await publishEvent(agent, { ...valid, seq: 0 });
    await publishEvent(agent, { ...valid, data: { nested: { not: 'allowed' } } });
    await publishEvent(agent, { ...valid, kind: '' });
    const { message: _dropped, ...noMessage } = valid;
    await publishEvent(agent, noMessage);
    await agent.publishAsync(topics.events(AGENT), '{"v":1,', { qos: 1 });
    await publishEvent(agent, { ...valid, agent_id: 'someone-else' }, AGENT);
    await publishEvent(agent, valid);
    await handled(valid.seq);
    expect(await reject('schema_invalid')).toBe(before.schema + 4);
    expect(await reject('malformed_json')).toBe(before.json + 1);
    expect(await reject('agent_mismatch')).toBe(before.mismatch + 1);
    expect((await events()).filter((e) => e.seq === valid.seq)).toHaveLength(1);
  });
});

describe('durability', () => {
  it('a restart keeps every event and its incident link; old seqs stay duplicates', async () => {
    const before = await events();
    agent.end(true);
    const dataDir = collector.dataDir;
    await collector.running.stop();
    collector = await startTestCollector({ events: EVENTS }, dataDir);
    await connect();
    expect(await events()).toEqual(before);
    const replay = linkDown(AGENT, 1, 'edge-sw1', 3, 'Gi0/3');
    await publishEvent(agent, replay);
    const marker = linkUp(AGENT, ++seq, 'edge-sw1', 4);
    await publishEvent(agent, marker);
    expect(await handled(marker.seq)).toMatchObject({ action: 'resolve' });
    expect((await events()).filter((e) => e.seq === 1)).toHaveLength(1);
    expect((await incidentsOf('edge-sw1')).every((i) => i.status === 'resolved')).toBe(true);
  });

  it('a trap stored but not yet applied when the collector died is applied at start-up', async () => {
    agent.end(true);
    const dataDir = collector.dataDir;
    await collector.running.stop();
    // What a crash between the ingest commit and the rule leaves behind: a pending row.
    const pg = await testStoreOverride(dataDir);
    const store = await openSqlStore(pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', file: databaseFile({ data_dir: dataDir }) });
    const crashed = linkDown(AGENT, ++seq, 'edge-sw3', 7);
    await store.db
      .insertInto('agent_events')
      .values({ agent_id: AGENT, seq: crashed.seq, kind: crashed.kind, target: crashed.target ?? null, check_id: null, message: crashed.message, data_json: JSON.stringify(crashed.data), observed_at_ms: crashed.observed_at_ms, sent_at_ms: crashed.sent_at_ms, received_at_ms: crashed.observed_at_ms, pending: 1 })
      .execute();
    await store.close();
    collector = await startTestCollector({ events: EVENTS }, dataDir);
    await connect();
    expect((await events()).find((e) => e.seq === crashed.seq)).toMatchObject({ action: 'open' });
    expect((await incidentsOf('edge-sw3'))[0]).toMatchObject({ status: 'open', title: 'edge-sw3：接口 ifIndex 7 断开' });
  });

  it('events older than the retention are pruned (at start-up and hourly)', async () => {
    const old = trapEvent(AGENT, ++seq, { trapOid: COLD_START_OID, trapName: 'coldStart', target: 'edge-sw1', observedAtMs: Date.now() - 40 * 86_400_000 });
    await publishEvent(agent, old);
    expect(await handled(old.seq)).toMatchObject({ observed_at_ms: old.observed_at_ms });
    agent.end(true);
    const dataDir = collector.dataDir;
    await collector.running.stop();
    collector = await startTestCollector({ events: { ...EVENTS, retention: '30d' } }, dataDir);
    await connect();
    const after = await events();
    expect(after.find((e) => e.seq === old.seq)).toBeUndefined();
    expect(after.length).toBeGreaterThan(10);
  });
});

describe('with incidents disabled', () => {
  it('traps are still stored and listed, as record only', async () => {
    const plain = await startTestCollector({ incidents: { enabled: false } });
    const client = await connectAgent(`mqtt://127.0.0.1:${plain.running.mqttPort}`, AGENT);
    try {
      await publishEvent(client, linkDown(AGENT, 1, 'edge-sw1', 3));
      const listed = await waitUntil(async () => (await json(plain.api(`/api/v1/events?agent_id=${AGENT}`, VIEWER))).events.find((e: any) => e.action === 'record'), 20_000, 'trap recorded');
      expect(listed).toMatchObject({ seq: 1, rule: 'builtin[0]', incident: null });
      expect((await plain.api('/api/v1/incidents', VIEWER)).status).toBe(404);
    } finally {
      client.end(true);
      await plain.running.stop();
    }
  });
});
