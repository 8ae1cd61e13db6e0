/**
 * Singleton jobs (collector/jobs/singleton.ts) on real stores with a driven clock and timers that fire when the test
 * moves the clock: two collectors (two pools on one PostgreSQL database; on SQLite two holders on one store) run each
 * job exactly once; a dead holder's jobs move to the survivor within ttl + renew; a graceful stop hands over at the
 * survivor's next attempt; with PostgreSQL stopped the holder stops its jobs at its lease deadline, and they resume
 * once PostgreSQL is back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../../common/logger.js';
import type { Timers } from '../../../../common/timers.js';
import { createSingletonJobs, defaultHolderId, type SingletonJobs } from '../../../../collector/jobs/singleton.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { list, tryAcquire } from '../../../../collector/store/sql/leases.js';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';

const T0 = Date.UTC(2026, 11, 5, 2, 0, 0);
const TTL = 8000;
const RENEW = 2000;
const SKEW = 2000;
const JOBS = ['sla-timers', 'silence-scan', 'report-schedules'] as const;
const silent = createLogger({ level: 'silent' });

/** One clock for every collector of a test; each collector's timers fire when `advance` passes their due time. */
function drivenClock() {
  let nowMs = T0;
  const pending = new Set<{ due: number; fn: () => void; dead: () => boolean }>();
  return {
    now: () => nowMs,
    /** Timers of one collector; `kill()` drops them and every later one (the process is gone). */
    timers() {
      let killed = false;
      const timers: Timers = {
        setTimeout: (fn, ms) => {
          const t = { due: nowMs + ms, fn, dead: () => killed };
          if (!killed) pending.add(t);
          return t;
        },
        clearTimeout: (t) => void pending.delete(t as { due: number; fn: () => void; dead: () => boolean }),
      };
      return { timers, kill: () => (killed = true) };
    },
    /** Moves the clock, firing each timer due by then in due order. */
    advance(ms: number) {
      nowMs += ms;
      for (;;) {
        const due = [...pending].filter((t) => t.due <= nowMs && !t.dead()).sort((a, b) => a.due - b.due)[0];
        if (due === undefined) break;
        pending.delete(due);
        due.fn();
      }
    },
  };
}

/** Who runs each job right now, across collectors; records any moment two ran one job at once. */
function runRecorder() {
  const running = new Map<string, Set<string>>();
  const overlaps: string[] = [];
  const starts: string[] = [];
  return {
    running,
    overlaps,
    starts,
    job(collector: string, name: string) {
      return {
        start: () => {
          const set = running.get(name) ?? new Set<string>();
          if (set.size > 0) overlaps.push(`${name}: ${collector} started while ${[...set].join(',')} ran`);
          set.add(collector);
          running.set(name, set);
          starts.push(`${collector}:${name}`);
        },
        stop: () => void running.get(name)?.delete(collector),
      };
    },
    /** The collector running each job (one at most), by job. */
    runners(): Record<string, string[]> {
      return Object.fromEntries(JOBS.map((n) => [n, [...(running.get(n) ?? [])]]));
    },
    /** A dead collector's jobs stop with it. */
    died(collector: string) {
      for (const set of running.values()) set.delete(collector);
    },
  };
}

/** Log lines of one collector, parsed. */
function logCapture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination, format: 'json' }) };
}

function collector(store: SqlStore, id: string, clock: ReturnType<typeof drivenClock>, runs: ReturnType<typeof runRecorder>, logger = silent) {
  const t = clock.timers();
  const jobs = createSingletonJobs({ store, holder: id, now: clock.now, timers: t.timers, ttlMs: TTL, renewEveryMs: RENEW, maxClockSkewMs: SKEW, logger });
  for (const name of JOBS) jobs.register(name, runs.job(id, name));
  return { jobs, kill: t.kill };
}

/** Moves the clock by one renewal period and waits for both collectors' attempts to finish. */
async function renewalPeriod(clock: ReturnType<typeof drivenClock>, ...alive: SingletonJobs[]) {
  clock.advance(RENEW);
  // tick() queues behind the attempt the timer began, so it resolves once that one finished.
  await Promise.all(alive.map((j) => j.tick()));
}

const allRunBy = (id: string) => Object.fromEntries(JOBS.map((n) => [n, [id]]));

