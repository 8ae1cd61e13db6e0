/** `/healthz` (ok + db + broker + warnings) and `/metrics` (Prometheus), outside /api and without auth. */
import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface HealthProbe {
  /** A trivial query succeeded. */
  db(): boolean;
  /** The embedded broker listens / the external broker connection is up. */
  broker(): boolean;
  /** Start-up warnings worth showing (e.g. shared subscription without a shared store). */
  warnings(): string[];
}

export function createHealthRouter(deps: { health: HealthProbe; registry: Registry }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    let db = false;
    try {
      db = deps.health.db();
    } catch {
      db = false;
    }
    const broker = deps.health.broker();
    const ok = db && broker;
    res.status(ok ? 200 : 503).json({ ok, db, broker, warnings: deps.health.warnings() });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return router;
}
