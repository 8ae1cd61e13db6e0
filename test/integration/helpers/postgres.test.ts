import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../../helpers/postgres.js';

describe('PostgreSQL test cluster (test/helpers/postgres.ts)', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('answers on 127.0.0.1 at its own port and creates databases', async () => {
    const url = await server.createDatabase('harness_check');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; addr: string | null }>('SELECT current_database() AS db, host(inet_server_addr()) AS addr');
      expect(rows[0]).toEqual({ db: 'harness_check', addr: '127.0.0.1' });
    } finally {
      await client.end();
    }
  });

  it('halts (connections refused, data kept) and resumes on the same port', async () => {
    const url = await server.createDatabase('harness_outage');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE kept (n INTEGER); INSERT INTO kept VALUES (7)');
    await client.end();
    await server.halt();
    const refused = new pg.Client({ connectionString: url });
    await expect(refused.connect()).rejects.toThrow(/ECONNREFUSED/);
    await server.resume();
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    try {
      expect((await again.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
    } finally {
      await again.end();
    }
  }, 120_000);
});
