/**
 * A survivor adopts a dead collector's broker session (docs/ha.md "Failover").
 *
 * Collectors of a pair share the stream through `$share/<group>/…`, each with a persistent session under its own
 * client id. A broker such as Mosquitto 2.0 keeps handing a dead member's session its share of new messages until
 * it comes back: nothing is lost, but that share waits. Session expiry is no way out (the queued messages would be
 * dropped, and the agents deleted them from their spools at the broker's PUBACK). So every collector holds a lease
 * `mqtt-session:<its client id>` while it runs (claimed unconditionally: the owner always wins), and a collector that
 * finds another client id's lease expired takes it (one adopter: `tryAcquire`) and connects a second source with that
 * client id: it drains the queue and takes the dead member's share, within ttl of the death: a round that sees a
 * peer's lease run out before the next round wakes again at that instant instead of up to one renewal later.
 *
 * A collector adopts only after its own claims have worked for one TTL (after its start or a store outage), so that
 * a live owner whose lease lapsed meanwhile has claimed it again first.
 *
 * The adopted source never reconnects: when the owner returns it claims its lease, connects, and the broker hands it
 * the session (closing our connection). We stop adopting when the source closes or a renewal finds the owner's claim.
 * Whatever was unacknowledged at a handover is redelivered and deduplicated (seq set): never lost, never twice.
 */
import type { Logger } from '../../common/logger.js';
import { clampDelay, repeat, type Repeating, type Timers } from '../../common/timers.js';
import type { SqlStore } from '../store/sql/connect.js';
import { claim, list, release, tryAcquire } from '../store/sql/leases.js';
import { validateLeaseTiming } from './singleton.js';

export const SESSION_LEASE_PREFIX = 'mqtt-session:';
/**
 * Shorter than the jobs' leases (./singleton.ts): half of every agent's results wait in a dead member's session
 * until it is adopted, and a wrong adoption costs only a handover (the owner's claim wins, nothing is lost), where a
 * job's lease lapsing stops the job. Adopted within 5 s of the death, the queue drained in 1–2 s after.
 */
export const SESSION_LEASE_DEFAULTS = { ttlMs: 5000, renewEveryMs: 1000, maxClockSkewMs: 2000 } as const;
/** How long a session we could not connect to is left alone. */
export const RETRY_REFUSED_MS = 30_000;

export function sessionLeaseName(clientId: string): string {
  return `${SESSION_LEASE_PREFIX}${clientId}`;
}

/** A source connected with an adopted client id (collector/ingest/external-source.ts with `reconnect: false`). */
export interface AdoptedSource {
  connected(): boolean;
  stop(): Promise<void>;
}

export interface SessionAdoptionOptions {
  store: Pick<SqlStore, 'db'>;
  /** This collector's holder id (the singleton jobs' one). */
  holder: string;
  /** Our own client id: its session is ours, never adopted. */
  clientId: string;
  now: () => number;
  timers: Timers;
  ttlMs?: number;
  renewEveryMs?: number;
  maxClockSkewMs?: number;
  logger: Logger;
  /**
   * Connects a source with `clientId` that does not reconnect; `onClosed` when its connection ends (`wasConnected`
   * false: it never came up).
   */
  connect(clientId: string, onClosed: (why: string, wasConnected: boolean) => void): Promise<AdoptedSource>;
  /** Called once when our own session's lease shows another owner with our client id (a misconfiguration). */
  onDuplicateClientId?(message: string): void;
}

/** An adopted session as /healthz shows it. */
export interface AdoptedSessionStatus {
  client_id: string;
  /** When we took its lease (epoch ms, our clock). */
  since_ms: number;
  /** Its lease's expiry as last renewed. */
  until_ms: number;
  connected: boolean;
}

export interface SessionAdoption {
  /** Claims our own session's lease (call before our own source connects) and adopts, then every renewEveryMs. */
  start(): Promise<void>;
  /** One round now (what the timer does every renewEveryMs); resolves when done. */
  tick(): Promise<void>;
  /**
   * Stops adopting: every adopted source stopped and its lease released (first thing at shutdown). Our own lease is
   * still claimed each round, so no peer takes our session while we drain.
   */
  stopAdopting(): Promise<void>;
  /** Stops the rounds and releases our own session's lease (after our own source disconnected): a peer adopts it at its next round. */
  releaseOwn(): Promise<void>;
  status(): AdoptedSessionStatus[];
}

interface Adopted {
  clientId: string;
  source: AdoptedSource | null;
  sinceMs: number;
  untilMs: number;
  /** Stop using the session after this instant unless a renewal succeeds (our clock). */
  deadlineMs: number;
}

