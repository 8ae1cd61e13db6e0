/**
 * Identity on the embedded broker (enrolment secret + explicit entries): an agent logs in with its derived password
 * under its own id; a wrong password, an anonymous client and a foreign client id are refused; another login cannot
 * take over an agent's client id (the agent stays online, no Last Will fires); an agent cannot publish under another
 * id; refusals are logged at most once a minute per client with a count; a reload revokes and disconnects, and
 * turning logins on by reload disconnects anonymous clients.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../../common/protocol.js';
import { enrolmentPassword } from '../../../collector/enrolment.js';
import { configFor } from './support.js';
import { waitUntil } from '../../helpers/wait.js';
import { captureLogger, counterValue, publishResult, result, startTestCollector, status, type TestCollector } from './support.js';

const SECRET = 'identity-test-secret-0123456789';
let collector: TestCollector;
let lines: Array<Record<string, unknown>>;
let url = '';
const clients: mqtt.MqttClient[] = [];

const connect = async (opts: mqtt.IClientOptions) => {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  clients.push(client);
  return client;
};
const online = async (id: string) => (await collector.running.agents.list(collector.running.store.db)).find((a) => a.agentId === id)?.online;
const mqttSection = { listen: { port: 0 }, enrolment_secret: SECRET, agents: [{ id: 'fixed-1', password: 'fixed-1-password' }] };

beforeAll(async () => {
  const captured = captureLogger();
  lines = captured.lines;
  collector = await startTestCollector({ mqtt: mqttSection }, undefined, captured.logger);
  url = `mqtt://127.0.0.1:${collector.running.mqttPort}`;
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await collector?.running.stop();
});

describe('embedded broker identity', () => {
  it('admits an enrolled agent with its derived password and ingests its results', async () => {
    const web = await connect({ clientId: 'web-1', username: 'web-1', password: enrolmentPassword(SECRET, 'web-1') });
    await publishResult(web, result('web-1', 1, 'http', 'ok', Date.now(), { target: 'web-1' }));
    await waitUntil(async () => (await collector.running.intervals.open(collector.running.store.db, 'web-1', 'http')) !== null, 20_000, 'enrolled agent\'s result stored');
  });

  it('refuses a wrong password, an anonymous client, the derived password of an explicit entry and a foreign client id', async () => {
    await expect(connect({ clientId: 'web-2', username: 'web-2', password: 'not-the-derived-password' })).rejects.toThrow(/Bad username or password/i);
    await expect(connect({ clientId: 'anon' })).rejects.toThrow(/Bad username or password/i);
    await expect(connect({ clientId: 'fixed-1', username: 'fixed-1', password: enrolmentPassword(SECRET, 'fixed-1') })).rejects.toThrow(/Bad username or password/i);
    await expect(connect({ clientId: 'db-1', username: 'web-2', password: enrolmentPassword(SECRET, 'web-2') })).rejects.toThrow(/Identifier rejected/i);
    const refusal = lines.find((l) => l.msg === 'mqtt login refused' && l.username === 'web-2');
    expect(refusal).toMatchObject({ reason: 'wrong password', refused: 1 });
    expect(JSON.stringify(lines)).not.toContain('not-the-derived-password');
  });

  it('another login cannot take over an agent\'s client id: the agent stays online and its will never fires', async () => {
    const will = JSON.stringify(status('db-1', 'offline', [], 'lost'));
    const db = await connect({ clientId: 'db-1', username: 'db-1', password: enrolmentPassword(SECRET, 'db-1'), will: { topic: topics.status('db-1'), payload: Buffer.from(will), qos: 1, retain: true } });
    await db.publishAsync(topics.status('db-1'), JSON.stringify(status('db-1', 'online', [])), { qos: 1, retain: true });
    await waitUntil(async () => (await online('db-1')) === true, 20_000, 'db-1 online');
    for (let i = 0; i < 4; i++) {
      await expect(connect({ clientId: 'db-1', username: 'web-1', password: enrolmentPassword(SECRET, 'web-1') })).rejects.toThrow(/Identifier rejected/i);
    }
    // Still connected: a publish round-trips and the agent is still online in the store.
    await publishResult(db, result('db-1', 1, 'mysql', 'ok', Date.now(), { target: 'db-1' }));
    expect(db.connected).toBe(true);
    expect(await online('db-1')).toBe(true);
    // Four refusals within the minute: one log line.
    expect(lines.filter((l) => l.msg === 'mqtt login refused' && l.client_id === 'db-1')).toHaveLength(1);
  });

  it('an agent cannot publish under another agent\'s id', async () => {
    const web = await connect({ clientId: 'web-1:probe', username: 'web-1', password: enrolmentPassword(SECRET, 'web-1') });
    const before = await counterValue(collector.running.registry, 'outpost_messages_in_total');
    const closed = new Promise<void>((resolve) => web.once('close', () => resolve()));
    web.publish(topics.results('db-1'), JSON.stringify(result('db-1', 2, 'forged', 'crit', Date.now(), { target: 'db-1' })), { qos: 1 });
    await closed;
    expect((await collector.running.intervals.open(collector.running.store.db, 'db-1', 'forged'))).toBeNull();
    expect(await counterValue(collector.running.registry, 'outpost_messages_in_total')).toBe(before);
    expect(lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('mqtt publish outside'))).toMatchObject({ client_id: 'web-1:probe', refused: 1 });
  });

  it('a reload revokes: the connected agent is disconnected and refused from then on; the others stay', async () => {
    const web = await connect({ clientId: 'web-3', username: 'web-3', password: enrolmentPassword(SECRET, 'web-3') });
    const fixed = await connect({ clientId: 'fixed-1', username: 'fixed-1', password: 'fixed-1-password' });
    const closed = new Promise<void>((resolve) => web.once('close', () => resolve()));
    const plan = collector.running.reload(configFor(collector.dataDir, { mqtt: { ...mqttSection, revoked: ['web-3'] } }));
    expect(plan.changed).toEqual(['mqtt.revoked']);
    expect(plan.restart).toEqual([]);
    await closed;
    await expect(connect({ clientId: 'web-3', username: 'web-3', password: enrolmentPassword(SECRET, 'web-3') })).rejects.toThrow(/Not authorized/i);
    expect(fixed.connected).toBe(true);
    await publishResult(fixed, result('fixed-1', 1, 'disk', 'ok', Date.now(), { target: 'fixed-1' }));
    await waitUntil(async () => (await collector.running.intervals.open(collector.running.store.db, 'fixed-1', 'disk')) !== null, 20_000, 'fixed-1 still ingested');
  });
});

describe('turning logins on by reload', () => {
  it('disconnects anonymous clients and refuses them from then on', async () => {
    const open = await startTestCollector({ mqtt: { listen: { port: 0 } } });
    try {
      const anonymousUrl = `mqtt://127.0.0.1:${open.running.mqttPort}`;
      const anon = await mqtt.connectAsync(anonymousUrl, { protocolVersion: 4, clientId: 'web-9', reconnectPeriod: 0 });
      clients.push(anon);
      await publishResult(anon, result('web-9', 1, 'c', 'ok', Date.now()));
      const closed = new Promise<void>((resolve) => anon.once('close', () => resolve()));
      const plan = open.running.reload(configFor(open.dataDir, { mqtt: { listen: { port: 0 }, enrolment_secret: SECRET } }));
      expect(plan.changed).toEqual(['mqtt.enrolment_secret']);
      await closed;
      await expect(mqtt.connectAsync(anonymousUrl, { protocolVersion: 4, clientId: 'web-9', reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Bad username or password/i);
      const enrolled = await mqtt.connectAsync(anonymousUrl, { protocolVersion: 4, clientId: 'web-9', username: 'web-9', password: enrolmentPassword(SECRET, 'web-9'), reconnectPeriod: 0 });
      clients.push(enrolled);
      expect(enrolled.connected).toBe(true);
    } finally {
      await open.running.stop();
    }
  });
});
