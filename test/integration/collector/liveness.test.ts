/**
 * Liveness restored from the store at start-up, both engines: checks of an offline agent and checks already UNKNOWN
 * by liveness stay quiet; the others' silence clocks start when the collector did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../common/protocol.js';
import { createLivenessMonitor, restoreLiveness } from '../../../collector/liveness.js';
import { createAgentsRepo } from '../../../collector/store/sql/agents-repo.js';
import { createChecksRepo, type CheckRow } from '../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../collector/store/sql/intervals-repo.js';
import { ENGINES, storeLocations } from '../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);

const locations = storeLocations('liveness');

describe.each(ENGINES)('restoreLiveness on %s', (driver) => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openSqlStore(await locations.location(driver));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('offline agents and checks UNKNOWN by liveness stay quiet; the rest are found silent from the start time', async () => {
    const agents = createAgentsRepo();
    const checks = createChecksRepo();
    const intervals = createIntervalsRepo();
    const q = store.db;
    const row = (agentId: string, checkId: string): CheckRow => ({ agentId, checkId, checkType: 'tcp', target: 't', intervalS: 60, lastObservedMs: T0, lastReceivedMs: T0, lastState: 'ok', lastMessage: 'ok', lastMetrics: {} });
    for (const r of [row('up', 'c1'), row('up', 'c2'), row('up', 'c3'), row('gone', 'c1')]) await checks.record(q, r);
    await agents.setStatus(q, { v: PROTOCOL_VERSION, agent_id: 'up', state: 'online', sent_at_ms: T0, agent_version: '1', hostname: 'up', checks: [] }, T0);
    await agents.setStatus(q, { v: PROTOCOL_VERSION, agent_id: 'gone', state: 'offline', reason: 'lost', sent_at_ms: T0, agent_version: '1', hostname: 'gone', checks: [] }, T0);
    const interval = (checkId: string, state: 'crit' | 'unknown', cause: 'result' | 'silence') => ({ agentId: 'up', checkId, checkType: 'tcp', target: 't', state, startMs: T0, endMs: null, reason: state, cause });
    await intervals.transition(q, interval('c2', 'unknown', 'silence'));
    await intervals.transition(q, interval('c3', 'crit', 'result'));
    const liveness = createLivenessMonitor({ silenceFactor: 3 });
    const startedAtMs = T0 + 3_600_000;
    await restoreLiveness(q, liveness, checks, agents, intervals, startedAtMs);
    expect(liveness.dueForSilence(startedAtMs + 180_000)).toEqual([]);
    const due = liveness.dueForSilence(startedAtMs + 180_001);
    expect(due.map((v) => `${v.meta.agentId}/${v.meta.checkId}`).sort()).toEqual(['up/c1', 'up/c3']);
    expect(due[0]).toMatchObject({ atMs: startedAtMs + 180_000 });
  });
});
