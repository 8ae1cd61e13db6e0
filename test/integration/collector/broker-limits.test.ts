/**
 * A packet larger than the ingest limit is refused at the socket before it is buffered: a 100 MB publish to the
 * embedded broker of a real `outpost collector` process (anonymous, as `outpost up` once was) grows its RSS by less
 * than 10 MiB, the refusal is logged once with its size, and the broker keeps serving other clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPOST_BIN, assertBuilt } from '../../helpers/built.js';
import { freePort } from '../../helpers/ports.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { publishResult, result } from './support.js';
import { varint } from '../../helpers/mqtt-packet.js';

let child: ChildProcess | null = null;
afterAll(() => stopProcess(child));

const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);


/** MQTT 3.1.1 CONNECT (clean session, keepalive 60 s) for `clientId`. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 0x02, 0, 60, 0, id.length]), id]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

/** Sends a CONNECT and then a QoS 0 PUBLISH announcing `payloadBytes`, streaming zeros until the broker hangs up. */
async function sendHugePublish(port: number, payloadBytes: number): Promise<number> {
  const socket = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const topic = Buffer.from('outpost/v1/big-1/results');
  socket.write(connectPacket('big-1'));
  socket.write(Buffer.from([0x30, ...varint(2 + topic.length + payloadBytes), 0, topic.length]));
  socket.write(topic);
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the broker refused the packet
  while (sent < payloadBytes && !socket.destroyed) {
    const ok = socket.write(chunk);
    sent += chunk.length;
    if (!ok) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  socket.end();
  await closed;
  return sent;
}

describe('packet size guard', () => {
  it('refuses a 100 MB publish before buffering it (collector RSS grows < 10 MiB) and keeps serving', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'outpost-limits-'));
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'collector.yaml'), `data_dir: ${join(dir, 'data')}\nmqtt:\n  listen: { host: 127.0.0.1, port: ${mqttPort} }\napi:\n  listen: { host: 127.0.0.1, port: ${apiPort} }\n`);
    let output = '';
    child = spawn(process.execPath, [OUTPOST_BIN, 'collector', '--config', join(dir, 'collector.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntil(() => output.includes('collector started'), 30_000, 'collector started');
    const pid = child.pid as number;

    // Warm up the broker path with a normal agent first, so the baseline includes what any connection costs.
    const agent = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4, clientId: 'small-1', reconnectPeriod: 0 });
    await publishResult(agent, result('small-1', 1, 'c', 'ok', Date.now()));
    const before = rssKiB(pid);
    const sent = await sendHugePublish(mqttPort, 100 * 1024 * 1024);
    const after = rssKiB(pid);
    expect(after - before).toBeLessThan(10 * 1024);
    expect(sent).toBeLessThan(100 * 1024 * 1024); // the broker hung up long before the body was through

    const refusal = await waitUntil(() => output.split('\n').find((l) => l.includes('larger than the ingest limit')), 10_000, 'refusal logged');
    expect(JSON.parse(refusal)).toMatchObject({ client_id: 'big-1', packet_type: 3, refused: 1 });
    expect(JSON.parse(refusal).bytes).toBeGreaterThan(100 * 1024 * 1024);

    await publishResult(agent, result('small-1', 2, 'c', 'ok', Date.now()));
    expect(agent.connected).toBe(true);
    agent.end(true);
  });
});
