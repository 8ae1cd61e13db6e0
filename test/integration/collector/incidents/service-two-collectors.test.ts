/**
 * Two collectors on one PostgreSQL database (two services, each on its own pool) handling the same state changes at
 * the same time — what `$share` redelivery or a reconciliation on both at start-up produces. Exactly one incident
 * opens per key, once: one `opened` entry on its timeline and one `opened` notice between both; a recovery resolves
 * it once; batches holding the same keys in opposite orders both commit (the key locks are taken in one order).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService, type IncidentService } from '../../../../collector/incidents/service.js';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice, StateChange } from '../../../../collector/events.js';
import { storeLocations } from '../../../helpers/engines.js';

const T0 = Date.parse('2026-12-04T02:00:00Z');
const locations = storeLocations('two_collectors');

interface Collector {
  store: SqlStore;
  service: IncidentService;
  notices: IncidentNotice[];
}

let a: Collector;
let b: Collector;

async function collector(url: string): Promise<Collector> {
  const store = await openSqlStore({ kind: 'postgres', url }, { poolSize: 4 });
  const notices: IncidentNotice[] = [];
  const service = createIncidentService({ store, config: incidentsConfigSchema.parse({}), now: () => T0, logger: createLogger({ level: 'silent' }), notify: (n) => notices.push(n) });
  return { store, service, notices };
}

beforeEach(async () => {
  const url = await locations.database();
  a = await collector(url);
  b = await collector(url);
  return async () => {
    await a.store.close();
    await b.store.close();
  };
}, 60_000);

function change(checkId: string, to: StateChange['to'] = 'crit'): StateChange {
  return { agentId: 'web-1', target: 'web-1', checkId, checkType: 'disk', from: to === 'ok' ? 'crit' : 'ok', to, atMs: T0, reason: `${checkId} ${to}`, cause: 'result' };
}

const noticesOf = (kind: IncidentNotice['kind']) => [...a.notices, ...b.notices].filter((n) => n.kind === kind).map((n) => n.incident.number).sort();

describe('two collectors on one PostgreSQL database', () => {
  it('handling the same state change at once, they open exactly one incident', async () => {
    for (let round = 0; round < 10; round++) {
      const same = change(`disk-${round}`);
      await Promise.all([a.service.handleStateChange(same), b.service.handleStateChange(same), a.service.handleStateChange(same), b.service.handleStateChange(same)]);
    }
    const { items } = await a.service.list({ limit: 100, offset: 0 });
    expect(items).toHaveLength(10);
    expect(new Set(items.map((i) => i.dedupKey)).size).toBe(10);
    expect(noticesOf('opened')).toEqual(items.map((i) => i.number).sort());
    for (const incident of items) {
      const detail = await b.service.get(incident.number);
      expect(detail?.timeline.map((e) => e.kind)).toEqual(['opened']);
    }
  });

  it('a recovery seen by both resolves once', async () => {
    await a.service.handleStateChange(change('disk'));
    await Promise.all([a.service.handleStateChange(change('disk', 'ok')), b.service.handleStateChange(change('disk', 'ok'))]);
    const [incident] = (await a.service.list({ limit: 10, offset: 0 })).items;
    expect(incident).toMatchObject({ status: 'resolved' });
    expect((await a.service.get(incident!.number))?.timeline.map((e) => e.kind)).toEqual(['opened', 'resolved']);
    expect(noticesOf('resolved')).toEqual([incident!.number]);
  });

  it('batches with the same keys in opposite orders both commit, one incident per key', async () => {
    const checks = Array.from({ length: 20 }, (_, i) => change(`c${i}`));
    await Promise.all([a.service.handleStateChanges(checks), b.service.handleStateChanges([...checks].reverse())]);
    const { items, total } = await a.service.list({ limit: 100, offset: 0 });
    expect(total).toBe(20);
    expect(new Set(items.map((i) => i.number)).size).toBe(20);
    expect(noticesOf('opened')).toHaveLength(20);
  });

  it('two people acting on one incident at once: one acknowledges, the other is refused (409)', async () => {
    const ticket = await a.service.createManual({ title: 'OA login fails', severity: 'P2' }, 'desk');
    const outcomes = await Promise.allSettled([a.service.acknowledge(ticket.number, 'wang'), b.service.acknowledge(ticket.number, 'li')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: 'illegal_transition' })]);
    expect((await a.service.get(ticket.number))?.timeline.map((e) => e.kind)).toEqual(['opened', 'acknowledged']);
  });
});
