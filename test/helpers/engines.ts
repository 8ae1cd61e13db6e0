/**
 * Store-level tests on both engines: one PostgreSQL cluster per test file (started before its tests, stopped after)
 * and a fresh store location per call — a SQLite file in a temp dir, or a new database in the cluster.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StoreLocation } from '../../collector/store/sql/url.js';
import { startPostgres, type PostgresServer } from './postgres.js';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export function storeLocations(prefix: string): { location(engine: Engine): Promise<StoreLocation> } {
  let server: PostgresServer | undefined;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return {
    async location(engine) {
      if (engine === 'sqlite') return { kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), `outpost-${prefix}-`)), 'outpost.db') };
      if (!server) throw new Error('no PostgreSQL test cluster');
      return { kind: 'postgres', url: await server.createDatabase(`${prefix}_${++databases}`) };
    },
  };
}
