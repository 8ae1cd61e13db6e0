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
});
