import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfigText, sanitiseAgentId, validateAgentConfigFile } from '../../../agent/config.js';
import type { ConfigResult } from '../../../common/config.js';

const HOST = 'Web-01.Example.COM';

function problems<T>(result: ConfigResult<T>): string[] {
  if (result.ok) throw new Error('expected problems, config was valid');
  return result.problems.map((p) => `${p.path}: ${p.message}`);
}

function ok<T>(result: ConfigResult<T>): T {
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.config;
}

describe('sanitiseAgentId', () => {
  it.each([
    ['Web-01.Example.COM', 'web-01.example.com'],
    ['_under_score', 'under_score'],
    ['my host!', 'my-host-'],
    ['---', 'agent'],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('%s → %s', (input, expected) => {
    expect(sanitiseAgentId(input)).toBe(expected);
  });
});

describe('agent config: defaults', () => {
  it('an empty file gives every default', () => {
    const config = ok(parseAgentConfigText('', {}, HOST));
    expect(config).toEqual({
      agent: { id: 'web-01.example.com', stateDir: '/var/lib/outpost-agent', logLevel: 'info' },
      mqtt: {
        url: 'mqtt://127.0.0.1:1883',
        username: undefined,
        password: undefined,
        ca: undefined,
        cert: undefined,
        key: undefined,
        rejectUnauthorized: true,
        protocolVersion: 4,
        keepaliveMs: 30_000,
        reconnectMinMs: 1000,
        reconnectMaxMs: 60_000,
      },
      spool: { maxBytes: 64 * 1024 * 1024, maxAgeMs: 7 * 86_400_000 },
      inventory: { intervalMs: 6 * 3_600_000 },
      checks: [],
    });
  });

  it('a check gets name type:target, interval 60s, timeout 10s, the plugin default target', () => {
    const config = ok(parseAgentConfigText('checks:\n  - type: tcp\n    host: 127.0.0.1\n    port: 22\n', {}, HOST));
    expect(config.checks).toEqual([
      {
        type: 'tcp',
        name: 'tcp:127.0.0.1',
        intervalMs: 60_000,
        timeoutMs: 10_000,
        target: '127.0.0.1',
        tags: {},
        options: { host: '127.0.0.1', port: 22 },
      },
    ]);
  });

  it('explicit values override defaults; durations accept units', () => {
    const text = `
agent: { id: db-1, state_dir: /tmp/x, log_level: debug }
mqtt: { url: "mqtts://broker:8883", username: u, password: p, protocol_version: 5, keepalive: 1m, reconnect_min: 500ms, reconnect_max: 2m, reject_unauthorized: false }
spool: { max_bytes: 1048576, max_age: 1d }
inventory: { interval: 1h }
checks:
  - { type: tcp, name: ssh, host: 127.0.0.1, port: 22, interval: 5m, timeout: 3s, target: db-1, tags: { role: db } }
`;
    const config = ok(parseAgentConfigText(text, {}, HOST));
    expect(config.agent).toEqual({ id: 'db-1', stateDir: '/tmp/x', logLevel: 'debug' });
    expect(config.mqtt).toMatchObject({ url: 'mqtts://broker:8883', protocolVersion: 5, keepaliveMs: 60_000, reconnectMinMs: 500, reconnectMaxMs: 120_000, rejectUnauthorized: false });
    expect(config.spool).toEqual({ maxBytes: 1_048_576, maxAgeMs: 86_400_000 });
    expect(config.inventory).toEqual({ intervalMs: 3_600_000 });
    expect(config.checks[0]).toMatchObject({ name: 'ssh', intervalMs: 300_000, timeoutMs: 3000, target: 'db-1', tags: { role: 'db' } });
  });

  it('substitutes ${ENV} and ${ENV:-default}', () => {
    const text = 'mqtt:\n  url: ${BROKER}\n  password: ${PASS}\n  username: ${USER_NAME:-agent}\n';
    const config = ok(parseAgentConfigText(text, { BROKER: 'mqtt://127.0.0.1:1999', PASS: 's3cret' }, HOST));
    expect(config.mqtt).toMatchObject({ url: 'mqtt://127.0.0.1:1999', password: 's3cret', username: 'agent' });
  });
});

describe('agent config: every problem is listed with its path', () => {
  it('wrong types, unknown keys, bad durations and a bad plugin key are all reported together', () => {
    const text = `
agent: { id: "Bad Id", colour: blue }
mqtt: { url: "http://x", protocol_version: 3, keepalive: soon }
spool: { max_bytes: "big" }
extra: 1
checks:
  - { type: tcp, host: 127.0.0.1, port: "22" }
  - { type: tcp, host: 127.0.0.1, port: 80, interval: 10s, timeout: 10s }
  - { type: smoke, host: x }
  - { type: tcp, host: 127.0.0.1, port: 81, intervall: 10s }
  - { host: 127.0.0.1 }
  - 42
`;
    const list = problems(parseAgentConfigText(text, {}, HOST));
    expect(list).toEqual([
      'agent.id: must match ^[a-z0-9][a-z0-9._-]{0,62}$',
      'agent.colour: unknown key',
      'mqtt.url: expected a broker URL like mqtt://host:1883 (schemes: mqtt, mqtts, tcp, ssl, tls, ws, wss)',
      'mqtt.protocol_version: expected 4 (MQTT 3.1.1) or 5',
      'mqtt.keepalive: invalid duration "soon" (use e.g. 30s, 5m, 4h, 2d)',
      'spool.max_bytes: Invalid input: expected number, received string',
      'checks[0].port: Invalid input: expected number, received string',
      'checks[1].timeout: timeout (10s) must be less than interval (10s)',
      expect.stringMatching(/^checks\[2\]\.type: unknown check type "smoke" \(known types: .*\btcp\b.*\)$/),
      'checks[3].intervall: unknown key',
      'checks[4].type: required: the check type',
      'checks[5]: expected a mapping with at least `type:`',
      'extra: unknown key',
    ]);
  });

  it('missing plugin fields are named', () => {
    const list = problems(parseAgentConfigText('checks:\n  - type: tcp\n', {}, HOST));
    expect(list.some((p) => p.startsWith('checks[0].host:'))).toBe(true);
    expect(list.some((p) => p.startsWith('checks[0].port:'))).toBe(true);
  });

  it('bad thresholds in plugin keys are named', () => {
    const list = problems(parseAgentConfigText('checks:\n  - { type: tcp, host: h, port: 1, warn_ms: -5, crit_ms: zero }\n', {}, HOST));
    expect(list.some((p) => p.startsWith('checks[0].warn_ms:'))).toBe(true);
    expect(list.some((p) => p.startsWith('checks[0].crit_ms:'))).toBe(true);
  });

  it('duplicate names are rejected, naming both entries', () => {
    const text = 'checks:\n  - { type: tcp, host: h, port: 1 }\n  - { type: tcp, host: h, port: 2 }\n';
    expect(problems(parseAgentConfigText(text, {}, HOST))).toEqual([
      'checks[1].name: duplicate check name "tcp:h" (also checks[0]); set a unique name:',
    ]);
  });

  it('reconnect_min above reconnect_max, cert without key', () => {
    const list = problems(parseAgentConfigText('mqtt: { reconnect_min: 2m, reconnect_max: 1m, cert: /x.pem }\n', {}, HOST));
    expect(list).toEqual(['mqtt.reconnect_min: must not exceed reconnect_max', 'mqtt.key: cert and key must be given together']);
  });

  it('a missing environment variable is named by its path', () => {
    expect(problems(parseAgentConfigText('mqtt:\n  password: ${NOPE}\n', {}, HOST))).toEqual([
      'mqtt.password: environment variable NOPE is not set',
    ]);
  });

  it('a check whose retries and per-request timeouts cannot fit in its timeout is refused, naming the key', () => {
    const snmp = 'checks:\n  - { type: snmp, host: 10.123.0.1, timeout: 5s, request_timeout: 2s, retries: 2 }\n';
    expect(problems(parseAgentConfigText(snmp, {}, HOST))).toEqual([
      "checks[0].request_timeout: request_timeout × (retries + 1) = 6s exceeds the check's timeout (5s): lower request_timeout or retries, or raise timeout",
    ]);
    ok(parseAgentConfigText('checks:\n  - { type: snmp, host: 10.123.0.1, timeout: 6s, request_timeout: 2s, retries: 2 }\n', {}, HOST));
    const ping = 'checks:\n  - { type: ping, host: 10.123.0.1, timeout: 5s, count: 5, packet_interval: 1s, packet_timeout: 2s }\n';
    expect(problems(parseAgentConfigText(ping, {}, HOST))).toEqual([
      "checks[0].count: (count − 1) × packet_interval + packet_timeout = 6s exceeds the check's timeout (5s): lower count or packet_interval, or raise timeout",
    ]);
  });

  it('ping: packet_interval is the gap between packets, interval stays how often the check runs', () => {
    const config = ok(parseAgentConfigText('checks:\n  - { type: ping, host: 10.123.0.1, interval: 30s, packet_interval: 200ms }\n', {}, HOST));
    expect(config.checks[0]).toMatchObject({ intervalMs: 30_000, options: { packet_interval: 200 } });
  });

  it('thresholds in the wrong order for their direction, and a host with a scheme, are refused with the key named', () => {
    const text = [
      'checks:',
      '  - { type: tcp, host: "tcp://db-1:5432", port: 5432, warn_ms: 500, crit_ms: 200 }',
      '  - { type: ping, host: "https://gw", warn_loss_percent: 50, crit_loss_percent: 10 }',
      '  - { type: http, url: "https://intranet.example.com/", cert_warn_days: 7, cert_crit_days: 14, warn_ms: 900, crit_ms: 100 }',
      '  - { type: host, thresholds: { disk_percent: { warn: 97, crit: 90 } } }',
      '',
    ].join('\n');
    expect(problems(parseAgentConfigText(text, {}, HOST))).toEqual([
      'checks[0].host: expected a host name or address without a scheme: drop "tcp://" (e.g. db-1)',
      'checks[0].warn_ms: warn_ms (500) must not be above crit_ms (200): a higher value is worse',
      'checks[1].host: expected a host name or address without a scheme: drop "https://" (e.g. gw)',
      'checks[1].warn_loss_percent: warn_loss_percent (50) must not be above crit_loss_percent (10): a higher value is worse',
      'checks[2].warn_ms: warn_ms (900) must not be above crit_ms (100): a higher value is worse',
      'checks[2].cert_warn_days: cert_warn_days (7) must not be below cert_crit_days (14): a lower value is worse',
      'checks[3].thresholds.disk_percent.warn: warn (97) must not be above crit (90): a higher value is worse',
    ]);
  });

  it('YAML syntax errors are reported', () => {
    expect(problems(parseAgentConfigText('agent: [unclosed\n', {}, HOST))[0]).toMatch(/^: YAML syntax/);
  });
});

describe('validateAgentConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-agent-cfg-'));

  it('reads a valid file', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'agent: { id: a1 }\n');
    expect(ok(await validateAgentConfigFile(file, {}, HOST)).agent.id).toBe('a1');
  });

  it('a missing file is a problem, not a throw', async () => {
    expect(problems(await validateAgentConfigFile(join(dir, 'nope.yaml'), {}, HOST))).toEqual([`: cannot read ${join(dir, 'nope.yaml')}: ENOENT`]);
  });

  it('an unreadable TLS file is named', async () => {
    const file = join(dir, 'tls.yaml');
    writeFileSync(file, `mqtt: { ca: ${join(dir, 'missing-ca.pem')} }\n`);
    expect(problems(await validateAgentConfigFile(file, {}, HOST))).toEqual([`mqtt.ca: cannot read ${join(dir, 'missing-ca.pem')}: ENOENT`]);
  });

  it('a directory instead of a file is reported', async () => {
    chmodSync(dir, 0o755);
    expect(problems(await validateAgentConfigFile(dir, {}, HOST))[0]).toMatch(/cannot read .*EISDIR/);
  });
});

