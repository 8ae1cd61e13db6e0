/**
 * Test fixture: fresh store locations on both engines — a SQLite file in a temp dir, or a new database in a
 * PostgreSQL cluster this test file starts itself (test/helpers/postgres.ts). Call `storeEngines()` at the top level
 * of a test file: it registers the cluster's start and stop hooks.
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreLocation } from '../../../../collector/store/sql/url.js';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export function storeEngines(): { location(engine: Engine): Promise<StoreLocation> } {
  let server: PostgresServer | undefined;
  let databases = 0;
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  }, 60_000);
  return {
    async location(engine) {
      if (engine === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'outpost-incidents-'));
        dirs.push(dir);
        return { kind: 'sqlite', file: join(dir, 'collector.db') };
      }
      if (!server) throw new Error('no PostgreSQL test cluster');
      return { kind: 'postgres', url: await server.createDatabase(`incidents_${++databases}`) };
    },
  };
}
