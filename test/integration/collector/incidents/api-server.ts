/** Test fixture: the incidents router on a real express app at 127.0.0.1:<free port>, backed by a temp SQLite file (async store). */
import express from 'express';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlStore } from '../../../../collector/store/sql/connect.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService, type IncidentService } from '../../../../collector/incidents/service.js';
import { createIncidentsRouter } from '../../../../collector/api/incidents.js';
import { createAuthenticate, requireRole } from '../../../../collector/api/auth.js';
import { errorHandler, notFound } from '../../../../collector/api/errors.js';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice } from '../../../../collector/events.js';
import { freePort } from '../../../helpers/ports.js';

export const TEST_TOKENS = [
  { name: 'vera', token: 'viewer-token', role: 'viewer' as const },
  { name: 'oscar', token: 'operator-token', role: 'operator' as const },
  { name: 'ada', token: 'admin-token', role: 'admin' as const },
];

export interface IncidentsApiServer {
  url: string;
  service: IncidentService;
  notices: IncidentNotice[];
  clock: { now: number };
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startIncidentsApiServer(startMs: number): Promise<IncidentsApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-incidents-api-'));
  const store = await openSqlStore({ kind: 'sqlite', file: join(dir, 'collector.db') });
  const logger = createLogger({ level: 'silent' });
  const clock = { now: startMs };
  const notices: IncidentNotice[] = [];
  const service = createIncidentService({ store, config: incidentsConfigSchema.parse({}), now: () => clock.now, logger, notify: (n) => notices.push(n) });
  const app = express();
  app.set('query parser', 'simple');
  app.use(express.json());
  const api = express.Router();
  api.use(createAuthenticate(TEST_TOKENS));
  api.use('/incidents', createIncidentsRouter({ incidents: service, requireRole, logger }));
  app.use('/api/v1', api);
  app.use(notFound);
  app.use(errorHandler(logger));
  const port = await freePort();
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    notices,
    clock,
    async reset() {
      await store.transaction(async (trx) => {
        for (const table of ['incident_evaluations', 'incident_events', 'incidents', 'incident_number_sequences']) await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
      });
      clock.now = startMs;
      notices.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
