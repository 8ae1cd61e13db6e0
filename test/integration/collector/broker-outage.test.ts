/**
 * The collector's own connection to an external broker (real Mosquitto, behind a TCP relay the test cuts): the
 * outage is one P2 "MQTT broker unreachable", resolved when the connection is back; agents' Last Wills fired in
 * that window (queued for the collector's persistent session) are recorded but open no "agent lost" incidents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { topics } from '../../../common/protocol.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';
import { connectAgent, json, publishResult, result, startTestCollector, status, VIEWER, type TestCollector } from './support.js';

/** A TCP relay 127.0.0.1:port → Mosquitto that can be cut (every connection dropped, nothing accepted) and restored. */
async function relay(port: number, upstream: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((downstream) => {
        const up = connect(upstream, '127.0.0.1');
        for (const s of [downstream, up]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            downstream.destroy();
            up.destroy();
          });
        }
        downstream.pipe(up).pipe(downstream);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen();
  return {
    async cut(): Promise<void> {
      const s = server;
      server = null;
      const closed = new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: listen,
  };
}

describe('external broker outage', () => {
  let mosq: MosquittoServer;
  let tc: TestCollector;
  let link: Awaited<ReturnType<typeof relay>>;
  let relayPort: number;
  const agents: MqttClient[] = [];
  const health = async (): Promise<{ broker: boolean }> => json(tc.api('/healthz'));
  const incidents = async (): Promise<Array<Record<string, unknown>>> => (await json(tc.api('/api/v1/incidents?limit=100', VIEWER))).items;

  beforeAll(async () => {
    mosq = await startMosquitto();
    relayPort = await freePort();
    link = await relay(relayPort, mosq.port);
    tc = await startTestCollector(
      { mqtt: { url: `mqtt://127.0.0.1:${relayPort}`, client_id: `outage-${process.pid}`, unreachable_after: '2s' }, states: { silence_scan: '100ms' } },
      mkdtempSync(join(tmpdir(), 'outpost-outage-')),
    );
    await waitUntil(async () => (await health()).broker, 10_000, 'collector connected through the relay');
    for (const id of ['out-a1', 'out-a2']) {
      // Like a real agent: a retained QoS 1 Last Will `offline`/`lost`, then `online` and a result.
      const will = { topic: topics.status(id), payload: Buffer.from(JSON.stringify(status(id, 'offline', [{ check_id: 'port' }], 'lost'))), qos: 1 as const, retain: true };
      const client = await connectAgent(mosq.url, id, { will });
      agents.push(client);
      await client.publishAsync(topics.status(id), JSON.stringify(status(id, 'online', [{ check_id: 'port' }])), { qos: 1, retain: true });
      await publishResult(client, result(id, 1, 'port', 'ok', Date.now()));
    }
    await waitUntil(async () => (await json(tc.api('/api/v1/agents', VIEWER))).agents.filter((a: { online: boolean }) => a.online).length === 2, 10_000, 'both agents online');
  });
  afterAll(async () => {
    for (const a of agents) a.end(true);
    await tc?.running.stop();
    await link?.cut();
    await mosq?.stop();
  });

  it('one P2 "MQTT broker unreachable" while cut off; the agents\' wills of that window open no incident', async () => {
    await link.cut();
    await waitUntil(async () => !(await health()).broker, 10_000, 'collector sees the outage');
    const opened = await waitUntil(async () => (await incidents()).find((i) => i.check_type === 'mqtt_broker'), 10_000, 'the broker incident');
    expect(opened).toMatchObject({ title: `MQTT 消息服务器不可达：127.0.0.1:${relayPort}`, title_code: 'title.broker_unreachable', severity: 'P2', status: 'open', target: `127.0.0.1:${relayPort}` });

    // Meanwhile both agents drop off the broker without a DISCONNECT: Mosquitto fires their wills, queued for us.
    for (const a of agents) a.stream.destroy();
    await link.restore();
    await waitUntil(async () => (await health()).broker, 15_000, 'collector reconnected');
    await waitUntil(async () => (await json(tc.api('/api/v1/agents', VIEWER))).agents.every((a: { online: boolean; status_reason: string }) => !a.online && a.status_reason === 'lost'), 10_000, 'the queued wills applied');
    const resolved = await waitUntil(async () => (await incidents()).find((i) => i.check_type === 'mqtt_broker' && i.status === 'resolved'), 10_000, 'the broker incident resolved');
    expect(resolved.number).toBe(opened.number);

    const all = await incidents();
    expect(all).toHaveLength(1);
    // The checks stay as their last result said; a truly lost agent is found silent later (clock restarted now).
    const checks = (await json(tc.api('/api/v1/checks', VIEWER))).checks as Array<{ agent_id: string; state: string; cause: string }>;
    expect(checks.filter((c) => c.agent_id.startsWith('out-')).map((c) => [c.state, c.cause])).toEqual([
      ['ok', 'result'],
      ['ok', 'result'],
    ]);
  });
});