async function twoCollectors(open: () => Promise<[SqlStore, SqlStore]>, body: (ctx: {
  logs: ReturnType<typeof logCapture>;
  clock: ReturnType<typeof drivenClock>;
  runs: ReturnType<typeof runRecorder>;
  a: ReturnType<typeof collector>;
  b: ReturnType<typeof collector>;
  stores: [SqlStore, SqlStore];
}) => Promise<void>) {
  const stores = await open();
  const clock = drivenClock();
  const runs = runRecorder();
  const logs = logCapture();
  const a = collector(stores[0], 'collector-a', clock, runs, logs.logger);
  const b = collector(stores[1], 'collector-b', clock, runs);
  try {
    await a.jobs.start();
    await b.jobs.start();
    await body({ logs, clock, runs, a, b, stores });
    expect(runs.overlaps).toEqual([]);
  } finally {
    a.kill();
    b.kill();
    await Promise.all([...new Set(stores)].map((s) => s.close()));
  }
}

let server: PostgresServer | undefined;
let databases = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 180_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);

async function openPair(driver: 'sqlite' | 'postgres'): Promise<[SqlStore, SqlStore]> {
  if (driver === 'sqlite') {
    // One store per process on SQLite (store README, pitfall 6): two holders on one handle stand for two collectors.
    const store = await openSqlStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'outpost-singleton-')), 'jobs.db') });
    return [store, store];
  }
  if (!server) throw new Error('no PostgreSQL test cluster');
  const url = await server.createDatabase(`singleton_${++databases}`);
  const first = await openSqlStore({ kind: 'postgres', url });
  return [first, await openSqlStore({ kind: 'postgres', url }, { migrations: false })];
}

describe.each(['sqlite', 'postgres'] as const)('singleton jobs on %s', (driver) => {
  it('exactly one collector runs each job; the other sees who holds it', async () => {
    await twoCollectors(() => openPair(driver), async ({ clock, runs, a, b }) => {
      expect(runs.runners()).toEqual(allRunBy('collector-a'));
      for (let i = 0; i < 5; i++) await renewalPeriod(clock, a.jobs, b.jobs);
      expect(runs.runners()).toEqual(allRunBy('collector-a'));
      expect(runs.starts).toEqual(JOBS.map((n) => `collector-a:${n}`));
      const until = clock.now() + TTL;
      expect(a.jobs.status()).toEqual(Object.fromEntries(JOBS.map((n) => [n, { holder: 'collector-a', held: true, until_ms: until }])));
      expect(b.jobs.status()).toEqual(Object.fromEntries(JOBS.map((n) => [n, { holder: 'collector-a', held: false, until_ms: until }])));
    });
  }, 60_000);

  it('the holder dies (no release): the survivor starts every job within ttl + renew, not before the lease expires', async () => {
    await twoCollectors(() => openPair(driver), async ({ clock, runs, a, b, stores }) => {
      await renewalPeriod(clock, a.jobs, b.jobs);
      const diedAt = clock.now(); // a renewed at this instant, then died
      a.kill();
      runs.died('collector-a');
      while (clock.now() - diedAt < TTL - RENEW) {
        await renewalPeriod(clock, b.jobs);
        expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []])));
      }
      while (Object.values(runs.runners()).some((r) => r.length === 0)) {
        expect(clock.now() - diedAt).toBeLessThan(TTL + RENEW);
        await renewalPeriod(clock, b.jobs);
      }
      expect(clock.now() - diedAt).toBeLessThanOrEqual(TTL + RENEW);
      expect(runs.runners()).toEqual(allRunBy('collector-b'));
      expect(b.jobs.status()['sla-timers']).toEqual({ holder: 'collector-b', held: true, until_ms: clock.now() + TTL });
      expect((await list(stores[1].db)).map((l) => [l.name, l.holder, l.fence])).toEqual([...JOBS].sort().map((n) => [n, 'collector-b', 2]));
    });
  }, 60_000);

  it('a graceful stop releases: the survivor starts every job at its next attempt, long before the lease would expire', async () => {
    await twoCollectors(() => openPair(driver), async ({ clock, runs, a, b }) => {
      await renewalPeriod(clock, a.jobs, b.jobs);
      await a.jobs.stop();
      expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []])));
      const stoppedAt = clock.now();
      await renewalPeriod(clock, b.jobs);
      expect(clock.now() - stoppedAt).toBe(RENEW);
      expect(runs.runners()).toEqual(allRunBy('collector-b'));
      expect(a.jobs.status()['silence-scan']?.held).toBe(false);
    });
  }, 60_000);

  it('a lease found taken over (a collector whose clock ran ahead): the holder stops that job at once, before its own deadline', async () => {
    await twoCollectors(() => openPair(driver), async ({ clock, runs, a, stores }) => {
      await tryAcquire(stores[0].db, 'silence-scan', 'collector-c', TTL, clock.now() + TTL);
      await a.jobs.tick();
      expect(runs.runners()).toEqual({ ...allRunBy('collector-a'), 'silence-scan': [] });
      expect(a.jobs.status()['silence-scan']).toEqual({ holder: 'collector-c', held: false, until_ms: clock.now() + 2 * TTL });
    });
  }, 60_000);
});

