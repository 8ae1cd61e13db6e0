/**
 * The MQTT connection against a real Mosquitto with TLS (CA-verified server certificate, client certificate)
 * and username/password: the right credentials publish; a wrong password or an unknown CA never connect and
 * the reason is logged. Certificates are made with openssl for 127.0.0.1 in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createLogger } from '../../../common/logger.js';
import { createPublisher, type Publisher } from '../../../agent/publisher.js';
import type { AgentConfig } from '../../../agent/config.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { waitUntil } from '../../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-tls-'));
chmodSync(dir, 0o755);
const path = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=outpost test CA', '-keyout', path('ca.key'), '-out', path('ca.pem'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other CA', '-keyout', path('other-ca.key'), '-out', path('other-ca.pem'));
  writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, ext] of [['server', ['-extfile', path('server.ext')]], ['client', []]] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name === 'server' ? '127.0.0.1' : 'tls-agent'}`, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`));
    openssl('x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial', '-days', '2', '-out', path(`${name}.pem`), ...ext);
  }
  execFileSync('mosquitto_passwd', ['-b', '-c', path('passwd'), 'tls-agent', 'right-password']);
  for (const f of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key', 'passwd']) chmodSync(path(f), 0o644);
}

function mqttConfig(url: string, overrides: Partial<AgentConfig['mqtt']> = {}): AgentConfig['mqtt'] {
  return {
    url,
    username: 'tls-agent',
    password: 'right-password',
    ca: path('ca.pem'),
    cert: path('client.pem'),
    key: path('client.key'),
    rejectUnauthorized: true,
    protocolVersion: 4,
    keepaliveMs: 30_000,
    reconnectMinMs: 100,
    reconnectMaxMs: 400,
    ...overrides,
  };
}

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('publisher: TLS + client certificate + username/password (Mosquitto)', () => {
  let broker: MosquittoServer;
  let url: string;
  const publishers: Publisher[] = [];

  beforeAll(async () => {
    makeCertificates();
    broker = await startMosquitto({
      extraConfig: [
        `cafile ${path('ca.pem')}`,
        `certfile ${path('server.pem')}`,
        `keyfile ${path('server.key')}`,
        'require_certificate true',
        'allow_anonymous false',
        `password_file ${path('passwd')}`,
      ].join('\n'),
    });
    url = `mqtts://127.0.0.1:${broker.port}`;
  });
  afterAll(async () => {
    for (const p of publishers) await p.stop();
    await broker?.stop();
  });

  function start(config: AgentConfig['mqtt'], logger = createLogger({ level: 'silent' })): Publisher {
    const publisher = createPublisher({ mqtt: config, agentId: 'tls-agent', logger, will: { topic: 'outpost/v1/tls-agent/status', payload: '{}' } });
    publisher.start();
    publishers.push(publisher);
    return publisher;
  }

  it('connects with the right credentials; a PUBACKed message reaches a subscriber', async () => {
    const sub = mqtt.connect(url, {
      protocolVersion: 4,
      username: 'tls-agent',
      password: 'right-password',
      ca: readFileSync(path('ca.pem')),
      cert: readFileSync(path('client.pem')),
      key: readFileSync(path('client.key')),
    });
    const got: string[] = [];
    sub.on('message', (_t, payload) => got.push(payload.toString()));
    await new Promise<void>((resolve) => sub.once('connect', () => sub.subscribe('outpost/v1/tls-agent/results', { qos: 1 }, () => resolve())));

    const publisher = start(mqttConfig(url));
    let connects = 0;
    publisher.onConnect(() => connects++);
    await waitUntil(() => publisher.connected(), 20_000, 'TLS connection');
    expect(connects).toBe(1);
    await publisher.publish('outpost/v1/tls-agent/results', '{"hello":1}', { qos: 1 });
    await waitUntil(() => got.includes('{"hello":1}'), 10_000, 'delivery');
    await sub.endAsync();
  });

  it('a wrong password never connects and the refusal is logged', async () => {
    const { lines, logger } = capturingLogger();
    const publisher = start(mqttConfig(url, { password: 'wrong' }), logger);
    await waitUntil(() => lines.some((l) => /Not authorized|Bad username or password/i.test(l)), 20_000, 'the refusal in the log');
    expect(publisher.connected()).toBe(false);
  });

  it('a broker certificate from an unknown CA is rejected', async () => {
    const { lines, logger } = capturingLogger();
    const publisher = start(mqttConfig(url, { ca: path('other-ca.pem') }), logger);
    await waitUntil(() => lines.some((l) => /certificate/i.test(l)), 20_000, 'the certificate error in the log');
    expect(publisher.connected()).toBe(false);
  });
});

describe('publisher: reconnect backoff', () => {
  /** The waits of the first six failed attempts against a port nothing listens on. */
  async function firstWaits(random: () => number): Promise<Array<number | undefined>> {
    const { freePort } = await import('../../helpers/ports.js');
    const port = await freePort(); // nothing listens here
    const { lines, logger } = capturingLogger();
    const publisher = createPublisher({
      mqtt: { ...mqttConfig(`mqtt://127.0.0.1:${port}`), ca: undefined, cert: undefined, key: undefined, reconnectMinMs: 50, reconnectMaxMs: 400 },
      agentId: 'backoff',
      logger,
      will: { topic: 'outpost/v1/backoff/status', payload: '{}' },
      random,
    });
    publisher.start();
    const retries = () =>
      lines.map((l) => JSON.parse(l) as { msg: string; retry_ms?: number }).filter((l) => l.msg === 'connection closed; reconnecting').map((l) => l.retry_ms);
    await waitUntil(() => retries().length >= 6, 20_000, '6 failed attempts');
    await publisher.stop();
    return retries().slice(0, 6);
  }
  it('doubles the wait after each failed attempt, from reconnect_min up to reconnect_max', async () => {
    expect(await firstWaits(() => 0.999_999)).toEqual([50, 100, 200, 400, 400, 400]);
  });
  it('jitters each wait to 50–100 % of its nominal value, so a fleet does not return in waves', async () => {
    expect(await firstWaits(() => 0)).toEqual([25, 50, 100, 200, 200, 200]);
    const waits = await firstWaits(Math.random);
    [50, 100, 200, 400, 400, 400].forEach((nominal, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(nominal / 2);
      expect(waits[i]).toBeLessThanOrEqual(nominal);
    });
  });
});

