/**
 * The InfluxDB service on the async store, on both drivers, with a transport that keeps the lines it is handed:
 * a tick reads the checks' targets, open intervals, agents and open incidents through the repositories and the SLA
 * front door; results and state changes are turned into points without touching the store (a target first seen
 * in a result is known to the next tick from memory, even while the store is closed).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../common/logger.js';
import { PROTOCOL_VERSION, type ResultMessage } from '../../../../common/protocol.js';
import { influxConfigSchema } from '../../../../collector/influx/config.js';
import { createInfluxService } from '../../../../collector/influx/service.js';
import type { InfluxTransport } from '../../../../collector/influx/transport.js';
import { createSlaFrontDoor } from '../../../../collector/sla-service/front-door.js';
import { createAgentsRepo } from '../../../../collector/store/sql/agents-repo.js';
import { createChecksRepo } from '../../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../collector/store/sql/intervals-repo.js';
import { storeLocations } from '../../../helpers/engines.js';
import { configFor } from '../support.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);
const logger = createLogger({ level: 'silent' });
const tmp = () => mkdtempSync(join(tmpdir(), 'outpost-influx-svc-'));

const stores = storeLocations('influx');
const openStore = async (driver: 'sqlite' | 'postgres'): Promise<SqlStore> => openSqlStore(await stores.location(driver));

const result = (target: string, checkId: string, observedMs: number): ResultMessage => ({
  v: PROTOCOL_VERSION,
  agent_id: 'web-1',
  seq: 1,
  check_id: checkId,
  check_type: 'tcp',
  target,
  interval_s: 60,
  observed_at_ms: observedMs,
  sent_at_ms: observedMs,
  duration_ms: 3,
  state: 'ok',
  message: 'connected',
  metrics: { duration_ms: 3 },
});

describe.each(['sqlite', 'postgres'] as const)('InfluxDB service on %s', (driver) => {
  let store: SqlStore;
  let open = true;
  beforeEach(async () => {
    store = await openStore(driver);
    open = true;
    return async () => {
      if (open) await store.close();
    };
  }, 60_000);

  it('a tick writes availability per target, the state snapshot, agents and open incidents; results need no store', async () => {
    const agents = createAgentsRepo();
    const checks = createChecksRepo();
    const intervals = createIntervalsRepo();
    await agents.setStatus(store.db, { v: PROTOCOL_VERSION, agent_id: 'web-1', state: 'online', sent_at_ms: T0, agent_version: '1.2.0', hostname: 'web-1', checks: [] }, T0 - 30 * MIN);
    await checks.record(store.db, { agentId: 'web-1', checkId: 'port', checkType: 'tcp', target: 'shop', intervalS: 60, lastObservedMs: T0 - 20 * MIN, lastReceivedMs: T0 - 20 * MIN, lastState: 'ok', lastMessage: 'connected', lastMetrics: {} });
    await intervals.transition(store.db, { agentId: 'web-1', checkId: 'port', checkType: 'tcp', target: 'shop', state: 'ok', startMs: T0 - 20 * MIN, endMs: null, reason: 'connected', cause: 'result' });

    const config = configFor(tmp());
    const clock = { now: T0 };
    const sla = await createSlaFrontDoor({ store, sla: config.sla, incidents: config.incidents, services: config.services, now: () => clock.now, logger });
    const lines: string[] = [];
    const transport: InfluxTransport = { write: async (batch) => void lines.push(...batch), close: async () => undefined };
    const influx = createInfluxService({
      config: influxConfigSchema.parse({ enabled: true, mode: 'v1', database: 'outpost', flush_interval: '10ms', availability: { backfill: '10m', close_delay: '5s' } }),
      sla,
      store,
      agents,
      checks,
      intervals,
      logger,
      now: () => clock.now,
      transport,
    });

    await influx.tick();
    await influx.flush();
    const measured = (m: string) => lines.filter((l) => l.startsWith(`${m},`) || l.startsWith(`${m} `));
    expect(measured('outpost_availability').length).toBe(9); // the backfilled minutes that closed (the last one closes 5 s after T0)
    expect(measured('outpost_availability').every((l) => l.includes('target=shop'))).toBe(true);
    expect(measured('outpost_state')).toHaveLength(1);
    expect(measured('outpost_agents')[0]).toContain('online=1i');
    expect(measured('outpost_incidents_open').length).toBeGreaterThan(0);

    // A new target seen in a result: its points and its availability come from memory, not from the store.
    lines.length = 0;
    influx.onResult(result('api', 'https', T0 + 30_000), T0 + 30_000);
    clock.now = T0 + 2 * MIN;
    await influx.tick();
    await influx.flush();
    expect(measured('tcp').length).toBeGreaterThan(0);
    expect(measured('outpost_availability').some((l) => l.includes('target=api'))).toBe(true);

    await influx.stop();
    await store.close();
    open = false;
    // With the store gone, the per-result hook still queues its points (and never throws).
    expect(() => influx.onResult(result('api', 'https', T0 + 3 * MIN), T0 + 3 * MIN)).not.toThrow();
  });
});
