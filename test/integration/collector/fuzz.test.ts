/**
 * Fuzz: thousands of random and mutated payloads (mqtt.js and mosquitto_pub child processes) thrown at the
 * embedded broker. The collector stays up, counts each rejection under the reason the pure decoder gives, and
 * still applies valid results afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { decodeMessage, REJECT_REASONS } from '../../../collector/ingest/decode.js';
import { MAX_PAYLOAD_BYTES } from '../../../common/protocol.js';
import { connectAgent, counterValue, json, publishResult, result, startTestCollector, type TestCollector } from './support.js';

/** Runs mosquitto_pub with the payload on stdin (`-s`), so any bytes can be sent. */
function mosquittoPub(port: number, topic: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1', '-t', topic, ...(body.length ? ['-s'] : ['-n'])], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}: ${stderr}`))));
    child.stdin.end(body);
  });
}

/** Small seeded PRNG so a failure is reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20_261_122;
const rnd = prng(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const int = (n: number) => Math.floor(rnd() * n);

const TOPICS = ['outpost/v1/fuzz/results', 'outpost/v1/fuzz/status', 'outpost/v1/fuzz/inventory', 'outpost/v1/fuzz/events', 'outpost/v1/other/results', 'outpost/v1/BAD/results', 'outpost/v2/fuzz/results', 'outpost/v1/fuzz', 'random/topic'];
const WEIRD: unknown[] = [null, true, -1, 0, 1e308, 'x'.repeat(3000), [], {}, { __proto__: { polluted: 1 } }, [1, [2, [3]]], 'ok', 'down', 2, 'NaN'];

function mutateObject(base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const keys = Object.keys(out);
  const edits = 1 + int(3);
  for (let i = 0; i < edits; i++) {
    const op = int(4);
    const key = pick(keys);
    if (op === 0) delete out[key];
    else if (op === 1) out[key] = pick(WEIRD);
    else if (op === 2) out[`extra_${int(5)}`] = pick(WEIRD);
    else out.v = pick([1, 1, 2, 0, '1', null]);
  }
  return out;
}

function payload(seq: number): Buffer {
  const valid = result('fuzz', seq, `c${int(5)}`, pick(['ok', 'warn', 'crit', 'unknown'] as const), Date.now() - 60_000 + seq) as unknown as Record<string, unknown>;
  switch (int(8)) {
    case 0: // random bytes
      return Buffer.from(Array.from({ length: int(200) }, () => int(256)));
    case 1: { // byte flips in valid JSON
      const b = Buffer.from(JSON.stringify(valid));
      for (let i = 0; i < 1 + int(4); i++) b[int(b.length)] = int(256);
      return b;
    }
    case 2: // truncated
      return Buffer.from(JSON.stringify(valid).slice(0, int(120)));
    case 3: // oversized now and then (they are big), else mutated
      return int(10) === 0 ? Buffer.from(JSON.stringify({ ...valid, message: 'y'.repeat(MAX_PAYLOAD_BYTES) })) : Buffer.from(JSON.stringify(mutateObject(valid)));
    case 4: // deep nesting
      return Buffer.from('['.repeat(5000) + ']'.repeat(5000));
    case 5: // agent mismatch
      return Buffer.from(JSON.stringify({ ...valid, agent_id: 'someone-else' }));
    case 6: // valid (may be a duplicate seq)
      return Buffer.from(JSON.stringify(valid));
    default:
      return Buffer.from(JSON.stringify(mutateObject(valid)));
  }
}

describe('fuzzing the collector through the embedded broker', () => {
  let tc: TestCollector;
  let client: MqttClient;
  let url: string;

  beforeAll(async () => {
    tc = await startTestCollector();
    url = `mqtt://127.0.0.1:${tc.running.mqttPort}`;
    client = await connectAgent(url, 'fuzzer');
  });
  afterAll(async () => {
    client.end(true);
    await tc.running.stop();
  });

  it(`stays up and counts ${REJECT_REASONS.length} rejection reasons exactly (seed ${SEED})`, async () => {
    const expected: Record<string, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0]));
    let valid = 0;
    const N = 4000;
    const sends: Array<Promise<unknown>> = [];
    for (let i = 1; i <= N; i++) {
      const topic = rnd() < 0.8 ? 'outpost/v1/fuzz/results' : pick(TOPICS);
      const body = payload(1 + int(N));
      const outcome = decodeMessage(topic, body, MAX_PAYLOAD_BYTES);
      if (outcome.ok) valid++;
      else expected[outcome.reason]! += 1;
      sends.push(client.publishAsync(topic, body, { qos: (i % 2) as 0 | 1 }));
    }
    // mosquitto_pub child processes: binary from a file via stdin, empty payload, bad topic, bad version.
    const cli: Array<[string, Buffer]> = [
      ['outpost/v1/fuzz/results', Buffer.from('{"v":1')],
      ['outpost/v1/fuzz/results', Buffer.alloc(0)],
      ['outpost/v1/UPPER/results', Buffer.from('{}')],
      ['outpost/v1/fuzz/status', Buffer.from('{"v":99}')],
      ['outpost/v1/fuzz/events', Buffer.from('{"v":1,"agent_id":"fuzz"}')],
      ['outpost/v1/fuzz/results', Buffer.from([0, 1, 2, 0xff, 0xfe])],
      ['outpost/v1/fuzz/inventory', Buffer.from(JSON.stringify({ v: 1, agent_id: 'fuzz', sent_at_ms: -5 }))],
    ];
    for (const [topic, body] of cli) {
      const outcome = decodeMessage(topic, body, MAX_PAYLOAD_BYTES);
      if (outcome.ok) valid++;
      else expected[outcome.reason]! += 1;
    }
    await Promise.all(sends);
    await Promise.all(cli.map(([topic, body]) => mosquittoPub(tc.running.mqttPort!, topic, body)));

    const rejected = async () => {
      const counts: Record<string, number> = {};
      for (const reason of REJECT_REASONS) counts[reason] = await counterValue(tc.running.registry, 'outpost_messages_rejected_total', { reason });
      return counts;
    };
    await expect.poll(rejected, { timeout: 20_000 }).toEqual(expected);
    await expect.poll(() => counterValue(tc.running.registry, 'outpost_messages_in_total'), { timeout: 20_000 }).toBe(valid);
    for (const reason of REJECT_REASONS) expect(expected[reason], reason).toBeGreaterThan(0);

    // Still healthy and still applying results.
    expect(await json(tc.api('/healthz'))).toMatchObject({ ok: true });
    const after = await connectAgent(url, 'after-fuzz');
    await publishResult(after, result('after-fuzz', 1, 'ping', 'crit', Date.now() - 1000));
    expect((await tc.running.intervals.open(tc.running.store.db, 'after-fuzz', 'ping'))?.state).toBe('crit');
    after.end(true);
  });
});
