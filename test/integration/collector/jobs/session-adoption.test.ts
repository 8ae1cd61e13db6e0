/**
 * Adoption of a dead collector's broker session (collector/jobs/session-adoption.ts) on both engines, with a driven
 * clock and a stand-in for the MQTT source (the real one: test/integration/collector/pair/failover.test.ts): the
 * owner's claim always wins; an expired session lease is adopted by exactly one peer, within ttl + renew of the
 * owner's last claim (at the expiry itself when a round saw it coming) and never before it expired; the adopter gives the session up when the owner claims it back or
 * the broker closes its connection; a graceful stop hands the session over at the peer's next round.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import type { Timers } from '../../../../common/timers.js';
import { createSessionAdoption, RETRY_REFUSED_MS, type AdoptedSource, type SessionAdoption } from '../../../../collector/jobs/session-adoption.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { list } from '../../../../collector/store/sql/leases.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 5, 4, 0, 0);
const TTL = 6000;
const RENEW = 2000;
const SKEW = 2000;
const silent = createLogger({ level: 'silent' });

const stores = storeLocations('adopt');

/** Two handles on one store: two pools on PostgreSQL; one handle on SQLite (one store per process: its README). */
async function openShared(engine: Engine): Promise<SqlStore[]> {
  const location = await stores.location(engine);
  const first = await openSqlStore(location);
  if (location.kind === 'sqlite') return [first, first, first];
  return [first, await openSqlStore(location, { migrations: false }), await openSqlStore(location, { migrations: false })];
}

/** What the broker sees: connections per client id, and a way to end one (the owner took its session back). */
function fakeBroker() {
  const connects: string[] = [];
  const stops: string[] = [];
  const open = new Map<string, { onClosed: (why: string, wasConnected: boolean) => void; source: AdoptedSource }>();
  let failNext = false;
  return {
    connects,
    stops,
    failNextConnect: () => (failNext = true),
    connect(by: string) {
      return (clientId: string, onClosed: (why: string, wasConnected: boolean) => void): Promise<AdoptedSource> => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('connection refused'));
        }
        connects.push(`${by}:${clientId}`);
        let connected = true;
        const source: AdoptedSource = {
          connected: () => connected,
          stop: () => {
            connected = false;
            stops.push(`${by}:${clientId}`);
            return Promise.resolve();
          },
        };
        open.set(`${by}:${clientId}`, { onClosed, source });
        return Promise.resolve(source);
      };
    },
    /** The broker ends `by`'s connection for `clientId` (session taken over). */
    takeOver(by: string, clientId: string) {
      open.get(`${by}:${clientId}`)?.onClosed('session taken over (0x8E)', true);
    },
    /** The broker refuses `by`'s login for `clientId`: the connection never comes up. */
    refuse(by: string, clientId: string) {
      open.get(`${by}:${clientId}`)?.onClosed('Connection refused: Not authorized', false);
    },
  };
}

function harness(engine: Engine) {
  let nowMs = T0;
  const broker = fakeBroker();
  const made: SessionAdoption[] = [];
  /** Each collector's timers (its rounds' and its alarms'), fired only when the test says (`fireDue`). */
  const pending = new Map<string, Map<number, { dueMs: number; callback: () => unknown }>>();
  let nextId = 0;
  const timersOf = (holder: string): Timers => {
    const mine = new Map<number, { dueMs: number; callback: () => unknown }>();
    pending.set(holder, mine);
    return {
      setTimeout: (callback, ms) => {
        const id = ++nextId;
        mine.set(id, { dueMs: nowMs + ms, callback });
        return id;
      },
      clearTimeout: (id) => void mine.delete(id as number),
    };
  };
  return {
    broker,
    now: () => nowMs,
    advance: (ms: number) => (nowMs += ms),
    /** When `holder`'s armed timers are due. */
    dueAt: (holder: string) => [...(pending.get(holder)?.values() ?? [])].map((t) => t.dueMs),
    /** Runs `holder`'s timers due by now and waits for what they return (most tests call tick() and fire none). */
    async fireDue(holder: string) {
      const mine = pending.get(holder);
      const running: unknown[] = [];
      for (const [id, t] of [...(mine ?? [])]) {
        if (t.dueMs > nowMs) continue;
        mine?.delete(id);
        running.push(t.callback());
      }
      await Promise.all(running);
    },
    async open() {
      return openShared(engine);
    },
    collector(store: SqlStore, holder: string, clientId: string, onDuplicateClientId?: (m: string) => void) {
      const adoption = createSessionAdoption({
        store,
        holder,
        clientId,
        now: () => nowMs,
        timers: timersOf(holder),
        ttlMs: TTL,
        renewEveryMs: RENEW,
        maxClockSkewMs: SKEW,
        logger: silent,
        connect: broker.connect(holder),
        ...(onDuplicateClientId ? { onDuplicateClientId } : {}),
      });
      made.push(adoption);
      return adoption;
    },
  };
}