describe('deploy/agent.example.yaml', () => {
  it('is valid and documents exactly the defaults', async () => {
    const file = join(import.meta.dirname, '../../../deploy/agent.example.yaml');
    const example = ok(await validateAgentConfigFile(file, {}, HOST));
    const defaults = ok(parseAgentConfigText('', {}, HOST));
    expect({ ...example, checks: [] }).toEqual(defaults);
    expect(example.checks.map((c) => c.name)).toEqual(['host:Web-01.Example.COM', 'ssh']);
    expect(example.checks.every((c) => c.intervalMs === 60_000 && c.timeoutMs === 10_000)).toBe(true);
  });
});

describe('agent config: enrolment login', () => {
  it('a password alone logs in as the agent id; an explicit username or one in the URL wins', () => {
    expect(ok(parseAgentConfigText('agent: { id: web-01 }\nmqtt: { password: derived-pw }\n', {}, HOST)).mqtt).toMatchObject({ username: 'web-01', password: 'derived-pw' });
    expect(ok(parseAgentConfigText('mqtt: { username: other, password: pw }\n', {}, HOST)).mqtt.username).toBe('other');
    expect(ok(parseAgentConfigText('mqtt: { url: "mqtt://u1@127.0.0.1:1883", password: pw }\n', {}, HOST)).mqtt.username).toBeUndefined();
    expect(ok(parseAgentConfigText('', {}, HOST)).mqtt.username).toBeUndefined();
  });
});
