/**
 * The embedded broker with per-agent credentials (mqtt.agents): anonymous and wrong-password logins are refused,
 * an agent's own results are ingested, a publish under another agent's topic is refused and never ingested,
 * subscriptions are refused, and the Last Will of an authenticated agent still marks it offline.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../../common/protocol.js';
import { publishAllowed } from '../../../collector/broker.js';
import { waitUntil } from '../../helpers/wait.js';
import { counterValue, publishResult, result, startTestCollector, status, type TestCollector } from './support.js';

let collector: TestCollector;
let url = '';
const clients: mqtt.MqttClient[] = [];

const connect = async (opts: mqtt.IClientOptions) => {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  collector = await startTestCollector({ mqtt: { listen: { port: 0 }, agents: [{ id: 'web-1', password: 'web-1-secret' }, { id: 'db-1', password: 'db-1-secret' }] } });
  url = `mqtt://127.0.0.1:${collector.running.mqttPort}`;
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await collector?.running.stop();
});

describe('embedded broker with per-agent credentials', () => {
  it('publishAllowed: only under the agent\'s own prefix once credentials exist', () => {
    expect(publishAllowed('web-1', 'outpost/v1/web-1/results', true)).toBe(true);
    expect(publishAllowed('web-1', 'outpost/v1/web-10/results', true)).toBe(false);
    expect(publishAllowed('web-1', 'outpost/v1/db-1/results', true)).toBe(false);
    expect(publishAllowed(undefined, 'outpost/v1/web-1/results', true)).toBe(false);
    expect(publishAllowed(undefined, 'outpost/v1/web-1/results', false)).toBe(true);
  });

  it('refuses anonymous and wrong-password logins', async () => {
    await expect(connect({ clientId: 'anon' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect({ clientId: 'web-1', username: 'web-1', password: 'wrong-password' })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('ingests an agent\'s own results; a publish under another agent\'s topic is refused and never stored', async () => {
    const web = await connect({ clientId: 'web-1', username: 'web-1', password: 'web-1-secret' });
    await publishResult(web, result('web-1', 1, 'http', 'ok', Date.now(), { target: 'web-1' }));
    await waitUntil(async () => (await collector.running.intervals.open(collector.running.store.db, 'web-1', 'http')) !== null, 20_000, 'own result stored');

    const before = await counterValue(collector.running.registry, 'outpost_messages_in_total');
    const closed = new Promise<void>((resolve) => web.once('close', () => resolve()));
    web.publish(topics.results('db-1'), JSON.stringify(result('db-1', 1, 'mysql', 'crit', Date.now(), { target: 'db-1' })), { qos: 1 });
    await closed; // MQTT 3.1.1 has no negative PUBACK: aedes drops the offending client
    expect((await collector.running.intervals.open(collector.running.store.db, 'db-1', 'mysql'))).toBeNull();
    expect(await counterValue(collector.running.registry, 'outpost_messages_in_total')).toBe(before);
  });

  it('refuses subscriptions', async () => {
    const db = await connect({ clientId: 'db-1', username: 'db-1', password: 'db-1-secret' });
    const granted = await db.subscribeAsync('outpost/v1/+/results', { qos: 1 }).catch((error: Error) => error);
    const refused = granted instanceof Error || granted.every((g) => g.qos === 128);
    expect(refused).toBe(true);
  });

  it('the Last Will of an authenticated agent marks it offline', async () => {
    const will = JSON.stringify(status('db-1', 'offline', []));
    const db = await connect({ clientId: 'db-1:lwt', username: 'db-1', password: 'db-1-secret', will: { topic: topics.status('db-1'), payload: Buffer.from(will), qos: 1, retain: true } });
    await db.publishAsync(topics.status('db-1'), JSON.stringify(status('db-1', 'online', [])), { qos: 1, retain: true });
    await waitUntil(async () => (await collector.running.agents.list(collector.running.store.db)).find((a) => a.agentId === 'db-1')?.online === true, 20_000, 'db-1 online');
    db.stream.destroy(); // connection lost without DISCONNECT: the broker publishes the will
    await waitUntil(async () => (await collector.running.agents.list(collector.running.store.db)).find((a) => a.agentId === 'db-1')?.online === false, 20_000, 'db-1 offline by Last Will');
  });
});