/** A harness with the two collectors' stores open (one database, two pools on PostgreSQL), closed after `fn`. */
async function withStores(engine: Engine, fn: (h: ReturnType<typeof harness>, sa: SqlStore, sb: SqlStore) => Promise<void>): Promise<void> {
  const h = harness(engine);
  const [sa, sb] = await h.open();
  if (!sa || !sb) throw new Error('stores');
  try {
    await fn(h, sa, sb);
  } finally {
    await Promise.all([...new Set([sa, sb])].map((s) => s.close()));
  }
}


async function sessionLeases(store: SqlStore): Promise<Array<[string, string, boolean]>> {
  const rows = (await list(store.db)).filter((l) => l.name.startsWith('mqtt-session:'));
  return rows.map((l) => [l.name, l.holder, l.expiresAtMs > 0]);
}

describe.each(ENGINES)('broker session adoption on %s', (engine) => {
  it('each collector claims its own session; nobody adopts a live one', async () => {
    await withStores(engine, async (h, sa, sb) => {
      const a = h.collector(sa, 'collector-a', 'outpost-collector-a');
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await a.start();
      await b.start();
      for (let i = 0; i < 5; i++) {
        h.advance(RENEW);
        await a.tick();
        await b.tick();
      }
      expect(h.broker.connects).toEqual([]);
      expect(a.status()).toEqual([]);
      expect(b.status()).toEqual([]);
      expect(await sessionLeases(sa)).toEqual([
        ['mqtt-session:outpost-collector-a', 'collector-a', true],
        ['mqtt-session:outpost-collector-b', 'collector-b', true],
      ]);
    });
  }, 60_000);

  it('the owner dies: the survivor adopts within ttl + renew, not before the lease expired; the owner back takes it again', async () => {
    await withStores(engine, async (h, sa, sb) => {
      const a = h.collector(sa, 'collector-a', 'outpost-collector-a');
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await a.start();
      await b.start();
      const diedAt = h.now(); // a claimed at this instant, then died (no release)
      while (h.broker.connects.length === 0) {
        expect(h.now() - diedAt).toBeLessThan(TTL + RENEW);
        h.advance(RENEW);
        await b.tick();
        if (h.now() - diedAt < TTL) expect(h.broker.connects).toEqual([]);
      }
      expect(h.now() - diedAt).toBeGreaterThanOrEqual(TTL);
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(b.status()).toEqual([{ client_id: 'outpost-collector-a', since_ms: h.now(), until_ms: h.now() + TTL, connected: true }]);
      // Renewed while the owner stays away; adopted once.
      for (let i = 0; i < 3; i++) {
        h.advance(RENEW);
        await b.tick();
      }
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(await sessionLeases(sa)).toEqual([
        ['mqtt-session:outpost-collector-a', 'collector-b', true],
        ['mqtt-session:outpost-collector-b', 'collector-b', true],
      ]);

      // The owner restarts (a new process, a new holder id is fine): its claim wins at once.
      const a2 = h.collector(sa, 'collector-a-2', 'outpost-collector-a');
      await a2.start();
      expect(await sessionLeases(sa)).toContainEqual(['mqtt-session:outpost-collector-a', 'collector-a-2', true]);
      h.advance(RENEW);
      await b.tick();
      expect(h.broker.stops).toEqual(['collector-b:outpost-collector-a']);
      expect(b.status()).toEqual([]);
      // And it stays the owner's: b does not adopt a live lease again.
      for (let i = 0; i < 3; i++) {
        h.advance(RENEW);
        await a2.tick();
        await b.tick();
      }
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(await sessionLeases(sa)).toContainEqual(['mqtt-session:outpost-collector-a', 'collector-a-2', true]);
      expect(a2.status()).toEqual([]);
    });
  }, 60_000);

  it('the survivor looks again the instant the dead owner\'s lease runs out, not up to a round later', async () => {
    await withStores(engine, async (h, sa, sb) => {
      // b's rounds are driven by tick() (its own loop is not started): only the alarm goes into its timers. b has
      // claimed for one TTL (it may adopt) when a starts, half a round after b's round, and dies after its first
      // claim: a's lease runs out between two of b's rounds.
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await b.tick();
      for (let i = 0; i < TTL / RENEW; i++) {
        h.advance(RENEW);
        await b.tick();
      }
      h.advance(RENEW / 2);
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const expiresAt = h.now() + TTL;
      h.advance(RENEW / 2);
      for (;;) {
        await b.tick();
        if (h.now() + RENEW > expiresAt) break; // the last round before the expiry
        expect(h.dueAt('collector-b')).toEqual([]); // a's lease ends after b's next round: nothing armed yet
        h.advance(RENEW);
      }
      expect(h.broker.connects).toEqual([]);
      expect(h.dueAt('collector-b')).toEqual([expiresAt + 1]);
      h.advance(expiresAt + 1 - h.now());
      await h.fireDue('collector-b');
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(b.status()[0]?.since_ms).toBe(expiresAt + 1);
      // The next round renews it as usual; nothing more is armed.
      h.advance(RENEW / 2);
      await b.tick();
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(h.dueAt('collector-b')).toEqual([]);
    });
  }, 60_000);

  it('the broker hands the session back to its owner: the adopter stops at once, forgets it, and does not come back', async () => {
    await withStores(engine, async (h, sa, sb) => {
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await b.start();
      h.advance(TTL);
      await b.tick();
      expect(b.status().map((s) => s.client_id)).toEqual(['outpost-collector-a']);
      // The owner claims before it connects; the broker then disconnects the adopter.
      const a2 = h.collector(sa, 'collector-a', 'outpost-collector-a');
      await a2.start();
      h.broker.takeOver('collector-b', 'outpost-collector-a');
      await b.tick();
      expect(b.status()).toEqual([]);
      expect(h.broker.stops).toEqual(['collector-b:outpost-collector-a']);
      for (let i = 0; i < 3; i++) {
        h.advance(RENEW);
        await a2.tick();
        await b.tick();
      }
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(await sessionLeases(sa)).toContainEqual(['mqtt-session:outpost-collector-a', 'collector-a', true]);
    });
  }, 60_000);

  it('the adopted connection drops while the owner stays dead: the lease is released and the session adopted again', async () => {
    await withStores(engine, async (h, sa, sb) => {
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await b.start();
      h.advance(TTL);
      await b.tick();
      h.broker.takeOver('collector-b', 'outpost-collector-a'); // e.g. a network blip: no owner claim behind it
      await b.tick();
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a', 'collector-b:outpost-collector-a']);
      expect(b.status().map((s) => s.client_id)).toEqual(['outpost-collector-a']);
    });
  }, 60_000);

  it('a graceful stop releases the session lease: the peer adopts at its next round', async () => {
    await withStores(engine, async (h, sa, sb) => {
      const a = h.collector(sa, 'collector-a', 'outpost-collector-a');
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await a.start();
      await b.start();
      for (let i = 0; i < TTL / RENEW; i++) {
        h.advance(RENEW);
        await a.tick();
        await b.tick();
      }
      const stoppedAt = h.now();
      await a.stopAdopting();
      await a.releaseOwn();
      expect(await sessionLeases(sa)).toContainEqual(['mqtt-session:outpost-collector-a', 'collector-a', false]);
      h.advance(RENEW);
      await b.tick();
      expect(h.broker.connects).toEqual(['collector-b:outpost-collector-a']);
      expect(h.now() - stoppedAt).toBeLessThan(TTL);
      // b stopping gracefully too: its adopted session and its own lease are released.
      await b.stopAdopting();
      await b.releaseOwn();
      expect(h.broker.stops).toEqual(['collector-b:outpost-collector-a']);
      expect(await sessionLeases(sa)).toEqual([
        ['mqtt-session:outpost-collector-a', 'collector-b', false],
        ['mqtt-session:outpost-collector-b', 'collector-b', false],
      ]);
    });
  }, 60_000);

  it('two survivors: exactly one adopts a dead session', async () => {
    const h = harness(engine);
    const [sa, sb, sc] = await h.open();
    if (!sa || !sb || !sc) throw new Error('stores');
    try {
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      const c = h.collector(sc, 'collector-c', 'outpost-collector-c');
      await b.start();
      await c.start();
      h.advance(TTL);
      // At the same instant, from two connections on PostgreSQL: the lease row decides.
      await Promise.all([b.tick(), c.tick()]);
      for (let i = 0; i < 3; i++) {
        h.advance(RENEW);
        await Promise.all([b.tick(), c.tick()]);
      }
      expect(h.broker.connects).toHaveLength(1);
      expect([...b.status(), ...c.status()].map((s) => s.client_id)).toEqual(['outpost-collector-a']);
    } finally {
      await Promise.all([...new Set([sa, sb, sc])].map((s) => s.close()));
    }
  }, 60_000);

  it('two collectors with one client id: the second claim is reported as a misconfiguration', async () => {
    await withStores(engine, async (h, sa, sb) => {
      const warnings: string[] = [];
      const a = h.collector(sa, 'collector-a', 'outpost-collector', (m) => warnings.push(m));
      const b = h.collector(sb, 'collector-b', 'outpost-collector');
      await a.start();
      await b.start();
      h.advance(RENEW);
      await a.tick();
      expect(warnings).toEqual(['mqtt.client_id outpost-collector: another collector claims this broker session as its own too; each collector needs its own client id']);
    });
  }, 60_000);
  it('after a store outage nobody adopts a live owner\'s lapsed lease; a collector starting beside a dead peer adopts one TTL after its start', async () => {
    await withStores(engine, async (h, sa, sb) => {
      let down = false;
      // The store as each collector sees it: unreachable while `down`.
      const reachable = (store: SqlStore): SqlStore =>
        new Proxy(store, {
          get(target, key, receiver) {
            if (key === 'db' && down) throw new Error('connect ECONNREFUSED');
            return Reflect.get(target, key, receiver) as unknown;
          },
        });
      const a = h.collector(reachable(sa), 'collector-a', 'outpost-collector-a');
      const b = h.collector(reachable(sb), 'collector-b', 'outpost-collector-b');
      await a.start();
      await b.start();
      down = true;
      for (let i = 0; i < 15; i++) {
        h.advance(RENEW);
        await b.tick();
        await a.tick();
      }
      down = false;
      // Both leases lapsed during the outage; b's round comes first, a's claim only after it.
      for (let i = 0; i < 6; i++) {
        h.advance(RENEW);
        await b.tick();
        await a.tick();
      }
      expect(h.broker.connects).toEqual([]);

      // a dies, b stops gracefully; c starts when a's lease has expired: it adopts only one TTL after its start.
      h.advance(TTL);
      await b.stopAdopting();
      await b.releaseOwn();
      const c = h.collector(sb, 'collector-c', 'outpost-collector-c');
      const startedAt = h.now();
      await c.start();
      while (h.broker.connects.length === 0) {
        expect(h.now() - startedAt).toBeLessThan(TTL + RENEW);
        h.advance(RENEW);
        await c.tick();
      }
      expect(h.now() - startedAt).toBeGreaterThanOrEqual(TTL);
      expect(h.broker.connects).toEqual(['collector-c:outpost-collector-a']);
      h.advance(RENEW);
      await c.tick();
      expect(h.broker.connects).toEqual(['collector-c:outpost-collector-a', 'collector-c:outpost-collector-b']);
    });
  }, 60_000);
  it('a session that cannot be connected to (a refused login, a failed connect): its lease is given back, tried again after a pause, not every round', async () => {
    await withStores(engine, async (h, sa, sb) => {
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      await b.start();
      h.advance(TTL);
      await b.tick();
      h.broker.refuse('collector-b', 'outpost-collector-a');
      await b.tick();
      expect(b.status()).toEqual([]);
      expect(await sessionLeases(sa)).toContainEqual(['mqtt-session:outpost-collector-a', 'collector-b', false]);
      const refusedAt = h.now();
      while (h.now() - refusedAt < RETRY_REFUSED_MS) {
        expect(h.broker.connects).toHaveLength(1);
        h.advance(RENEW);
        await b.tick();
      }
      expect(h.broker.connects).toHaveLength(2);
      // A connect that throws is treated the same way.
      await b.stopAdopting();
      const c = h.collector(sb, 'collector-c', 'outpost-collector-c');
      await c.start();
      h.advance(TTL);
      h.broker.failNextConnect();
      await c.tick();
      expect(c.status()).toEqual([]);
      h.advance(RENEW);
      await c.tick();
      // Not a's again (its connect failed here too: paused), but b's, expired since b stopped.
      expect(c.status().map((s) => s.client_id)).toEqual(['outpost-collector-b']);
    });
  }, 60_000);
  it('shutdown: stopAdopting drops and releases adopted sessions at once, but our own lease is claimed until releaseOwn', async () => {
    await withStores(engine, async (h, sa, sb) => {
      await h.collector(sa, 'collector-a', 'outpost-collector-a').start();
      const b = h.collector(sb, 'collector-b', 'outpost-collector-b');
      const c = h.collector(sb, 'collector-c', 'outpost-collector-c');
      await b.start();
      await c.start();
      h.advance(TTL);
      await b.tick();
      await c.tick();
      expect(b.status().map((s) => s.client_id)).toEqual(['outpost-collector-a']);
      await b.stopAdopting();
      expect(b.status()).toEqual([]);
      expect(h.broker.stops).toEqual(['collector-b:outpost-collector-a']);
      // b drains for longer than a TTL: its rounds keep its own lease, so c adopts a's session but never b's.
      for (let i = 0; i < 2 * (TTL / RENEW); i++) {
        h.advance(RENEW);
        await b.tick();
        await c.tick();
      }
      expect(c.status().map((s) => s.client_id)).toEqual(['outpost-collector-a']);
      await b.releaseOwn();
      h.advance(RENEW);
      await c.tick();
      expect(c.status().map((s) => s.client_id).sort()).toEqual(['outpost-collector-a', 'outpost-collector-b']);
    });
  }, 60_000);
});
