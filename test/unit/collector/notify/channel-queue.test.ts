import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { IncidentNotice } from '../../../../collector/events.js';
import type { Timers } from '../../../../common/timers.js';
import { createChannelQueue, type AttemptOutcome } from '../../../../collector/notify/channel-queue.js';
import { DeliveryError, type Channel, type RenderedNotice } from '../../../../collector/notify/types.js';

const logger = pino({ level: 'silent' });

function item(n: number): { notice: IncidentNotice; message: RenderedNotice } {
  const notice: IncidentNotice = {
    kind: 'opened',
    atMs: 0,
    incident: { id: n, number: `INC-${n}`, title: 't', severity: 'P1', status: 'open', target: null, checkId: null, openedAtMs: 0 },
  };
  return { notice, message: { title: `m${n}`, text: '', markdown: '', html: '', notice } };
}

/** Timers that record each requested delay and fire it when the test says so (no real waiting). */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; handle: number }> = [];
  const delays: number[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      delays.push(ms);
      const handle = next++;
      pending.push({ fn, ms, handle });
      return handle;
    },
    clearTimeout(handle) {
      const i = pending.findIndex((p) => p.handle === handle);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    timers,
    delays,
    pendingCount: () => pending.length,
    fireNext() {
      const p = pending.shift();
      p?.fn();
      return Boolean(p);
    },
  };
}

/** An in-process channel whose answers are scripted per call. */
function scriptedChannel(script: Array<'ok' | 'retryable' | 'permanent'>) {
  const sent: string[] = [];
  const channel: Channel = {
    name: 'scripted',
    type: 'test',
    async send(message) {
      sent.push(message.title);
      const step = script.shift() ?? 'ok';
      if (step === 'retryable') throw new DeliveryError('HTTP 500', true);
      if (step === 'permanent') throw new DeliveryError('sign not match', false);
    },
  };
  return { channel, sent };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('condition never became true');
}

describe('channel queue', () => {
  it('retries with exponential backoff (base 2 s, cap 5 s) and reports success with the attempt count', async () => {
    const t = manualTimers();
    const { channel, sent } = scriptedChannel(['retryable', 'retryable', 'retryable', 'ok']);
    const outcomes: AttemptOutcome[] = [];
    const q = createChannelQueue({
      channel,
      retry: { attempts: 5, base_delay: 2_000, max_delay: 5_000 },
      capacity: 10,
      logger,
      timers: t.timers,
      settle: (o) => outcomes.push(o),
    });
    q.push(item(1));
    for (let fired = 0; fired < 3; fired++) {
      await until(() => t.pendingCount() === 1);
      t.fireNext();
    }
    await q.idle();
    expect(t.delays).toEqual([2_000, 4_000, 5_000]);
    expect(sent).toEqual(['m1', 'm1', 'm1', 'm1']);
    expect(outcomes).toMatchObject([{ ok: true, attempts: 4 }]);
  });

  it('gives up after `attempts` and reports the last error', async () => {
    const t = manualTimers();
    const { channel } = scriptedChannel(['retryable', 'retryable', 'retryable']);
    const outcomes: AttemptOutcome[] = [];
    const q = createChannelQueue({ channel, retry: { attempts: 3, base_delay: 10, max_delay: 100 }, capacity: 10, logger, timers: t.timers, settle: (o) => outcomes.push(o) });
    q.push(item(1));
    for (let fired = 0; fired < 2; fired++) {
      await until(() => t.pendingCount() === 1);
      t.fireNext();
    }
    await q.idle();
    expect(outcomes).toMatchObject([{ ok: false, attempts: 3, error: 'HTTP 500' }]);
  });

  it('does not retry a permanent failure', async () => {
    const t = manualTimers();
    const { channel, sent } = scriptedChannel(['permanent']);
    const outcomes: AttemptOutcome[] = [];
    const q = createChannelQueue({ channel, retry: { attempts: 5, base_delay: 10, max_delay: 100 }, capacity: 10, logger, timers: t.timers, settle: (o) => outcomes.push(o) });
    q.push(item(1));
    await q.idle();
    expect(sent).toHaveLength(1);
    expect(t.delays).toEqual([]);
    expect(outcomes).toMatchObject([{ ok: false, attempts: 1, error: 'sign not match' }]);
  });

  it('delivers in order, one at a time, and refuses beyond capacity', async () => {
    const t = manualTimers();
    const { channel, sent } = scriptedChannel([]);
    const outcomes: AttemptOutcome[] = [];
    const q = createChannelQueue({ channel, retry: { attempts: 1, base_delay: 10, max_delay: 10 }, capacity: 2, logger, timers: t.timers, settle: (o) => outcomes.push(o) });
    // The first push starts the worker at once, so it leaves the waiting list: capacity counts waiting items.
    expect([q.push(item(1)), q.push(item(2)), q.push(item(3)), q.push(item(4))]).toEqual([true, true, true, false]);
    await q.idle();
    expect(sent).toEqual(['m1', 'm2', 'm3']);
    expect(outcomes.map((o) => o.item.notice?.incident.id)).toEqual([1, 2, 3]);
  });

  it('flush() ends a backoff wait at once; abort() fails what is still queued', async () => {
    const t = manualTimers();
    const { channel } = scriptedChannel(['retryable', 'retryable', 'retryable', 'retryable', 'retryable', 'retryable']);
    const outcomes: AttemptOutcome[] = [];
    const q = createChannelQueue({ channel, retry: { attempts: 3, base_delay: 60_000, max_delay: 60_000 }, capacity: 10, logger, timers: t.timers, settle: (o) => outcomes.push(o) });
    q.push(item(1));
    q.push(item(2));
    await until(() => t.pendingCount() === 1);
    q.flush();
    await until(() => outcomes.length === 2);
    expect(outcomes.map((o) => [o.item.notice?.incident.id, o.ok, o.attempts])).toEqual([
      [1, false, 3],
      [2, false, 3],
    ]);

    const t2 = manualTimers();
    const stuck = scriptedChannel(['retryable']);
    const aborted: AttemptOutcome[] = [];
    const q2 = createChannelQueue({ channel: stuck.channel, retry: { attempts: 5, base_delay: 60_000, max_delay: 60_000 }, capacity: 10, logger, timers: t2.timers, settle: (o) => aborted.push(o) });
    q2.push(item(3));
    q2.push(item(4));
    await until(() => t2.pendingCount() === 1);
    q2.abort('dropped at shutdown');
    await q2.idle();
    expect(aborted).toMatchObject([
      { item: { notice: { incident: { id: 4 } } }, ok: false, attempts: 0, error: 'dropped at shutdown', aborted: true },
      { item: { notice: { incident: { id: 3 } } }, ok: false, attempts: 1, error: 'HTTP 500', aborted: true },
    ]);
    expect(q2.push(item(5))).toBe(false);
  });

  it('a throwing settle handler does not stop the worker', async () => {
    const t = manualTimers();
    const { channel, sent } = scriptedChannel([]);
    const q = createChannelQueue({
      channel,
      retry: { attempts: 1, base_delay: 10, max_delay: 10 },
      capacity: 10,
      logger,
      timers: t.timers,
      settle: () => {
        throw new Error('boom');
      },
    });
    q.push(item(1));
    q.push(item(2));
    await q.idle();
    expect(sent).toEqual(['m1', 'm2']);
  });
});
