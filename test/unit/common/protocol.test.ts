import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AGENT_ID_PATTERN,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  checkDescriptorSchema,
  eventMessageSchema,
  inventoryMessageSchema,
  messageSchemas,
  observationSchema,
  parseTopic,
  resultMessageSchema,
  statusMessageSchema,
  topics,
} from '../../../common/protocol.js';
import { formatProblems, zodProblems } from '../../../common/config.js';
import type { z } from 'zod';

const T = 1_763_770_000_000;

const result = {
  v: 1,
  agent_id: 'web-01',
  seq: 42,
  check_id: 'tcp:db',
  check_type: 'tcp',
  target: 'db',
  interval_s: 60,
  tags: { role: 'db' },
  observed_at_ms: T,
  sent_at_ms: T + 5,
  duration_ms: 1.5,
  state: 'ok',
  message: 'connected',
  metrics: { connect_ms: 1.2, up: 1 },
  series: [{ tags: { mount: '/' }, metrics: { used_percent: 40 } }],
  details: { pid: 12, tls: true, note: null },
};
const status = {
  v: 1,
  agent_id: 'web-01',
  state: 'offline',
  reason: 'lost',
  sent_at_ms: T,
  agent_version: '0.1.0',
  hostname: 'web-01.example.com',
  checks: [{ check_id: 'tcp:db', check_type: 'tcp', target: 'db', interval_s: 60 }],
};
const inventory = {
  v: 1,
  agent_id: 'web-01',
  sent_at_ms: T,
  agent_version: '0.1.0',
  hostname: 'web-01',
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
  hardware: { manufacturer: 'QEMU', model: 'Standard PC', serial: '-' },
  cpu: { model: 'AMD EPYC', cores: 2, physical_cores: 2 },
  memory_bytes: 2 ** 33,
  disks: [{ device: '/dev/vda', type: 'HDD', size_bytes: 2 ** 38 }],
  interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:01', ipv4: ['10.123.0.5'], ipv6: [] }],
};
const event = {
  v: 1,
  agent_id: 'web-01',
  seq: 43,
  sent_at_ms: T,
  observed_at_ms: T,
  kind: 'spool_dropped',
  message: '3 results dropped',
  data: { dropped: 3 },
};

function problems(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return zodProblems(parsed.error).map((p) => `${p.path}: ${p.message}`);
}

describe('topics', () => {
  it('builds and parses every kind', () => {
    expect(topics.results('web-01')).toBe('outpost/v1/web-01/results');
    expect(topics.all).toBe('outpost/v1/+/+');
    for (const kind of ['status', 'results', 'inventory', 'events'] as const) {
      expect(parseTopic(topics[kind]('a.b_c-d'))).toEqual({ agentId: 'a.b_c-d', kind });
    }
  });

  it.each([
    'outpost/v1/web-01',
    'outpost/v2/web-01/results',
    'outpost/v1/Web-01/results',
    'outpost/v1/web-01/metrics',
    'outpost/v1/web-01/results/extra',
    'other/v1/web-01/results',
    'outpost/v1//results',
  ])('rejects %s', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('agent ids: the pattern keeps ids to one topic level', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        if (AGENT_ID_PATTERN.test(id)) expect(id.includes('/') || id.includes('+') || id.includes('#')).toBe(false);
      }),
    );
    expect(AGENT_ID_PATTERN.test('a'.repeat(63))).toBe(true);
    expect(AGENT_ID_PATTERN.test('a'.repeat(64))).toBe(false);
  });

  it('constants', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(MAX_PAYLOAD_BYTES).toBe(262_144);
    expect(Object.keys(messageSchemas).sort()).toEqual(['events', 'inventory', 'results', 'status']);
  });
});

describe('valid payloads parse', () => {
  it.each([
    ['results', resultMessageSchema, result],
    ['status', statusMessageSchema, status],
    ['inventory', inventoryMessageSchema, inventory],
    ['events', eventMessageSchema, event],
  ] as const)('%s', (_kind, schema, payload) => {
    expect((schema as z.ZodType).parse(payload)).toEqual(payload);
  });

  it('observation metrics default to {} and series/details/tags are optional', () => {
    expect(observationSchema.parse({ state: 'unknown', message: '' })).toEqual({ state: 'unknown', message: '', metrics: {} });
    const { tags: _t, series: _s, details: _d, ...minimal } = result;
    expect(resultMessageSchema.safeParse(minimal).success).toBe(true);
    expect(checkDescriptorSchema.safeParse({ ...status.checks[0], tags: { site: 'bj' } }).success).toBe(true);
    const { reason: _r, ...online } = { ...status, state: 'online' };
    expect(statusMessageSchema.safeParse(online).success).toBe(true);
  });
});

