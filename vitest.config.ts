import { defineConfig } from 'vitest/config';

/**
 * Collector-level tests that run a second time with the collector on PostgreSQL (each collector a fresh database in
 * one cluster per run): the same assertions must hold on both engines. Tests that read the SQLite file themselves
 * are not in this list.
 */
const ON_BOTH_ENGINES = [
  'test/integration/collector/collector.test.ts',
  'test/integration/collector/dedupe.test.ts',
  'test/integration/collector/incarnations.test.ts',
  'test/integration/collector/external-broker.test.ts',
  'test/integration/collector/broker-outage.test.ts',
  'test/integration/collector/reload-notifications.test.ts',
  'test/integration/collector/incidents/collector-e2e.test.ts',
  'test/integration/collector/incidents/flapping.test.ts',
  'test/integration/collector/incidents/reconcile.test.ts',
  'test/integration/collector/api/app.test.ts',
  'test/integration/collector/api/console-sessions.test.ts',
  'test/integration/collector/api/edges.test.ts',
  'test/integration/collector/agent-events/agent-to-incident.test.ts',
  'test/integration/collector/agent-events/traps.test.ts',
  'test/integration/collector/heartbeats/api.test.ts',
  'test/integration/collector/influx/accepted-only.test.ts',
  'test/integration/collector/sla-service/maintenance-cli.test.ts',
  'test/integration/collector/sla-service/collector-sla.test.ts',
  'test/integration/collector/sla-service/month-cache.test.ts',
  'test/integration/collector/sla-service/incident-clock-cache.test.ts',
  'test/integration/collector/sla-service/reload-contracts.test.ts',
  'test/integration/collector/sla-service/maintenance-end.test.ts',
  'test/integration/collector/sla-service/compliance-month.test.ts',
  'test/integration/collector/sla-service/holiday-data.test.ts',
  'test/integration/collector/notify/collector-delivery.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers on free ports; two cores → keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_BOTH_ENGINES,
          globalSetup: ['test/global-setup-postgres.ts'],
          env: { OUTPOST_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
