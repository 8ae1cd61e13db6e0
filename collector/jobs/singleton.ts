/**
 * Jobs that must run on exactly one collector at a time (SLA timers and escalations, silence scan, maintenance
 * watcher, burn-rate monitor, report schedules), each behind a lease in the store (../store/sql/leases.ts).
 *
 * Every `renewEveryMs` each job's lease is taken or renewed for `ttlMs`; the job runs while its lease is ours. It is
 * stopped at once when the lease is found taken over, and — when renewals fail (store unreachable) — at its local
 * deadline, `maxClockSkewMs` before the expiry written in the store: a survivor on another machine, whose clock may
 * be ahead by up to that much, takes the lease at the expiry by its own clock, so the two never run together. A
 * survivor takes an expired lease at its next attempt: within ttl + renew (10 s with the defaults) of the holder's
 * death. `stop()` stops the jobs, lets them hand over (`handOver`, bounded: e.g. SLA pages in flight settle), then
 * releases their leases, so a graceful stop hands over at the survivor's next attempt. Store and job errors are
 * logged, never thrown out of a timer.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../common/logger.js';
import { clampDelay, repeat, type Repeating, type Timers } from '../../common/timers.js';
import type { SqlStore } from '../store/sql/connect.js';
import { release, tryAcquire } from '../store/sql/leases.js';

export interface SingletonJob {
  /** Begin the job's work (arm its timers); called only while this collector holds the job's lease. */
  start(): void | Promise<void>;
  /** End it (disarm its timers, finish or abandon a pass); after this resolves the job does nothing more. */
  stop(): void | Promise<void>;
  /**
   * Graceful stop only, after `stop` and before the lease is released: finish what the job handed on (bounded by the
   * job), so the next holder does not do it again. Not called when the lease is lost.
   */
  handOver?(): void | Promise<void>;
}

/** One job as /healthz shows it. */
export interface SingletonJobStatus {
  /** Who holds the lease, as last seen (this collector or another); null before the first attempt. */
  holder: string | null;
  /** Whether this collector holds it now (and so runs the job). */
  held: boolean;
  /** The lease's expiry as last seen, epoch ms; null before the first attempt. */
  until_ms: number | null;
}

export interface SingletonJobsOptions {
  store: Pick<SqlStore, 'db'>;
  /** This collector's holder id: `ha.collector_id` when configured; default `${hostname}:${pid}:${random}`. Unique per collector. */
  holder?: string;
  now: () => number;
  timers: Timers;
  /** How long a taken or renewed lease lasts (default 6000). */
  ttlMs?: number;
  /** How often every lease is taken or renewed (default 2000). */
  renewEveryMs?: number;
  /** The largest clock difference between collectors tolerated: a holder gives a job up this long before its expiry (default 2000). */
  maxClockSkewMs?: number;
  logger: Logger;
}

export interface SingletonJobs {
  readonly holder: string;
  /** Adds a job (before or after `start`); names are unique. */
  register(name: string, job: SingletonJob): void;
  /** Takes the free leases and starts their jobs (resolves after this first attempt), then renews every renewEveryMs. */
  start(): Promise<void>;
  /** Stops the renewals and every running job, then releases the leases this collector holds. */
  stop(): Promise<void>;
  status(): Record<string, SingletonJobStatus>;
  /** One attempt at every lease now (what the timer does every renewEveryMs); resolves when done. */
  tick(): Promise<void>;
}

export function defaultHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

interface Entry {
  name: string;
  job: SingletonJob;
  /** Our lease as of the last successful attempt (null: not ours); the job may run until `deadlineMs`. */
  lease: { fence: number; deadlineMs: number } | null;
  /** The fence of the tenure the job was started under; null while the job is not running. */
  runningFence: number | null;
  seen: { holder: string; untilMs: number } | null;
  failing: boolean;
  /** Start/stop of this job, one at a time. */
  chain: Promise<void>;
}

