import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { eventMessageSchema, resultMessageSchema } from '../../../common/protocol.js';
import { createOutbox, type UnsentResult } from '../../../agent/outbox.js';
import { openSeqAllocator } from '../../../agent/seq.js';
import { openSpool } from '../../../agent/spool.js';

const logger = createLogger({ level: 'silent' });
const NOW = 1_763_770_000_000;

/** A broker connection the test drives by hand: it decides when each publish is acknowledged. */
function fakePublisher() {
  const sent: Array<{ topic: string; payload: Record<string, unknown>; ack(): void; fail(): void }> = [];
  const state = { connected: false };
  return {
    state,
    sent,
    publisher: {
      connected: () => state.connected,
      publish(topic: string, payload: string) {
        return new Promise<void>((resolve, reject) => {
          sent.push({ topic, payload: JSON.parse(payload) as Record<string, unknown>, ack: resolve, fail: () => reject(new Error('gone')) });
        });
      },
    },
  };
}

const flushMicrotasks = () => new Promise((r) => setImmediate(r));

function setup(window = 2, spoolOpts: { maxBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-outbox-'));
  const spool = openSpool({ dir: join(dir, 'spool'), maxBytes: spoolOpts.maxBytes ?? 1 << 20, maxAgeMs: 1e12, now: () => NOW, logger });
  const seq = openSeqAllocator(join(dir, 'seq'));
  const fake = fakePublisher();
  const outbox = createOutbox({ agentId: 'a1', spool, seq, publisher: fake.publisher, now: () => NOW + 7, logger, window });
  return { spool, seq, fake, outbox };
}

const result = (n: number): UnsentResult => ({
  v: 1,
  agent_id: 'a1',
  check_id: `c${n}`,
  check_type: 'tcp',
  target: 't',
  interval_s: 60,
  observed_at_ms: NOW - 1000 + n,
  duration_ms: 1,
  state: 'ok',
  message: 'ok',
  metrics: {},
});

describe('outbox', () => {
  it('spools while disconnected, then publishes in seq order with a bounded window, stamping sent_at_ms', async () => {
    const { fake, outbox, spool } = setup(2);
    const seqs = [1, 2, 3, 4, 5].map((n) => outbox.enqueueResult(result(n)));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(fake.sent).toHaveLength(0);
    expect(spool.pendingCount()).toBe(5);

    fake.state.connected = true;
    outbox.pump();
    expect(fake.sent.map((s) => s.payload.seq)).toEqual([1, 2]); // window of 2
    fake.sent[0]!.ack();
    await flushMicrotasks();
    expect(fake.sent.map((s) => s.payload.seq)).toEqual([1, 2, 3]);
    outbox.enqueueResult(result(6)); // live result queues behind the backlog
    for (let i = 1; i < fake.sent.length; i++) {
      fake.sent[i]!.ack();
      await flushMicrotasks();
    }
    while (fake.sent.length < 6) await flushMicrotasks();
    for (const s of fake.sent) s.ack();
    await flushMicrotasks();
    expect(fake.sent.map((s) => s.payload.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const s of fake.sent) {
      expect(s.topic).toBe('outpost/v1/a1/results');
      const parsed = resultMessageSchema.parse(s.payload);
      expect(parsed.sent_at_ms).toBe(NOW + 7);
      expect(parsed.observed_at_ms).toBeLessThan(NOW);
    }
    expect(spool.pendingCount()).toBe(0);
    expect(await outbox.flush(1000)).toBe(true);
    expect(outbox.stats().published).toBe(6);
  });

  it('a failed publish resends from the oldest unacknowledged result', async () => {
    const { fake, outbox } = setup(3);
    fake.state.connected = true;
    [1, 2, 3].forEach((n) => outbox.enqueueResult(result(n)));
    expect(fake.sent.map((s) => s.payload.seq)).toEqual([1, 2, 3]);
    fake.sent[0]!.ack();
    fake.sent[1]!.fail();
    await flushMicrotasks();
    outbox.pump();
    expect(fake.sent.slice(3).map((s) => s.payload.seq)).toEqual([2, 3]);
  });

  it('flush gives up after its timeout when the broker never acknowledges', async () => {
    const { fake, outbox } = setup(2);
    fake.state.connected = true;
    outbox.enqueueResult(result(1));
    expect(await outbox.flush(20)).toBe(false);
  });

  it('spool drops are reported as one spool_dropped event after the backlog, and cleared once acknowledged', async () => {
    const { fake, outbox, spool } = setup(1000, { maxBytes: 4096 });
    for (let n = 1; n <= 60; n++) outbox.enqueueResult(result(n));
    const dropped = spool.droppedUnreported();
    expect(dropped).toBeGreaterThan(0);
    fake.state.connected = true;
    outbox.pump();
    const backlog = fake.sent.filter((s) => s.topic.endsWith('/results'));
    expect(fake.sent.filter((s) => s.topic.endsWith('/events'))).toHaveLength(0); // not before the backlog
    for (const s of backlog) s.ack();
    await flushMicrotasks();
    const events = fake.sent.filter((s) => s.topic.endsWith('/events'));
    expect(events).toHaveLength(1);
    const event = eventMessageSchema.parse(events[0]!.payload);
    expect(event).toMatchObject({ kind: 'spool_dropped', data: { dropped } });
    expect(event.seq).toBeGreaterThan(60); // above every result sent before it
    outbox.pump(); // no second report while the first is in flight
    expect(fake.sent.filter((s) => s.topic.endsWith('/events'))).toHaveLength(1);
    events[0]!.ack();
    await flushMicrotasks();
    expect(spool.droppedUnreported()).toBe(0);
    const seqs = backlog.map((s) => s.payload.seq as number);
    expect(seqs.length + dropped).toBe(60);
    expect(seqs[seqs.length - 1]).toBe(60);
    expect(outbox.enqueueResult(result(61))).toBeGreaterThan(event.seq);
  });
});
