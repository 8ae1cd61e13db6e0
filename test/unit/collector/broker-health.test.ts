import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { brokerHost, createBrokerHealth, WILL_SETTLE_MS } from '../../../collector/broker-health.js';

function setup() {
  let now = 1_000_000;
  const timers: Array<{ fn: () => void; at: number; cleared: boolean }> = [];
  const opened: Array<{ title: string; severity: string; startedAtMs?: number }> = [];
  const resolved: string[] = [];
  const reconnects: number[] = [];
  const health = createBrokerHealth({
    broker: '127.0.0.1:1883',
    unreachableAfterMs: 30_000,
    now: () => now,
    logger: createLogger({ level: 'silent' }),
    incidents: {
      openKeyed: async (input) => {
        opened.push(input);
        return Promise.resolve({} as never);
      },
      resolveKeyed: async (key) => {
        resolved.push(key);
        return Promise.resolve(null);
      },
    },
    onReconnect: (at) => reconnects.push(at),
    timers: {
      setTimeout: (fn, ms) => {
        const t = { fn, at: now + ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimeout: (t) => void ((t as { cleared: boolean }).cleared = true),
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers) {
      if (t.cleared || t.at > now) continue;
      t.cleared = true;
      t.fn();
    }
  };
  return { health, advance, opened, resolved, reconnects, now: () => now };
}

describe('broker health (the collector\'s own connection to an external broker)', () => {
  it('a short drop opens nothing; a long one is one P2 dated at the drop, resolved on reconnect', () => {
    const s = setup();
    s.health.connectionChanged(true);
    s.health.connectionChanged(false);
    s.advance(29_000);
    s.health.connectionChanged(true);
    const firstBack = s.now();
    expect(s.opened).toEqual([]);
    s.health.connectionChanged(false);
    const downAt = s.now();
    s.health.connectionChanged(false); // repeated close events change nothing
    s.advance(31_000);
    expect(s.opened).toEqual([expect.objectContaining({ title: 'MQTT broker unreachable: 127.0.0.1:1883', severity: 'P2', startedAtMs: downAt })]);
    s.health.connectionChanged(true);
    expect(s.resolved.at(-1)).toBe('collector:mqtt-broker');
    expect(s.reconnects).toEqual([firstBack, s.now()]);
  });

  it('wills are the broker\'s fault while down and for the settling time after a reconnect, not after the first connect', () => {
    const s = setup();
    s.health.connectionChanged(true);
    expect(s.health.willIsBrokersFault(s.now())).toBe(false);
    s.health.connectionChanged(false);
    expect(s.health.willIsBrokersFault(s.now())).toBe(true);
    s.advance(5_000);
    s.health.connectionChanged(true);
    expect(s.health.willIsBrokersFault(s.now() + WILL_SETTLE_MS)).toBe(true);
    expect(s.health.willIsBrokersFault(s.now() + WILL_SETTLE_MS + 1)).toBe(false);
  });

  it('a broker unreachable at start-up is an outage too; stopping cancels what is pending', () => {
    const s = setup();
    s.advance(30_000);
    expect(s.opened).toHaveLength(1);
    const t = setup();
    t.health.stop();
    t.advance(60_000);
    expect(t.opened).toEqual([]);
  });

  it('a store that fails the incident calls (PostgreSQL down with the broker connection) is logged, never an unhandled rejection', async () => {
    const failures: string[] = [];
    let now = 0;
    const timers: Array<() => void> = [];
    const health = createBrokerHealth({
      broker: '127.0.0.1:1883',
      unreachableAfterMs: 30_000,
      now: () => now,
      logger: createLogger({ level: 'silent' }),
      incidents: {
        openKeyed: () => Promise.reject(new Error('connect ECONNREFUSED')).finally(() => failures.push('open')),
        resolveKeyed: () => Promise.reject(new Error('connect ECONNREFUSED')).finally(() => failures.push('resolve')),
      },
      timers: { setTimeout: (fn) => timers.push(fn), clearTimeout: () => undefined },
    });
    now = 31_000;
    for (const fn of timers.splice(0)) fn();
    health.connectionChanged(true);
    await new Promise((r) => setImmediate(r));
    // Both calls were made and failed; the process (this test run) heard no unhandled rejection.
    expect(failures.sort()).toEqual(['open', 'resolve']);
  });

  it('names the broker by host:port, never with the URL\'s credentials', () => {
    expect(brokerHost('mqtts://collector:s3cret@broker.example:8883')).toBe('broker.example:8883');
    expect(brokerHost('mqtt://127.0.0.1:1883')).toBe('127.0.0.1:1883');
  });
});