/**
 * Lease timing of the singleton jobs, also used for broker sessions (./session-adoption.ts). TTL 6 s: a dead holder's
 * jobs run again within TTL + renewal = 8 s, leaving 2 s of the 10 s for a loaded host.
 */
export const LEASE_DEFAULTS = { ttlMs: 6000, renewEveryMs: 2000, maxClockSkewMs: 2000 } as const;

export function validateLeaseTiming(ttlMs: number, renewEveryMs: number, maxClockSkewMs: number): void {
  if (!(ttlMs > 0)) throw new RangeError(`ttlMs: must be positive (got ${ttlMs})`);
  if (!(renewEveryMs > 0)) throw new RangeError(`renewEveryMs: must be positive (got ${renewEveryMs})`);
  if (!(maxClockSkewMs >= 0)) throw new RangeError(`maxClockSkewMs: must not be negative (got ${maxClockSkewMs})`);
  // A renewal must come before the holder's local deadline, or every job would stop between two renewals.
  if (renewEveryMs >= ttlMs - maxClockSkewMs) {
    throw new RangeError(`renewEveryMs: must be below ttlMs − maxClockSkewMs (${ttlMs} − ${maxClockSkewMs}), got ${renewEveryMs}`);
  }
}

export function createSingletonJobs(options: SingletonJobsOptions): SingletonJobs {
  const { store, now, timers } = options;
  const ttlMs = options.ttlMs ?? LEASE_DEFAULTS.ttlMs;
  const renewEveryMs = options.renewEveryMs ?? LEASE_DEFAULTS.renewEveryMs;
  const maxClockSkewMs = options.maxClockSkewMs ?? LEASE_DEFAULTS.maxClockSkewMs;
  validateLeaseTiming(ttlMs, renewEveryMs, maxClockSkewMs);
  const holder = options.holder ?? defaultHolderId();
  if (holder === '') throw new RangeError('holder: must not be empty');
  const log = options.logger.child({ component: 'singleton-jobs', holder });
  const entries = new Map<string, Entry>();
  let started = false;
  let stopping = false;
  let loop: Repeating | null = null;
  let alarm: unknown = null;
  let queue: Promise<void> = Promise.resolve();

  const ours = (entry: Entry): boolean => !stopping && entry.lease !== null && entry.lease.deadlineMs > now();

  const wanted = (entry: Entry): number | null => (ours(entry) ? (entry.lease?.fence ?? null) : null);

  async function stopJob(entry: Entry): Promise<void> {
    const why = stopping
      ? 'collector stopping'
      : entry.lease === null
        ? `lease held by ${entry.seen?.holder ?? 'another collector'}`
        : entry.lease.fence !== entry.runningFence
          ? 'lease lapsed and taken again'
          : 'lease not renewed before its deadline';
    if (stopping) log.info({ job: entry.name }, `job stopped: ${why}`);
    else log.warn({ job: entry.name }, `job stopped: ${why}`);
    entry.runningFence = null;
    try {
      await entry.job.stop();
    } catch (error) {
      log.error({ err: error, job: entry.name }, 'job failed to stop');
    }
  }

  async function startJob(entry: Entry, fence: number): Promise<void> {
    try {
      await entry.job.start();
      entry.runningFence = fence;
      log.info({ job: entry.name, fence }, 'job started: lease taken');
    } catch (error) {
      log.error({ err: error, job: entry.name }, 'job failed to start (tried again at the next renewal)');
      try {
        await entry.job.stop();
      } catch (stopError) {
        log.error({ err: stopError, job: entry.name }, 'job failed to stop');
      }
    }
  }

  /** Brings the job in line with its lease: stopped when not ours (or of an older tenure), started when ours. */
  function reconcile(entry: Entry): Promise<void> {
    entry.chain = entry.chain.then(async () => {
      const want = wanted(entry);
      if (entry.runningFence !== null && entry.runningFence !== want) await stopJob(entry);
      if (want !== null && entry.runningFence === null) {
        await startJob(entry, want);
        // The lease may have lapsed while the job was starting.
        if (entry.runningFence !== null && wanted(entry) !== entry.runningFence) await stopJob(entry);
      }
    });
    return entry.chain;
  }

  /** Stops each running job at its local deadline, even while a renewal hangs on an unreachable store. */
  function armAlarm(): void {
    if (alarm !== null) timers.clearTimeout(alarm);
    alarm = null;
    if (stopping) return;
    let due = Infinity;
    for (const entry of entries.values()) if (entry.runningFence !== null && entry.lease !== null) due = Math.min(due, entry.lease.deadlineMs);
    if (due === Infinity) return;
    alarm = timers.setTimeout(() => {
      alarm = null;
      void Promise.all([...entries.values()].map(reconcile)).then(armAlarm);
    }, clampDelay(due, now()));
  }

  async function attempt(entry: Entry): Promise<void> {
    const attemptAtMs = now();
    try {
      const result = await tryAcquire(store.db, entry.name, holder, ttlMs, attemptAtMs);
      if (entry.failing) log.info({ job: entry.name }, 'lease renewals work again');
      entry.failing = false;
      entry.seen = { holder: result.holder, untilMs: result.expiresAtMs };
      // The deadline counts from before the statement: a slow answer shortens the time we may run, never extends it.
      entry.lease = result.held ? { fence: result.fence, deadlineMs: attemptAtMs + ttlMs - maxClockSkewMs } : null;
    } catch (error) {
      if (!entry.failing) log.warn({ err: error, job: entry.name }, 'lease not taken or renewed (store unreachable?): the job stops at its lease deadline unless a renewal succeeds');
      entry.failing = true;
    }
    await reconcile(entry);
    // At once, not after the other jobs' attempts: one of those may hang while this job runs.
    armAlarm();
  }

  function tick(): Promise<void> {
    queue = queue.then(async () => {
      for (const entry of entries.values()) {
        if (stopping) return;
        await attempt(entry);
      }
    });
    return queue;
  }


  return {
    holder,
    register(name, job) {
      if (name === '') throw new RangeError('name: must not be empty');
      if (entries.has(name)) throw new Error(`name: singleton job ${name} is already registered`);
      entries.set(name, { name, job, lease: null, runningFence: null, seen: null, failing: false, chain: Promise.resolve() });
    },
    async start() {
      if (started) throw new Error('singleton jobs already started');
      started = true;
      await tick();
      if (!stopping) loop = repeat(timers, renewEveryMs, tick, (error) => log.error({ err: error }, 'lease round failed'));
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      loop?.stop();
      if (alarm !== null) timers.clearTimeout(alarm);
      loop = null;
      alarm = null;
      // Jobs first: an attempt in flight may hang on an unreachable store, the jobs must not wait for it.
      await Promise.all([...entries.values()].map(reconcile));
      // An attempt in flight could take a lease after its release below: let it finish first.
      await queue;
      await Promise.all(
        [...entries.values()].filter((entry) => entry.lease !== null && entry.job.handOver).map(async (entry) => {
          try {
            await entry.job.handOver?.();
          } catch (error) {
            log.error({ err: error, job: entry.name }, 'job failed to hand over');
          }
        }),
      );
      for (const entry of entries.values()) {
        if (entry.lease === null) continue;
        entry.lease = null;
        try {
          if (await release(store.db, entry.name, holder)) log.info({ job: entry.name }, 'lease released');
        } catch (error) {
          log.warn({ err: error, job: entry.name }, 'lease not released (it expires by itself)');
        }
      }
    },
    status() {
      const out: Record<string, SingletonJobStatus> = {};
      for (const entry of entries.values()) {
        out[entry.name] = { holder: entry.seen?.holder ?? null, held: ours(entry), until_ms: entry.seen?.untilMs ?? null };
      }
      return out;
    },
    tick,
  };
}
