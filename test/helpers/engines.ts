/**
 * Store-level tests on both engines: one PostgreSQL cluster per test file (started before its tests, stopped after)
 * and a fresh store location per call — a SQLite file in a temp dir, or a new database in the cluster. Called inside
 * a `describe`, the cluster lives for that block only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StoreLocation } from '../../collector/store/sql/url.js';
import { startPostgres, type PostgresServer } from './postgres.js';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export interface StoreLocations {
  location(engine: Engine): Promise<StoreLocation>;
  /** A new database's URL: several pools opened on it stand for several collectors. */
  database(): Promise<string>;
}

export function storeLocations(prefix: string): StoreLocations {
  let server: PostgresServer | undefined;
  let databases = 0;
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  }, 60_000);
  const database = async (): Promise<string> => {
    if (!server) throw new Error('no PostgreSQL test cluster');
    return server.createDatabase(`${prefix}_${++databases}`);
  };
  return {
    database,
    async location(engine) {
      if (engine === 'postgres') return { kind: 'postgres', url: await database() };
      const dir = mkdtempSync(join(tmpdir(), `outpost-${prefix}-`));
      dirs.push(dir);
      return { kind: 'sqlite', file: join(dir, 'outpost.db') };
    },
  };
}