describe('singleton jobs handing over at a graceful stop', () => {
  it('a graceful stop calls handOver after the job stopped and before its lease is released; a lost lease does not', async () => {
    const [store] = await openPair('sqlite');
    try {
      const clock = drivenClock();
      const t = clock.timers();
      const jobs = createSingletonJobs({ store, holder: 'collector-a', now: clock.now, timers: t.timers, ttlMs: TTL, renewEveryMs: RENEW, maxClockSkewMs: SKEW, logger: silent });
      const seen: string[] = [];
      jobs.register('sla-timers', {
        start: () => void seen.push('start'),
        stop: () => void seen.push('stop'),
        handOver: async () => {
          const lease = (await list(store.db)).find((l) => l.name === 'sla-timers');
          seen.push(`handOver (lease held by ${lease?.holder ?? 'nobody'})`);
        },
      });
      jobs.register('silence-scan', { start: () => undefined, stop: () => undefined, handOver: () => void seen.push('handOver of a job whose lease was lost') });
      await jobs.start();
      // silence-scan is taken over by another collector: its job stops, and nothing of it is handed over later.
      await tryAcquire(store.db, 'silence-scan', 'collector-c', TTL, clock.now() + TTL);
      await jobs.tick();
      await jobs.stop();
      expect(seen).toEqual(['start', 'stop', 'handOver (lease held by collector-a)']);
      // Released after the hand-over: another collector takes it at once.
      expect((await tryAcquire(store.db, 'sla-timers', 'collector-b', TTL, clock.now())).held).toBe(true);
      t.kill();
    } finally {
      await store.close();
    }
  });
});

describe('singleton jobs on PostgreSQL, two collectors starting at once', () => {
  it('each job runs on exactly one of them, whichever won it, and stays there', async () => {
    const [sa, sb] = await openPair('postgres');
    const clock = drivenClock();
    const runs = runRecorder();
    const a = collector(sa, 'collector-a', clock, runs);
    const b = collector(sb, 'collector-b', clock, runs);
    try {
      await Promise.all([a.jobs.start(), b.jobs.start()]);
      const first = runs.runners();
      expect(JOBS.every((n) => first[n]?.length === 1)).toBe(true);
      for (let i = 0; i < 5; i++) await renewalPeriod(clock, a.jobs, b.jobs);
      expect(runs.runners()).toEqual(first);
      expect(runs.overlaps).toEqual([]);
      for (const name of JOBS) {
        const holder = first[name]?.[0];
        expect([a.jobs.status()[name]?.holder, b.jobs.status()[name]?.holder]).toEqual([holder, holder]);
        expect([a.jobs.status()[name]?.held, b.jobs.status()[name]?.held]).toEqual([holder === 'collector-a', holder === 'collector-b']);
      }
    } finally {
      a.kill();
      b.kill();
      await Promise.all([sa.close(), sb.close()]);
    }
  }, 60_000);
});

describe('singleton jobs with the store hanging', () => {
  it('a renewal that hangs (SQLite busy in a long transaction) cannot keep a job running past its deadline: the alarm stops it', async () => {
    await twoCollectors(() => openPair('sqlite'), async ({ clock, runs, a, b, stores }) => {
      await renewalPeriod(clock, a.jobs, b.jobs);
      const lastRenewal = clock.now();
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      // Every statement outside this transaction now waits for it (one connection per process).
      const blocking = stores[0].transaction(async () => gate);
      while (clock.now() + RENEW < lastRenewal + TTL - SKEW) {
        clock.advance(RENEW);
        expect(runs.runners()).toEqual(allRunBy('collector-a'));
      }
      clock.advance(RENEW);
      expect(clock.now()).toBe(lastRenewal + TTL - SKEW);
      await vi.waitFor(() => expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []]))));
      expect(a.jobs.status()['sla-timers']).toEqual({ holder: 'collector-a', held: false, until_ms: lastRenewal + TTL });
      open();
      await blocking;
      await renewalPeriod(clock, a.jobs, b.jobs);
      expect(runs.runners()).toEqual(allRunBy('collector-a'));
    });
  }, 60_000);
});

describe('singleton jobs stopping while the store hangs', () => {
  it('stop() stops the jobs at once, and releases the leases once the store answers (the survivor takes them at its next attempt)', async () => {
    await twoCollectors(() => openPair('sqlite'), async ({ clock, runs, a, b, stores }) => {
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const blocking = stores[0].transaction(async () => gate);
      clock.advance(RENEW); // both collectors' attempts now wait for the store
      const stopping = a.jobs.stop();
      await vi.waitFor(() => expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []]))));
      open();
      await blocking;
      await stopping;
      await b.jobs.tick();
      expect(runs.runners()).toEqual(allRunBy('collector-b'));
    });
  }, 60_000);
});

