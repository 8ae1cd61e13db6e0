/**
 * Backpressure on the external-broker path: with the broker far ahead (Mosquitto sends the whole queue at once,
 * `max_inflight_messages 0`) and commits slower than arrivals, the source never holds more than `maxPending`
 * uncommitted messages — reading stops at the limit and resumes after a commit — and every message still arrives
 * exactly once, its PUBACK only after its commit (a reconnect of the persistent session redelivers nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createLogger } from '../../../../common/logger.js';
import { topics } from '../../../../common/protocol.js';
import { startExternalSource } from '../../../../collector/ingest/external-source.js';
import { startMosquitto, type MosquittoServer } from '../../../helpers/mosquitto.js';
import { waitUntil } from '../../../helpers/wait.js';

const TOTAL = 600;
const LIMIT = 25;

describe('external source backpressure', () => {
  let mosq: MosquittoServer;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq?.stop();
  });

  for (const protocolVersion of [4, 5] as const) {
    it(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}: at most ${LIMIT} uncommitted messages taken; all ${TOTAL} arrive once`, async () => {
      const clientId = `bp-collector-${protocolVersion}-${process.pid}`;
      const received = new Map<string, number>();
      let outstanding: Array<() => void> = [];
      let maxOutstanding = 0;
      // A slow store: commits what is outstanding every 5 ms (arrivals are much faster).
      const committer = setInterval(() => {
        const batch = outstanding;
        outstanding = [];
        for (const resolve of batch) resolve();
      }, 5);
      const source = await startExternalSource({
        url: mosq.url,
        clientId,
        protocolVersion,
        maxPending: LIMIT,
        logger: createLogger({ level: 'silent' }),
        onMessage: (_topic, payload) => {
          const key = Buffer.from(payload).toString();
          received.set(key, (received.get(key) ?? 0) + 1);
          return new Promise<void>((resolve) => {
            outstanding.push(resolve);
            maxOutstanding = Math.max(maxOutstanding, outstanding.length, source?.pending() ?? 0);
          });
        },
      });
      try {
        await waitUntil(() => source.connected(), 10_000, 'source connected');
        const publisher = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `bp-agent-${protocolVersion}-${process.pid}` });
        // Publish the whole burst while the collector's subscription is live: the broker is far ahead of the store.
        await Promise.all(Array.from({ length: TOTAL }, (_, i) => publisher.publishAsync(topics.results('bp-agent'), `m${i}`, { qos: 1 })));
        await publisher.endAsync();
        await waitUntil(() => received.size === TOTAL && source.pending() === 0, 60_000, `${TOTAL} messages committed`);
        expect(maxOutstanding).toBeGreaterThan(1);
        expect(maxOutstanding).toBeLessThanOrEqual(LIMIT);
        expect([...received.values()].every((n) => n === 1)).toBe(true);
      } finally {
        clearInterval(committer);
        await source.stop();
      }
      // Every PUBACK went out after its commit: the persistent session has nothing left to redeliver.
      const again: string[] = [];
      const resumed = await startExternalSource({
        url: mosq.url,
        clientId,
        protocolVersion,
        logger: createLogger({ level: 'silent' }),
        onMessage: (_topic, payload) => (again.push(Buffer.from(payload).toString()), Promise.resolve()),
      });
      try {
        await waitUntil(() => resumed.connected(), 10_000, 'source reconnected');
        const marker = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `bp-marker-${protocolVersion}-${process.pid}` });
        await marker.publishAsync(topics.results('bp-agent'), 'marker', { qos: 1 });
        await marker.endAsync();
        await waitUntil(() => again.includes('marker'), 10_000, 'marker after reconnect');
        expect(again).toEqual(['marker']);
      } finally {
        await resumed.stop();
      }
    });
  }

  it('a steady stream whose commits overlap new arrivals: each PUBACK goes out after its own batch, none is lost', async () => {
    // The store always has the previous tick's messages in flight while new ones arrive, so "every taken message
    // committed" never happens by itself: with a corked socket, every PUBACK of the run waited for that.
    const clientId = `bp-steady-${process.pid}`;
    const received = new Map<string, number>();
    let previous: Array<() => void> = [];
    let outstanding: Array<() => void> = [];
    let maxWaiting = 0;
    // PUBACKs waiting beyond the messages not yet committed (should never happen: each goes out with its commit).
    let worstExcess = 0;
    const committer = setInterval(() => {
      const batch = previous;
      previous = outstanding;
      outstanding = [];
      for (const resolve of batch) resolve();
      setImmediate(() => {
        worstExcess = Math.max(worstExcess, source.unackedWaiting() - (previous.length + outstanding.length));
      });
    }, 5);
    const source = await startExternalSource({
      url: mosq.url,
      clientId,
      protocolVersion: 4,
      maxPending: 10_000,
      logger: createLogger({ level: 'silent' }),
      onMessage: (_topic, payload) => {
        const key = Buffer.from(payload).toString();
        received.set(key, (received.get(key) ?? 0) + 1);
        maxWaiting = Math.max(maxWaiting, source?.unackedWaiting() ?? 0);
        return new Promise<void>((resolve) => outstanding.push(resolve));
      },
    });
    try {
      await waitUntil(() => source.connected(), 10_000, 'source connected');
      const publisher = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `bp-steady-agent-${process.pid}` });
      await Promise.all(Array.from({ length: TOTAL }, (_, i) => publisher.publishAsync(topics.results('bp-steady'), `s${i}`, { qos: 1 })));
      await publisher.endAsync();
      await waitUntil(() => received.size === TOTAL && source.pending() === 0, 60_000, `${TOTAL} messages committed`);
      expect(maxWaiting).toBeGreaterThan(1);
      expect(worstExcess).toBe(0);
      expect([...received.values()].every((n) => n === 1)).toBe(true);
    } finally {
      clearInterval(committer);
      await source.stop();
    }
  });
  for (const protocolVersion of [4, 5] as const) {
    it(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}, reconnect: false (an adopted session): the owner connecting takes the session over; the source stays closed, says so once`, async () => {
      const clientId = `adopted-${protocolVersion}-${process.pid}`;
      const closed: string[] = [];
      const got: string[] = [];
      const source = await startExternalSource({
        url: mosq.url,
        clientId,
        protocolVersion,
        reconnect: false,
        onClosed: (why) => closed.push(why),
        logger: createLogger({ level: 'silent' }),
        onMessage: (_topic, payload) => (got.push(Buffer.from(payload).toString()), Promise.resolve()),
      });
      await waitUntil(() => source.connected(), 10_000, 'adopted source connected');
      // The owner comes back with its client id: the broker disconnects us (MQTT 5: reason 0x8E).
      const owner = await mqtt.connectAsync(mosq.url, { protocolVersion, clientId, clean: false, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}) });
      try {
        await waitUntil(() => closed.length > 0, 10_000, 'adopted source closed');
        // Mosquitto 2.0.11 closes the old connection without a DISCONNECT, on MQTT 5 too (a broker that sends one
        // with reason 0x8E is named in the log).
        expect(closed).toEqual(['connection closed']);
        // Not reconnected (it would take the session back from its owner).
        const marker = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `adopted-marker-${protocolVersion}-${process.pid}` });
        await marker.publishAsync(topics.results('adopted'), 'after', { qos: 1 });
        await marker.endAsync();
        expect(source.connected()).toBe(false);
        expect(owner.connected).toBe(true);
        expect(got).not.toContain('after');
        await source.stop();
        expect(closed).toHaveLength(1);
      } finally {
        await owner.endAsync();
      }
    });
  }

  for (const protocolVersion of [4, 5] as const) {
    it(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}, shared group: retained messages are processed on a new session, not replayed again when the broker kept it; what queued meanwhile arrives`, async () => {
      const clientId = `retained-${protocolVersion}-${process.pid}`;
      const group = `g${protocolVersion}`;
      const agent = `retained-agent-${protocolVersion}`;
      const publisher = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `retained-pub-${protocolVersion}-${process.pid}` });
      await publisher.publishAsync(topics.status(agent), 'status-1', { qos: 1, retain: true });
      await publisher.publishAsync(topics.inventory(agent), 'inventory-1', { qos: 1, retain: true });
      const got: string[] = [];
      const open = () =>
        startExternalSource({
          url: mosq.url,
          clientId,
          protocolVersion,
          sharedGroup: group,
          logger: createLogger({ level: 'silent' }),
          // Only this test's agent (the broker keeps the other test's retained messages too).
          onMessage: (topic, payload) => (topic.includes(`/${agent}/`) && got.push(Buffer.from(payload).toString()), Promise.resolve()),
        });
      try {
        // A new session: the retained status and inventory are the collector's news of the agent.
        const first = await open();
        await waitUntil(() => got.length === 2, 10_000, 'retained messages on a new session');
        expect(got.sort()).toEqual(['inventory-1', 'status-1']);
        await first.stop();
        // Away: the status changes (the session queues it, delivered with retain=0).
        await publisher.publishAsync(topics.status(agent), 'status-2', { qos: 1, retain: true });
        got.length = 0;
        const second = await open();
        try {
          await waitUntil(() => got.includes('status-2'), 10_000, 'the queued status');
          // The re-subscribe's replay (status-2 and inventory-1 again, retain=1) is acknowledged, not processed.
          await publisher.publishAsync(topics.results(agent), 'marker', { qos: 1 });
          await waitUntil(() => got.includes('marker'), 10_000, 'a live message after the replay');
          expect(got).toEqual(['status-2', 'marker']);
          expect(second.unackedWaiting()).toBe(0);
        } finally {
          await second.stop();
        }
        // Nothing was left unacknowledged in the session: a third connection receives nothing old.
        got.length = 0;
        const third = await open();
        await publisher.publishAsync(topics.results(agent), 'marker-2', { qos: 1 });
        await waitUntil(() => got.includes('marker-2'), 10_000, 'the third connection live');
        await third.stop();
        expect(got).toEqual(['marker-2']);
        // Adopted (no SUBSCRIBE of its own): the owner's kept subscription delivers what queued meanwhile, and live.
        await publisher.publishAsync(topics.results(agent), 'queued-3', { qos: 1 });
        got.length = 0;
        const adopted = await startExternalSource({
          url: mosq.url,
          clientId,
          protocolVersion,
          sharedGroup: group,
          reconnect: false,
          subscribe: false,
          logger: createLogger({ level: 'silent' }),
          onMessage: (topic, payload) => (topic.includes(`/${agent}/`) && got.push(Buffer.from(payload).toString()), Promise.resolve()),
        });
        await publisher.publishAsync(topics.results(agent), 'live-3', { qos: 1 });
        await waitUntil(() => got.length === 2, 10_000, 'the adopted connection drains and stays live');
        await adopted.stop();
        expect(got).toEqual(['queued-3', 'live-3']);
      } finally {
        await publisher.endAsync();
      }
    });
  }

  it('subscribe: false (an adopted session): a session the broker did not keep gets no subscription, so nothing arrives', async () => {
    const got: string[] = [];
    const source = await startExternalSource({
      url: mosq.url,
      clientId: `adopted-unkept-${process.pid}`,
      protocolVersion: 4,
      reconnect: false,
      subscribe: false,
      logger: createLogger({ level: 'silent' }),
      onMessage: (_topic, payload) => (got.push(Buffer.from(payload).toString()), Promise.resolve()),
    });
    try {
      await waitUntil(() => source.connected(), 10_000, 'source connected');
      const publisher = await mqtt.connectAsync(mosq.url, { protocolVersion: 4, clientId: `adopted-unkept-pub-${process.pid}` });
      await publisher.publishAsync(topics.results('adopted-unkept'), 'live', { qos: 1 });
      await publisher.endAsync();
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual([]);
    } finally {
      await source.stop();
    }
  });

  it('reconnect: false: stop() is no loss of the session to report', async () => {
    const closed: string[] = [];
    const source = await startExternalSource({
      url: mosq.url,
      clientId: `adopted-stop-${process.pid}`,
      protocolVersion: 4,
      reconnect: false,
      onClosed: (why) => closed.push(why),
      logger: createLogger({ level: 'silent' }),
      onMessage: () => Promise.resolve(),
    });
    await waitUntil(() => source.connected(), 10_000, 'source connected');
    await source.stop();
    expect(source.connected()).toBe(false);
    expect(closed).toEqual([]);
  });
});
