/**
 * `/healthz` (ok + store + broker + warnings + singleton jobs + adopted broker sessions) and `/metrics` (Prometheus), outside /api and without
 * auth. `ok` (HTTP 200, else 503) needs the store to answer a `SELECT 1` within a short timeout and the broker to be
 * up; a stopped PostgreSQL makes it 503 at once or after the timeout, never a hanging request.
 */
import { Router } from 'express';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import type { SqlStore } from '../store/sql/connect.js';

/** A singleton job as /healthz shows it: who holds its lease, whether this collector does, until when. */
export interface JobHolding {
  /** Null before this collector's first attempt at the lease. */
  holder: string | null;
  held: boolean;
  until_ms: number | null;
}

export interface HealthProbe {
  /** The embedded broker listens / the external broker connection is up. */
  broker(): boolean;
  /** Start-up warnings worth showing (e.g. shared subscription without a shared store). */
  warnings(): string[];
  /** The singleton jobs (SLA timers, report schedules, …) by name; `jobs` is left out of /healthz without it. */
  jobs?: () => Record<string, JobHolding>;
  /** Other collectors' broker sessions this one runs (a shared group on an external broker); left out without it. */
  adoptedSessions?: () => AdoptedSession[];
}

/** A dead peer's broker session this collector adopted (collector/jobs/session-adoption.ts). */
export interface AdoptedSession {
  client_id: string;
  since_ms: number;
  until_ms: number;
  connected: boolean;
}

/**
 * How long /healthz waits for the store's `SELECT 1` before it answers `ok: false`: short for PostgreSQL (a server
 * that does not answer); longer for SQLite, in-process, where the wait is only our own write transaction holding
 * the one connection (a slow batch on a loaded machine is not an outage).
 */
export const STORE_PROBE_TIMEOUT_MS = { postgres: 2_000, sqlite: 10_000 } as const;

export interface StoreProbe {
  engine: SqlStore['dialect'];
  /** True when `SELECT 1` answered within the timeout. */
  check(): Promise<boolean>;
}

/**
 * A `SELECT 1` through the store raced against a timeout. One probe at a time: while one is still waiting (a
 * PostgreSQL that does not answer keeps its connection attempt open), later checks share it instead of taking more
 * of the pool's connections.
 */
export function createStoreProbe(store: Pick<SqlStore, 'db' | 'dialect'>, timeoutMs: number = STORE_PROBE_TIMEOUT_MS[store.dialect]): StoreProbe {
  let inFlight: Promise<boolean> | null = null;
  return {
    engine: store.dialect,
    check(): Promise<boolean> {
      if (!inFlight) {
        const query = sql<{ ok: number }>`SELECT 1 AS ok`
          .execute(store.db)
          .then((r) => Number(r.rows[0]?.ok) === 1)
          .catch(() => false);
        inFlight = query;
        void query.then(() => {
          if (inFlight === query) inFlight = null;
        });
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      return Promise.race([inFlight, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

export function createHealthRouter(deps: { health: HealthProbe; store: StoreProbe; registry: Registry }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const storeOk = await deps.store.check();
    const broker = deps.health.broker();
    const ok = storeOk && broker;
    const jobs = deps.health.jobs?.();
    const adopted = deps.health.adoptedSessions?.();
    res.status(ok ? 200 : 503).json({
      ok,
      // `db` predates `store` (kept for existing probes): the same answer.
      db: storeOk,
      store: { engine: deps.store.engine, ok: storeOk },
      broker,
      warnings: deps.health.warnings(),
      ...(jobs ? { jobs } : {}),
      ...(adopted ? { adopted_sessions: adopted } : {}),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
