import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText, zodProblems } from '../../../common/config.js';
import { batchDelayMs, collectorConfigSchema, defaultCollectorConfig, validateCollectorConfigFile } from '../../../collector/config.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfigText(text, collectorConfigSchema, env);

describe('collector config', () => {
  it('embedded defaults: aedes on 127.0.0.1:1883, ./data, API on 127.0.0.1:8080', () => {
    const c = defaultCollectorConfig();
    expect(c.data_dir).toBe('./data');
    expect(c.mqtt.url).toBeUndefined();
    expect(c.mqtt.listen).toEqual({ host: '127.0.0.1', port: 1883 });
    expect(c.api.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.states).toMatchObject({ default_confirmations: 1, silence_factor: 3 });
    expect(c.ingest.skew_warn).toBe(30_000);
    expect(c.incidents.enabled).toBe(true);
  });

  it('the batch delay: 50 ms on SQLite, 100 ms on PostgreSQL unless ingest.batch_max_delay says otherwise', () => {
    const delay = (text: string) => {
      const out = parse(text);
      if (!out.ok) throw new Error(JSON.stringify(out.problems));
      return batchDelayMs(out.config);
    };
    expect(delay('')).toBe(50);
    expect(delay('store:\n  url: sqlite:/var/lib/outpost/outpost.db')).toBe(50);
    expect(delay('store:\n  url: postgres://outpost@db.test/outpost')).toBe(100);
    expect(delay('store:\n  url: postgres://outpost@db.test/outpost\ningest:\n  batch_max_delay: 20ms')).toBe(20);
    expect(delay('ingest:\n  batch_max_delay: 0ms')).toBe(0);
  });

  it('an empty file is the defaults', () => {
    expect(parse('')).toEqual({ ok: true, config: defaultCollectorConfig() });
  });

  it('external broker with TLS, credentials from ${ENV} and a shared group', () => {
    const out = parse(
      ['mqtt:', '  url: mqtts://broker.test:8883', '  username: collector', '  password: ${MQTT_PASSWORD}', '  ca: /etc/ca.pem', '  shared_group: collectors'].join('\n'),
      { MQTT_PASSWORD: 's3cret' },
    );
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.config.mqtt).toMatchObject({ url: 'mqtts://broker.test:8883', password: 's3cret', shared_group: 'collectors', client_id: 'outpost-collector' });
  });

  it('lists every problem with its path', () => {
    const out = parse(
      [
        'data_dir: ""',
        'bogus: 1',
        'mqtt:',
        '  listen: { port: 99999 }',
        '  username: x',
        'api:',
        '  tokens:',
        '    - { name: ci, token: short, role: root }',
        'states:',
        '  default_confirmations: 0',
        'ingest:',
        '  batch_max_delay: soon',
        'incidents:',
        '  nope: true',
      ].join('\n'),
    );
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const paths = out.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'data_dir',
        'bogus',
        'mqtt.listen.port',
        'api.tokens[0].token',
        'api.tokens[0].role',
        'states.default_confirmations',
        'ingest.batch_max_delay',
        'incidents.nope',
      ]),
    );
    expect(out.problems.find((p) => p.path === 'bogus')?.message).toBe('unknown key');
    expect(out.problems.find((p) => p.path === 'api.tokens[0].token')?.message).toBe('token must be at least 16 characters');
  });

  it('embedded-only mistakes: credentials without an external url, cert without key', () => {
    const out = parse(['mqtt:', '  username: x'].join('\n'));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems).toContainEqual({ path: 'mqtt.username', message: 'only valid with mqtt.url (external broker)' });
    const tls = parse(['mqtt:', '  url: mqtts://b:8883', '  cert: /c.pem'].join('\n'));
    expect(tls.ok).toBe(false);
    if (!tls.ok) expect(tls.problems).toContainEqual({ path: 'mqtt.key', message: 'cert and key go together' });
  });

  it('embedded broker agent credentials: ids, passwords, duplicates, not with an external broker', () => {
    const ok = parse(['mqtt:', '  agents:', '    - { id: web-1, password: "${WEB1_MQTT}" }'].join('\n'), { WEB1_MQTT: 'long-enough' });
    expect(ok.ok && ok.config.mqtt.agents).toEqual([{ id: 'web-1', password: 'long-enough' }]);
    const bad = parse(['mqtt:', '  agents:', '    - { id: Web_1, password: short }', '    - { id: db-1, password: long-enough }', '    - { id: db-1, password: long-enough }'].join('\n'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems).toContainEqual({ path: 'mqtt.agents[0].id', message: 'must match ^[a-z0-9][a-z0-9._-]{0,62}$' });
      expect(bad.problems).toContainEqual({ path: 'mqtt.agents[0].password', message: 'at least 8 characters' });
      expect(bad.problems).toContainEqual({ path: 'mqtt.agents[2].id', message: 'duplicate agent id db-1' });
    }
    const external = parse(['mqtt:', '  url: mqtt://b:1883', '  agents: [{ id: web-1, password: long-enough }]'].join('\n'));
    expect(external.ok).toBe(false);
    if (!external.ok) expect(external.problems).toContainEqual({ path: 'mqtt.agents', message: "only for the embedded broker: configure the external broker's own users" });
  });

  it('an unset ${ENV} is a problem naming the path', () => {
    const out = parse(['api:', '  tokens:', '    - { name: a, token: "${API_TOKEN}", role: admin }'].join('\n'));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems).toContainEqual({ path: 'api.tokens[0].token', message: 'environment variable API_TOKEN is not set' });
  });

  it('validateCollectorConfigFile reads a file and reports an unreadable one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-cfg-'));
    const file = join(dir, 'collector.yaml');
    writeFileSync(file, 'states:\n  confirmations: { ping: 3 }\n');
    const ok = await validateCollectorConfigFile(file, {});
    expect(ok.ok && ok.config.states.confirmations).toEqual({ ping: 3 });
    const missing = await validateCollectorConfigFile(join(dir, 'nope.yaml'), {});
    expect(missing).toEqual({ ok: false, problems: [{ path: '', message: `cannot read ${join(dir, 'nope.yaml')}: ENOENT` }] });
  });
});

describe('mqtt enrolment and revocation keys', () => {
  it('accepts an enrolment secret and revoked ids on the embedded broker; names the path of each problem', () => {
    const ok = collectorConfigSchema.safeParse({ mqtt: { enrolment_secret: 'secret-0123456789abcdef', revoked: ['web-1'] } });
    expect(ok.success).toBe(true);
    const bad = collectorConfigSchema.safeParse({ mqtt: { url: 'mqtt://broker:1883', enrolment_secret: 'short', revoked: ['web-1', 'Bad Id'] } });
    expect(bad.success).toBe(false);
    const problems = bad.success ? [] : zodProblems(bad.error);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'mqtt.enrolment_secret', message: 'at least 16 characters' },
        { path: 'mqtt.revoked[1]', message: 'must match ^[a-z0-9][a-z0-9._-]{0,62}$' },
        { path: 'mqtt.revoked', message: 'only for the embedded broker: remove the user from the external broker\'s password file' },
      ]),
    );
  });
});