describe('singleton jobs with PostgreSQL stopped', () => {
  it('the holder stops its jobs at its lease deadline when it cannot renew; nobody runs them; they resume on one collector once PostgreSQL is back', async () => {
    if (!server) throw new Error('no PostgreSQL test cluster');
    const pg = server;
    await twoCollectors(() => openPair('postgres'), async ({ logs, clock, runs, a, b }) => {
      await renewalPeriod(clock, a.jobs, b.jobs);
      const lastRenewal = clock.now();
      await pg.halt();
      try {
        // Renewals fail; the jobs run on until the local deadline (ttl − max clock skew after the last renewal).
        while (clock.now() + RENEW < lastRenewal + TTL - SKEW) {
          await renewalPeriod(clock, a.jobs, b.jobs);
          expect(runs.runners()).toEqual(allRunBy('collector-a'));
        }
        await renewalPeriod(clock, a.jobs, b.jobs);
        expect(clock.now()).toBe(lastRenewal + TTL - SKEW);
        // Stopped at the deadline (by the alarm, or the failed attempt of that instant: both look at the deadline).
        await vi.waitFor(() => expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []]))));
        expect(a.jobs.status()['sla-timers']?.held).toBe(false);
        for (let i = 0; i < 5; i++) await renewalPeriod(clock, a.jobs, b.jobs);
        expect(runs.runners()).toEqual(Object.fromEntries(JOBS.map((n) => [n, []])));
      } finally {
        await pg.resume();
      }
      await renewalPeriod(clock, a.jobs, b.jobs);
      // Logged, never thrown: one warning per job for the whole outage, the stop, and the recovery.
      const messages = logs.lines.filter((l) => l.job === 'sla-timers').map((l) => `${String(l.level)} ${String(l.msg)}`);
      expect(messages.filter((m) => m.includes('lease not taken or renewed'))).toHaveLength(1);
      expect(messages).toContain('40 job stopped: lease not renewed before its deadline');
      expect(messages).toContain('30 lease renewals work again');
      const runners = runs.runners();
      expect(JOBS.every((n) => runners[n]?.length === 1)).toBe(true);
      expect(new Set(JOBS.map((n) => runners[n]?.[0])).size).toBe(1);
    });
  }, 120_000);
});

describe('a job that fails to start', () => {
  it('is logged, not thrown, and started again at the next renewal while the lease is held', async () => {
    const store = (await openPair('sqlite'))[0];
    const clock = drivenClock();
    const logs = logCapture();
    let attempts = 0;
    let running = false;
    const jobs = createSingletonJobs({ store, holder: 'collector-a', now: clock.now, timers: clock.timers().timers, logger: logs.logger });
    jobs.register('burn-rate', {
      start: async () => {
        attempts++;
        if (attempts === 1) throw new Error('not ready');
        running = true;
      },
      stop: () => void (running = false),
    });
    try {
      await jobs.start();
      expect([attempts, running]).toEqual([1, false]);
      expect(logs.lines.find((l) => l.msg === 'job failed to start (tried again at the next renewal)')).toMatchObject({ level: 50, job: 'burn-rate', err: { message: 'not ready' } });
      clock.advance(RENEW);
      await jobs.tick();
      expect([attempts, running]).toEqual([2, true]);
      await jobs.stop();
      expect(running).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('createSingletonJobs options', () => {
  it('refuses timings that cannot hold a lease, naming the option; holder ids default to host:pid:random', () => {
    const base = { store: {} as SqlStore, now: () => T0, timers: drivenClock().timers().timers, logger: silent };
    expect(() => createSingletonJobs({ ...base, ttlMs: 0 })).toThrow('ttlMs: must be positive (got 0)');
    expect(() => createSingletonJobs({ ...base, renewEveryMs: 6000 })).toThrow('renewEveryMs: must be below ttlMs − maxClockSkewMs (6000 − 2000), got 6000');
    expect(() => createSingletonJobs({ ...base, maxClockSkewMs: -1 })).toThrow('maxClockSkewMs: must not be negative (got -1)');
    expect(() => createSingletonJobs({ ...base, holder: '' })).toThrow('holder: must not be empty');
    const jobs = createSingletonJobs(base);
    expect(jobs.holder).toMatch(new RegExp(`^[^:]+:${process.pid}:[0-9a-f]{8}$`));
    expect(defaultHolderId()).not.toBe(defaultHolderId());
    jobs.register('x', { start: () => undefined, stop: () => undefined });
    expect(() => jobs.register('x', { start: () => undefined, stop: () => undefined })).toThrow('name: singleton job x is already registered');
  });
});
