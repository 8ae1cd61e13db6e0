/**
 * The HA layout of deploy/docker-compose.yml, checked structurally (no Docker engine here): profile `ha` adds
 * PostgreSQL and a second collector; both collectors mount one config (collector-ha.example.yaml) that validates,
 * subscribes through a shared group and names the PostgreSQL service as store.url; each has its own login,
 * session and data_dir; every long-running service has a healthcheck the others wait on; Mosquitto's queue is sized
 * for a store outage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { storeLocation, validateCollectorConfigFile } from '../../../collector/config.js';

const deploy = (p: string): string => join(import.meta.dirname, '../../../deploy', p);

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
}
const compose = parse(readFileSync(deploy('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;

describe('docker-compose.yml, profile ha', () => {
  it('adds PostgreSQL and a second collector on the same image, only with --profile ha', () => {
    expect(services.postgres?.profiles).toEqual(['ha']);
    expect(services['collector-b']?.profiles).toEqual(['ha']);
    expect(services.collector?.profiles).toBeUndefined();
    expect(services.postgres?.image).toMatch(/^postgres:1[5-7]$/);
    expect(services['collector-b']?.image).toBe(services.collector?.image);
    expect(services.postgres?.environment).toMatchObject({ POSTGRES_DB: 'outpost', POSTGRES_USER: 'outpost' });
  });

  it('each collector has its own login/client id, data volume and port; both mount the one config', () => {
    const a = services.collector;
    const b = services['collector-b'];
    expect(a?.environment?.OUTPOST_COLLECTOR_ID).toBe('outpost-collector-a');
    expect(b?.environment?.OUTPOST_COLLECTOR_ID).toBe('outpost-collector-b');
    const dataVolume = (s: Service | undefined) => s?.volumes?.find((v) => v.endsWith(':/var/lib/outpost'))?.split(':')[0];
    expect(dataVolume(a)).toBe('collector-data');
    expect(dataVolume(b)).toBe('collector-b-data');
    expect(compose.volumes).toHaveProperty('collector-b-data');
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(a?.volumes).toContain('./collector.yaml:/etc/outpost/collector.yaml:ro');
    expect(b?.volumes).toContain('./collector.yaml:/etc/outpost/collector.yaml:ro');
    expect(a?.ports).toEqual(['8080:8080']);
    expect(b?.ports).toEqual(['8081:8080']);
    // The ACL lets both logins read every agent's messages.
    const acl = readFileSync(deploy('mosquitto/acl'), 'utf8');
    for (const user of ['outpost-collector-a', 'outpost-collector-b']) expect(acl).toMatch(new RegExp(`^user ${user}\\ntopic read outpost/v1/#$`, 'm'));
  });

  it('healthchecks: mosquitto, postgres, both collectors (/healthz); the collectors wait for healthy dependencies', () => {
    for (const name of ['mosquitto', 'postgres', 'collector', 'collector-b', 'influxdb']) expect(services[name]?.healthcheck?.test, name).toBeDefined();
    expect(services.postgres?.healthcheck?.test.join(' ')).toContain('pg_isready -U outpost -d outpost');
    for (const name of ['collector', 'collector-b']) expect(services[name]?.healthcheck?.test.join(' '), name).toContain('http://127.0.0.1:8080/healthz');
    expect(services['collector-b']?.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, mosquitto: { condition: 'service_healthy' } });
    // Without the profile the first collector runs alone on SQLite: PostgreSQL is an optional dependency.
    expect(services.collector?.depends_on?.postgres).toEqual({ condition: 'service_healthy', required: false });
  });

  it('collector-ha.example.yaml validates: shared group, store.url at the postgres service, per-collector client id', async () => {
    const env = { OUTPOST_PG_PASSWORD: 'pw', OUTPOST_COLLECTOR_ID: 'outpost-collector-b', MQTT_PASSWORD: 'm', OUTPOST_VIEWER_TOKEN: 'viewer-token-0123456789', OUTPOST_OPERATOR_TOKEN: 'operator-token-0123456789', OUTPOST_INFLUX_TOKEN: 't' };
    const loaded = await validateCollectorConfigFile(deploy('collector-ha.example.yaml'), env);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const config = loaded.config;
    expect(config.mqtt.shared_group).toBe('outpost');
    expect(config.mqtt.url).toBe('mqtt://mosquitto:1883');
    expect(config.mqtt.client_id).toBe('outpost-collector-b');
    expect(config.mqtt.username).toBe('outpost-collector-b');
    expect(storeLocation(config)).toEqual({ kind: 'postgres', url: 'postgres://outpost:pw@postgres:5432/outpost' });
  });

  it('Mosquitto queues 1,000,000 messages per session: a store outage is bridged, not dropped', () => {
    const conf = readFileSync(deploy('mosquitto/mosquitto.conf'), 'utf8');
    const queued = Number(/^max_queued_messages (\d+)$/m.exec(conf)?.[1]);
    // 10,000 agents × 10 checks a minute ≈ 1,700 results/s: at least 5 minutes of PostgreSQL outage.
    expect(queued).toBeGreaterThanOrEqual(1_700 * 300);
    expect(conf).toMatch(/^persistence true$/m);
  });
});
