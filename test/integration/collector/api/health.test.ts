/**
 * /healthz over real HTTP on 127.0.0.1 (collector/api/health.ts): `store: { engine, ok }` from a `SELECT 1` through
 * the store on both engines, `jobs` from the given provider (absent without one); a PostgreSQL stopped under a
 * running API makes it answer 503 with `ok: false` instead of hanging, and a store that does not answer in time
 * is `ok: false` after the probe's timeout. A route reading a stopped PostgreSQL answers 503 in the API's error shape.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createLogger } from '../../../../common/logger.js';
import { errorHandler } from '../../../../collector/api/errors.js';
import { createHealthRouter, createStoreProbe, type HealthProbe } from '../../../../collector/api/health.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

/** /healthz, and /read: a route that reads the store (what every API route does), with the API's error handler. */
async function serve(store: Pick<SqlStore, 'db' | 'dialect'>, health: HealthProbe, timeoutMs?: number): Promise<string> {
  const app = express();
  app.use(createHealthRouter({ health, registry: new Registry(), store: createStoreProbe(store, timeoutMs) }));
  app.get('/read', async (_req, res) => {
    res.json((await sql`SELECT 1 AS one`.execute(store.db)).rows);
  });
  app.use(errorHandler(createLogger({ level: 'silent' })));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`;
}

const up: HealthProbe = { broker: () => true, warnings: () => [] };

describe('/healthz', () => {
  it('SQLite: store ok, engine named, no jobs field without a provider', async () => {
    const store = await openSqlStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'outpost-health-')), 'outpost.db') });
    try {
      const res = await fetch(await serve(store, up));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, db: true, store: { engine: 'sqlite', ok: true }, broker: true, warnings: [] });
    } finally {
      await store.close();
    }
  });

  it('jobs come from the provider; a broker down is a 503', async () => {
    const store = await openSqlStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'outpost-health-')), 'outpost.db') });
    try {
      const jobs = { 'sla-timers': { holder: 'collector-a', held: true, until_ms: 1_800_000_000_000 }, reports: { holder: 'collector-b', held: false, until_ms: null } };
      const res = await fetch(await serve(store, { broker: () => false, warnings: () => ['w'], jobs: () => jobs }));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, db: true, store: { engine: 'sqlite', ok: true }, broker: false, warnings: ['w'], jobs });
    } finally {
      await store.close();
    }
  });

  it('a store that does not answer within the timeout is ok: false (503), not a hanging request', async () => {
    // A SQLite store whose one connection is held by a transaction: the probe's SELECT waits behind it.
    const store = await openSqlStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'outpost-health-')), 'outpost.db') });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = store.transaction(() => held);
    try {
      const res = await fetch(await serve(store, up, 300));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ok: false, store: { engine: 'sqlite', ok: false } });
    } finally {
      release();
      await transaction;
      await store.close();
    }
  });

  describe('on PostgreSQL', () => {
    let pg: PostgresServer | undefined;
    let store: SqlStore | undefined;
    afterAll(async () => {
      await store?.close().catch(() => undefined);
      await pg?.stop();
    }, 60_000);

    it('ok while PostgreSQL runs; 503 with store.ok false once it is stopped', async () => {
      pg = await startPostgres();
      store = await openSqlStore({ kind: 'postgres', url: await pg.createDatabase('health') });
      const url = await serve(store, up, 2_000);
      const before = await fetch(url);
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ ok: true, store: { engine: 'postgres', ok: true } });
      await pg.stop();
      const after = await fetch(url);
      expect(after.status).toBe(503);
      expect(await after.json()).toEqual({ ok: false, db: false, store: { engine: 'postgres', ok: false }, broker: true, warnings: [] });
      // A route reading the store answers 503 in the error shape, naming the store, without internals.
      const read = await fetch(url.replace('/healthz', '/read'));
      expect(read.status).toBe(503);
      expect(await read.json()).toEqual({ error: 'the store is unavailable; try again', details: [{ field: 'store', message: 'the database did not answer (details in the collector log)' }] });
    }, 180_000);
  });
});
