/**
 * The `postgres` project's one PostgreSQL cluster (test/helpers/postgres.ts), started once for the run: every
 * collector a test starts gets a fresh database in it (test/integration/collector/support.ts).
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://postgres@127.0.0.1:PORT/postgres` of the run's cluster (the `postgres` project only). */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