export function createSessionAdoption(options: SessionAdoptionOptions): SessionAdoption {
  const { store, holder, clientId, now, timers } = options;
  const ttlMs = options.ttlMs ?? SESSION_LEASE_DEFAULTS.ttlMs;
  const renewEveryMs = options.renewEveryMs ?? SESSION_LEASE_DEFAULTS.renewEveryMs;
  const maxClockSkewMs = options.maxClockSkewMs ?? SESSION_LEASE_DEFAULTS.maxClockSkewMs;
  validateLeaseTiming(ttlMs, renewEveryMs, maxClockSkewMs);
  const log = options.logger.child({ component: 'session-adoption', holder });
  const ownName = sessionLeaseName(clientId);
  const adopted = new Map<string, Adopted>();
  let queue: Promise<void> = Promise.resolve();
  let loop: Repeating | null = null;
  /** No more adopting (shutdown began): adopted sessions are dropped, our own claims go on until `released`. */
  let adoptionOver = false;
  /** Our own lease released: no more rounds. */
  let released = false;
  let ownFailing = false;
  let lastClaim: { fence: number; atMs: number } | null = null;
  /** Since when our own claims succeed without a gap (null: not yet, or the last one failed). */
  let storeUpSinceMs: number | null = null;
  let duplicateWarned = false;
  /** Client ids whose session could not be connected to (e.g. a refused login): not tried again before then. */
  const notBefore = new Map<string, number>();
  /** A look at the leases armed for the instant a peer's lease runs out (before the next round). */
  let alarm: { handle: unknown; atMs: number } | null = null;

  /** Runs `work` after every round and drop queued before it: one change of the adopted set at a time. Never rejects. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    queue = queue.then(work).catch((error: unknown) => log.error({ err: error }, 'session adoption round failed'));
    return queue;
  };

  async function claimOwn(): Promise<void> {
    const atMs = now();
    try {
      const result = await claim(store.db, ownName, holder, ttlMs, atMs);
      if (ownFailing) log.info({ client_id: clientId }, 'own session lease claimed again');
      ownFailing = false;
      storeUpSinceMs ??= atMs;
      // Our claims keep the lease alive, so nobody may take it between two of them: a new tenure then means another
      // collector claims it as its own too.
      if (lastClaim && result.fence !== lastClaim.fence && atMs - lastClaim.atMs < ttlMs - maxClockSkewMs && !duplicateWarned) {
        duplicateWarned = true;
        const message = `mqtt.client_id ${clientId}: another collector claims this broker session as its own too; each collector needs its own client id`;
        log.error({ client_id: clientId }, message);
        options.onDuplicateClientId?.(message);
      }
      lastClaim = { fence: result.fence, atMs };
    } catch (error) {
      if (!ownFailing) log.warn({ err: error, client_id: clientId }, 'own session lease not claimed (store unreachable?): tried again at the next round');
      ownFailing = true;
      storeUpSinceMs = null;
    }
  }

  /** Forgets an adopted session: stops its source, releases its lease unless another holds it now. */
  async function drop(entry: Adopted, why: string, releaseLease: boolean): Promise<void> {
    if (adopted.get(entry.clientId) !== entry) return;
    adopted.delete(entry.clientId);
    log.info({ client_id: entry.clientId, why }, 'adopted session given up');
    try {
      await entry.source?.stop();
    } catch (error) {
      log.warn({ err: error, client_id: entry.clientId }, 'adopted session source did not stop cleanly');
    }
    if (!releaseLease) return;
    try {
      await release(store.db, sessionLeaseName(entry.clientId), holder);
    } catch (error) {
      log.warn({ err: error, client_id: entry.clientId }, 'adopted session lease not released (it expires by itself)');
    }
  }

  async function renew(entry: Adopted): Promise<void> {
    const atMs = now();
    try {
      const result = await tryAcquire(store.db, sessionLeaseName(entry.clientId), holder, ttlMs, atMs);
      if (result.held) {
        entry.untilMs = result.expiresAtMs;
        entry.deadlineMs = atMs + ttlMs - maxClockSkewMs;
      } else {
        await drop(entry, `its lease is held by ${result.holder} (the owner is back)`, false);
      }
    } catch (error) {
      if (now() >= entry.deadlineMs) await drop(entry, 'lease not renewed before its deadline (store unreachable?)', false);
      else log.warn({ err: error, client_id: entry.clientId }, 'adopted session lease not renewed (store unreachable?)');
    }
  }

  /** Takes one expired session lease of another client id, if any, and connects to that session. */
  async function adoptOne(): Promise<void> {
    // A lease that lapsed while we could not see the store (or before we started) may belong to a live owner that
    // could not renew either: give every owner one TTL of working store to claim its own before adopting anything.
    if (storeUpSinceMs === null || now() - storeUpSinceMs < ttlMs) return;
    let leases;
    try {
      leases = await list(store.db);
    } catch (error) {
      log.warn({ err: error }, 'session leases not read (store unreachable?)');
      return;
    }
    const atMs = now();
    for (const lease of leases) {
      if (!lease.name.startsWith(SESSION_LEASE_PREFIX) || lease.name === ownName) continue;
      const other = lease.name.slice(SESSION_LEASE_PREFIX.length);
      if (other === '' || adopted.has(other) || (notBefore.get(other) ?? 0) > atMs) continue;
      if (lease.expiresAtMs > atMs) {
        // A live peer renews every renewEveryMs, its lease then ends ≥ ttl − renewEveryMs ahead: this one missed renewals.
        if (lease.expiresAtMs < atMs + renewEveryMs) wakeAt(lease.expiresAtMs + 1);
        continue;
      }
      let result;
      try {
        result = await tryAcquire(store.db, lease.name, holder, ttlMs, atMs);
      } catch (error) {
        log.warn({ err: error, client_id: other }, 'session lease not taken (store unreachable?)');
        return;
      }
      if (!result.held) continue;
      const entry: Adopted = { clientId: other, source: null, sinceMs: atMs, untilMs: result.expiresAtMs, deadlineMs: atMs + ttlMs - maxClockSkewMs };
      adopted.set(other, entry);
      log.info({ client_id: other, last_holder: lease.holder, expired_at_ms: lease.expiresAtMs }, 'adopting the broker session of a collector that is gone');
      try {
        entry.source = await options.connect(other, (why, wasConnected) => {
          if (!wasConnected) refused(other, why);
          void serial(() => drop(entry, `connection ended: ${why}`, true));
        });
      } catch (error) {
        refused(other, error instanceof Error ? error.message : String(error));
        await drop(entry, 'connect failed', true);
      }
      // One per round: with several survivors, the next dead session goes to whoever comes next.
      return;
    }
  }

  /** One more look at the leases at `atMs` (the earliest wins); rounds go on as usual. */
  function wakeAt(atMs: number): void {
    if (alarm && alarm.atMs <= atMs) return;
    if (alarm) timers.clearTimeout(alarm.handle);
    // The callback's promise (never rejects) is for a caller that awaits it: tests with driven timers.
    const handle = timers.setTimeout(() => {
      if (alarm?.handle === handle) alarm = null;
      return serial(async () => {
        if (!adoptionOver) await adoptOne();
      });
    }, clampDelay(atMs, now()));
    alarm = { handle, atMs };
  }

  /** A session we could not connect to (wrong login for it?) is left alone for a while instead of retried every round. */
  function refused(other: string, why: string): void {
    notBefore.set(other, now() + RETRY_REFUSED_MS);
    log.warn({ client_id: other, why }, `adopted session could not connect (its login? docs/ha.md "Failover"): tried again in ${RETRY_REFUSED_MS / 1000} s`);
  }

  function round(): Promise<void> {
    return serial(async () => {
      if (released) return;
      await claimOwn();
      for (const entry of [...adopted.values()]) {
        if (adoptionOver) return;
        await renew(entry);
      }
      if (!adoptionOver) await adoptOne();
    });
  }

  return {
    async start() {
      await round();
      if (!released) loop = repeat(timers, renewEveryMs, round, (error) => log.error({ err: error }, 'session lease round failed'));
    },
    tick: round,
    async stopAdopting() {
      if (adoptionOver) return;
      adoptionOver = true;
      await serial(async () => {
        for (const entry of [...adopted.values()]) await drop(entry, 'collector stopping', true);
      });
    },
    async releaseOwn() {
      adoptionOver = true;
      released = true;
      loop?.stop();
      loop = null;
      if (alarm) timers.clearTimeout(alarm.handle);
      alarm = null;
      await queue;
      // Normally none left (stopAdopting ran first); never leave an adopted source running past our own stop.
      for (const entry of [...adopted.values()]) await drop(entry, 'collector stopping', true);
      try {
        if (await release(store.db, ownName, holder)) log.info({ client_id: clientId }, 'own session lease released: a peer may adopt the session');
      } catch (error) {
        log.warn({ err: error, client_id: clientId }, 'own session lease not released (it expires by itself)');
      }
    },
    status() {
      return [...adopted.values()].map((e) => ({ client_id: e.clientId, since_ms: e.sinceMs, until_ms: e.untilMs, connected: e.source?.connected() ?? false }));
    },
  };
}
