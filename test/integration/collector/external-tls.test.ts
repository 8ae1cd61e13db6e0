/** External broker over TLS (mqtts, private CA) with username/password: Mosquitto with a listener the test configures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';
import { captureLogger, connectAgent, json, publishResult, result, startTestCollector, type TestCollector } from './support.js';

function makeCerts(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=outpost test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem');
  // As root mosquitto drops to user `mosquitto`, which must read these.
  for (const f of ['ca.pem', 'server.pem', 'server.key']) chmodSync(join(dir, f), 0o644);
}

describe('collector → Mosquitto over TLS with credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-tls-'));
  let mosq: MosquittoServer;
  let tlsPort: number;
  let tc: TestCollector | undefined;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    makeCerts(dir);
    execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'collector', 'c0llector-pass']);
    chmodSync(join(dir, 'passwd'), 0o644);
    tlsPort = await freePort();
    mosq = await startMosquitto({
      extraConfig: [
        `password_file ${join(dir, 'passwd')}`,
        `listener ${tlsPort} 127.0.0.1`,
        `cafile ${join(dir, 'ca.pem')}`,
        `certfile ${join(dir, 'server.pem')}`,
        `keyfile ${join(dir, 'server.key')}`,
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await tc?.running.stop();
    await mosq?.stop();
  });

  it('connects with the CA and credentials and ingests results', async () => {
    tc = await startTestCollector({
      mqtt: { url: `mqtts://127.0.0.1:${tlsPort}`, ca: join(dir, 'ca.pem'), username: 'collector', password: 'c0llector-pass', client_id: `tls-${process.pid}` },
    });
    await waitUntil(async () => (await json(tc!.api('/healthz'))).broker, 15_000, 'TLS connection');
    // The agent publishes on the plain listener of the same broker; the collector reads over TLS.
    const agent = await connectAgent(mosq.url, 'tls-agent', { username: 'collector', password: 'c0llector-pass' });
    await publishResult(agent, result('tls-agent', 1, 'ping', 'warn', Date.now() - 1000));
    agent.end(true);
    await waitUntil(async () => (await tc!.running.intervals.open(tc!.running.store.db, 'tls-agent', 'ping'))?.state === 'warn', 15_000, 'result over TLS');
  });

  it('a wrong password keeps the broker unhealthy (and the collector up)', async () => {
    const { logger, lines } = captureLogger();
    const wrong = await startTestCollector(
      { mqtt: { url: `mqtts://127.0.0.1:${tlsPort}`, ca: join(dir, 'ca.pem'), username: 'collector', password: 'wrong', client_id: `tls-wrong-${process.pid}` } },
      undefined,
      logger,
    );
    try {
      const refused = await waitUntil(() => lines.find((l) => l.msg === 'MQTT client error'), 15_000, 'connection refused');
      expect(String(refused.err)).toMatch(/not authori[sz]ed|bad user ?name or password/i);
      const health = await json(wrong.api('/healthz'));
      expect(health).toMatchObject({ ok: false, db: true, broker: false });
    } finally {
      await wrong.running.stop();
    }
  });
});
