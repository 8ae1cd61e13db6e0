/**
 * The deploy kit: collector.example.yaml validates and equals the defaults; docker-compose.yml is checked
 * structurally (docker cannot run here); the shipped mosquitto.conf + ACL run in a real Mosquitto with
 * certificates from gen-certs.sh: an agent cannot publish under another agent's topic (MQTT 5 → reason 135).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCollectorConfig, validateCollectorConfigFile } from '../../../collector/config.js';
import { freePort, waitForPort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';

const root = join(import.meta.dirname, '../../..');
const deploy = (p: string): string => join(root, 'deploy', p);

describe('collector.example.yaml', () => {
  it('validates with validateCollectorConfigFile and documents exactly the defaults', async () => {
    const out = await validateCollectorConfigFile(deploy('collector.example.yaml'), {});
    expect(out).toEqual({ ok: true, config: defaultCollectorConfig() });
  });

  it('has a commented section for every top-level key of the collector config', () => {
    const text = readFileSync(deploy('collector.example.yaml'), 'utf8');
    for (const key of Object.keys(defaultCollectorConfig())) expect(text, key).toMatch(new RegExp(`^${key}:`, 'm'));
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(deploy('docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: { context: string; dockerfile: string }; volumes?: string[]; ports?: string[]; environment?: Record<string, string> }>;
    volumes: Record<string, unknown>;
  };

  it('runs mosquitto, influxdb 2, grafana and the collector (PostgreSQL and a second collector: profile ha)', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['collector', 'collector-b', 'grafana', 'influxdb', 'mosquitto', 'postgres']);
    expect(compose.services.influxdb?.image).toMatch(/^influxdb:2\./);
    expect(compose.services.grafana?.image).toMatch(/^grafana\/grafana:1[0-2]\./);
    expect(compose.services.mosquitto?.ports).toContain('8883:8883');
  });

  it('every bind-mounted local path exists, every named volume is declared', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const v of service.volumes ?? []) {
        const source = v.split(':')[0] as string;
        if (source.startsWith('.')) {
          // Files the operator creates (passwd, certs, collector.yaml) are documented, the rest ship with the kit.
          if (['./mosquitto/passwd', './certs', './collector.yaml'].includes(source)) continue;
          expect(existsSync(join(root, 'deploy', source)), `${name}: ${source}`).toBe(true);
        } else expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
      }
    }
    expect(existsSync(join(root, 'deploy', compose.services.collector?.build?.dockerfile.replace('deploy/', '') ?? 'missing'))).toBe(true);
  });

  it('grafana gets the provisioning and the dashboards', () => {
    const volumes = compose.services.grafana?.volumes ?? [];
    expect(volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(volumes).toContain('../dashboards:/var/lib/grafana/dashboards/outpost:ro');
    expect(compose.services.grafana?.environment).toMatchObject({ OUTPOST_INFLUX_DATABASE: 'outpost' });
  });
});

describe('shipped mosquitto.conf + ACL with gen-certs.sh certificates', () => {
  let broker: ChildProcess | undefined;
  const clients: MqttClient[] = [];
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    if (broker && broker.exitCode === null) {
      const gone = new Promise((resolve) => broker?.once('exit', resolve));
      broker.kill('SIGTERM');
      await gone;
    }
  });

  it('the conf sets the queue limit, no-delay and the per-agent ACL pattern', () => {
    const conf = readFileSync(deploy('mosquitto/mosquitto.conf'), 'utf8');
    expect(conf).toMatch(/^max_queued_messages 1000000$/m);
    expect(conf).toMatch(/^set_tcp_nodelay true$/m);
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(readFileSync(deploy('mosquitto/acl'), 'utf8')).toMatch(/^pattern readwrite outpost\/v1\/%u\/#$/m);
  });

  it('over TLS with client certificates, agent-a cannot publish under agent-b (MQTT 5 reason 135); its own topic passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-deploy-'));
    chmodSync(dir, 0o755);
    const certs = join(dir, 'certs');
    execFileSync('bash', [deploy('gen-certs.sh'), certs, 'localhost', 'agent-a', 'agent-b', 'outpost-collector'], { stdio: 'pipe' });
    // As root mosquitto drops to user `mosquitto`: its files must be readable by it (test copies only).
    chmodSync(certs, 0o755);
    for (const f of readdirSync(certs)) chmodSync(join(certs, f), 0o644);
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    for (const user of ['agent-a', 'agent-b', 'outpost-collector']) execFileSync('mosquitto_passwd', ['-b', passwd, user, `pw-${user}`]);
    chmodSync(passwd, 0o644);
    writeFileSync(join(dir, 'acl'), readFileSync(deploy('mosquitto/acl')));
    chmodSync(join(dir, 'acl'), 0o644);
    const plainPort = await freePort();
    const tlsPort = await freePort();
    const conf = readFileSync(deploy('mosquitto/mosquitto.conf'), 'utf8')
      .replaceAll('/mosquitto/config/', `${dir}/`)
      .replaceAll('/mosquitto/certs/', `${certs}/`)
      .replace(/^persistence true$/m, 'persistence false')
      .replace(/^persistence_location .*$/m, '')
      .replace(/^log_dest stdout$/m, 'log_dest stderr')
      .replace(/^listener 1883$/m, `listener ${plainPort} 127.0.0.1`)
      .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`);
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    chmodSync(join(dir, 'mosquitto.conf'), 0o644);
    broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await waitForPort(plainPort);
    await waitForPort(tlsPort);

    const tls = (agent: string) => ({
      protocolVersion: 5 as const,
      clientId: `${agent}-${process.pid}`,
      username: agent,
      password: `pw-${agent}`,
      ca: readFileSync(join(certs, 'ca.crt')),
      cert: readFileSync(join(certs, `${agent}.crt`)),
      key: readFileSync(join(certs, `${agent}.key`)),
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    const collector = await mqtt.connectAsync(`mqtt://127.0.0.1:${plainPort}`, { protocolVersion: 5, username: 'outpost-collector', password: 'pw-outpost-collector', reconnectPeriod: 0 });
    clients.push(collector);
    const received: string[] = [];
    collector.on('message', (topic) => received.push(topic));
    await collector.subscribeAsync('outpost/v1/#', { qos: 1 });

    const a = await mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, tls('agent-a'));
    clients.push(a);
    await expect(a.publishAsync('outpost/v1/agent-b/results', '{}', { qos: 1 })).rejects.toMatchObject({ code: 135 });
    await a.publishAsync('outpost/v1/agent-a/results', '{}', { qos: 1 });
    await waitUntil(() => received.includes('outpost/v1/agent-a/results'), 10_000, 'own topic delivered');
    expect(received).not.toContain('outpost/v1/agent-b/results');

    // Without a password the broker refuses the connection.
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${plainPort}`, { protocolVersion: 5, reconnectPeriod: 0, clientId: `anon-${process.pid}` })).rejects.toBeDefined();
  });
});