describe('invalid payloads are rejected naming the field', () => {
  it.each([
    ['wrong version', { ...result, v: 2 }, 'v: Invalid input: expected 1'],
    ['bad agent id', { ...result, agent_id: 'Web 01' }, 'agent_id: agent id must match ^[a-z0-9][a-z0-9._-]{0,62}$'],
    ['seq 0', { ...result, seq: 0 }, 'seq: Too small: expected number to be >=1'],
    ['fractional seq', { ...result, seq: 1.5 }, 'seq: Invalid input: expected int, received number'],
    ['unknown state', { ...result, state: 'fine' }, 'state: Invalid option: expected one of "ok"|"warn"|"crit"|"unknown"'],
    ['negative time', { ...result, observed_at_ms: -1 }, 'observed_at_ms: Too small: expected number to be >=0'],
    ['zero interval', { ...result, interval_s: 0 }, 'interval_s: Too small: expected number to be >0'],
    ['infinite metric', { ...result, metrics: { x: Infinity } }, 'metrics.x: Invalid input: expected number, received Infinity'],
    ['string metric', { ...result, metrics: { x: '1' } }, 'metrics.x: Invalid input: expected number, received string'],
    ['unknown key', { ...result, colour: 'red' }, 'colour: unknown key'],
    ['empty check id', { ...result, check_id: '' }, 'check_id: Too small: expected string to have >=1 characters'],
    ['nested series key', { ...result, series: [{ tags: {}, metrics: {}, extra: 1 }] }, 'series[0].extra: unknown key'],
  ])('results: %s', (_what, payload, expected) => {
    expect(problems(resultMessageSchema, payload)).toContain(expected);
  });

  it('results: missing fields are each named', () => {
    const list = problems(resultMessageSchema, { v: 1 });
    for (const field of ['agent_id', 'seq', 'check_id', 'check_type', 'target', 'interval_s', 'observed_at_ms', 'sent_at_ms', 'duration_ms', 'state', 'message']) {
      expect(list.some((p) => p.startsWith(`${field}:`))).toBe(true);
    }
  });

  it.each([
    ['bad state', { ...status, state: 'gone' }, 'state: Invalid option: expected one of "online"|"offline"'],
    ['checks not an array', { ...status, checks: {} }, 'checks: Invalid input: expected array, received object'],
    ['bad descriptor', { ...status, checks: [{ check_id: 'x', check_type: 't', target: 'x', interval_s: -1 }] }, 'checks[0].interval_s: Too small: expected number to be >0'],
    ['missing hostname', { ...status, hostname: undefined }, 'hostname: Invalid input: expected string, received undefined'],
  ])('status: %s', (_what, payload, expected) => {
    expect(problems(statusMessageSchema, payload)).toContain(expected);
  });

  it.each([
    ['negative memory', { ...inventory, memory_bytes: -1 }, 'memory_bytes: Too small: expected number to be >=0'],
    ['os key missing', { ...inventory, os: { ...inventory.os, kernel: undefined } }, 'os.kernel: Invalid input: expected string, received undefined'],
    ['fractional cores', { ...inventory, cpu: { ...inventory.cpu, cores: 1.5 } }, 'cpu.cores: Invalid input: expected int, received number'],
    ['ipv4 not list', { ...inventory, interfaces: [{ ...inventory.interfaces[0], ipv4: '10.123.0.5' }] }, 'interfaces[0].ipv4: Invalid input: expected array, received string'],
  ])('inventory: %s', (_what, payload, expected) => {
    expect(problems(inventoryMessageSchema, payload)).toContain(expected);
  });

  it.each([
    ['empty kind', { ...event, kind: '' }, 'kind: Too small: expected string to have >=1 characters'],
    ['object in data', { ...event, data: { x: { y: 1 } } }, 'data.x: Invalid input'],
    ['missing seq', { ...event, seq: undefined }, 'seq: Invalid input: expected number, received undefined'],
  ])('events: %s', (_what, payload, expected) => {
    expect(problems(eventMessageSchema, payload).some((p) => p.startsWith(expected))).toBe(true);
  });

  it('problems format one per line', () => {
    const parsed = resultMessageSchema.safeParse({ ...result, seq: 0, colour: 1 });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(formatProblems(zodProblems(parsed.error)).split('\n')).toHaveLength(2);
  });

  it('property: any result whose seq is not a positive integer is rejected', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string()), (seq) => {
        expect(resultMessageSchema.safeParse({ ...result, seq }).success).toBe(false);
      }),
    );
  });
});
