/**
 * SLA pages at least once (collector/sla-service/page-outbox.ts), on both engines: a mark's page is owed from the
 * transaction that records the mark until the dispatcher reached a final outcome on every channel. A holder that dies
 * between the two (its notices never settle) leaves the page owed: the next scheduler started on the store re-sends
 * exactly that notice once and sets it paged; a further start sends nothing. A graceful stop whose dispatcher drops a
 * stuck page at shutdown leaves it owed too. Silent marks, marks from before the upgrade (migration 020) and owed marks
 * older than the bound are never paged again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { BACKGROUND_TIMERS, type Timers } from '../../../../common/timers.js';
import type { IncidentNotice, NoticeSettled } from '../../../../collector/events.js';
import { insertIncident, UNSET_INCIDENT_FIELDS, type IncidentRecord } from '../../../../collector/incidents/repository.js';
import { notifyConfigSchema } from '../../../../collector/notify/config.js';
import { createDispatcher, type Dispatcher } from '../../../../collector/notify/dispatcher.js';
import { slaConfigSchema } from '../../../../collector/sla/index.js';
import { createSlaFrontDoor, type SlaFrontDoor } from '../../../../collector/sla-service/front-door.js';
import { createSlaScheduler } from '../../../../collector/sla-service/scheduler.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { sqlMigrations } from '../../../../collector/store/sql/migrations/index.js';
import { ENGINES, storeLocations } from '../../../helpers/engines.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2026-10-05 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');
const logger = createLogger({ level: 'silent' });

const SLA = slaConfigSchema.parse({
  escalations: { quick: { timer: 'resolution', levels: [{ after: '1h', name: 'team-lead', channels: ['lead-hook'] }, { after: '2h', name: 'director' }] } },
  policies: { gold: { extends: 'contract-003', resolution_starts: 'opened', severities: { P2: { response: '30m', resolution: '4h', escalation: 'quick' } } } },
  contracts: [{ name: 'acme', policy: 'gold', calendar: '24x7', members: { all: true } }],
});

/** Timers that never fire by themselves (passes are run by start and evaluate). */
const idle: Timers = { setTimeout: () => ({}), clearTimeout: () => undefined };

const stores = storeLocations('outbox');

let numbers = 0;
function openIncident(store: SqlStore): Promise<IncidentRecord> {
  const n = ++numbers;
  return insertIncident(store.db, {
    ...UNSET_INCIDENT_FIELDS,
    number: `INC-20261005-${String(n).padStart(4, '0')}`,
    title: `web-${n} http down`,
    severity: 'P2',
    status: 'open',
    source: 'auto',
    dedupKey: `web-${n}:http`,
    target: `web-${n}`,
    checkId: 'http',
    checkType: 'http',
    startedAtMs: T0,
    openedAtMs: T0,
    updatedAtMs: T0,
  });
}

const frontDoor = (store: SqlStore, now: () => number): Promise<SlaFrontDoor> =>
  createSlaFrontDoor({ store, sla: SLA, incidents: { targets: {}, reachability: { check_types: ['ping'], check_ids: [] } }, services: [], now, logger });

function scheduler(store: SqlStore, front: SlaFrontDoor, now: () => number, notify: (n: IncidentNotice, settled?: NoticeSettled) => unknown, extra: { timerFunctions?: Timers; owedMaxAgeMs?: number } = {}) {
  return createSlaScheduler({ store, facts: front.facts, timers: front.timers, now, notify, logger, timerFunctions: extra.timerFunctions ?? idle, pollMs: null, ...(extra.owedMaxAgeMs !== undefined ? { owedMaxAgeMs: extra.owedMaxAgeMs } : {}) });
}

/** `incident kind:key paged?` for every fired mark of these incidents. */
async function marks(store: SqlStore, ids: number[]): Promise<string[]> {
  const rows = await store.db.selectFrom('incident_sla_fired').select(['incident_id', 'kind', 'key', 'paged_at_ms']).where('incident_id', 'in', ids).execute();
  return rows.map((r) => `${r.incident_id} ${r.kind}:${r.key} ${r.paged_at_ms === null ? 'owed' : 'paged'}`).sort();
}

const mine = (list: IncidentNotice[], r: IncidentRecord) => list.filter((n) => n.incident.id === r.id);

describe.each(ENGINES)('SLA pages on %s', (engine) => {
  // A store per test: one test's owed pages are not the next one's.
  let store: SqlStore;
  let front: SlaFrontDoor;
  let clock = T0;
  const now = () => clock;
  beforeEach(async () => {
    clock = T0;
    store = await openSqlStore(await stores.location(engine));
    front = await frontDoor(store, now);
  }, 60_000);
  afterEach(async () => {
    await store?.close();
  });

  it('a holder killed before its pages settled: the next start re-sends exactly those notices once and marks them paged; a third start sends nothing', async () => {
    const r = await openIncident(store);
    clock = T0 + HOUR;
    // The killed holder: its notices are handed on and never settle.
    const lost: IncidentNotice[] = [];
    const dead = scheduler(store, front, now, (n) => void lost.push(n));
    await dead.start();
    await dead.stop();
    expect(mine(lost, r).map((n) => [n.kind, n.detail, n.channels])).toEqual([
      ['sla_breach', 'response', undefined],
      ['escalated', 'team-lead', ['lead-hook']],
    ]);
    // The silent warning under the breach owes nothing.
    expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response owed`, `${r.id} escalation:0 owed`, `${r.id} warning:response paged`]);

    // The survivor takes the lease later: the same notices, with the time they became due.
    clock = T0 + HOUR + 5 * MIN;
    const paged: IncidentNotice[] = [];
    const survivor = scheduler(store, front, now, (n, settled) => {
      paged.push(n);
      settled?.({ final: true, channels: [{ channel: 'lead-hook', ok: true }] });
    });
    await survivor.start();
    expect(mine(paged, r)).toEqual(mine(lost, r));
    expect(mine(paged, r).map((n) => n.atMs)).toEqual([T0 + HOUR, T0 + HOUR]);
    await vi.waitFor(async () => expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 paged`, `${r.id} warning:response paged`]));
    expect(survivor.pagesInFlight()).toBe(0);
    // Another pass and another tenure of the survivor: nothing more.
    await survivor.evaluate();
    await survivor.stop();
    await survivor.start();
    await survivor.stop();
    const third = scheduler(store, front, now, (n, settled) => {
      paged.push(n);
      settled?.({ final: true, channels: [] });
    });
    await third.start();
    await third.stop();
    expect(mine(paged, r)).toHaveLength(2);
  });

  it('a page in flight is not re-sent by its own scheduler; a failed final outcome closes it; a dropped one is owed again', async () => {
    const r = await openIncident(store);
    clock = T0 + HOUR;
    const held: Array<{ notice: IncidentNotice; settled?: NoticeSettled }> = [];
    const s = scheduler(store, front, now, (notice, settled) => void held.push({ notice, settled }));
    await s.start();
    await s.evaluate();
    await s.stop();
    await s.start(); // a new tenure of the same process: its own pages in flight are not sent twice
    expect(mine(held.map((h) => h.notice), r).map((n) => n.kind)).toEqual(['sla_breach', 'escalated']);
    const [breach, escalation] = held.filter((h) => h.notice.incident.id === r.id);
    breach?.settled?.({ final: true, channels: [{ channel: 'ops-hook', ok: false }] }); // failed after its retries: final
    escalation?.settled?.({ final: false, channels: [{ channel: 'lead-hook', ok: false }] }); // dropped: owed
    await vi.waitFor(async () => expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 owed`, `${r.id} warning:response paged`]));
    // The next pass sends the dropped one again, once in this tenure.
    await s.evaluate();
    await s.evaluate();
    const again = mine(held.map((h) => h.notice), r).slice(2);
    expect(again.map((n) => [n.kind, n.detail, n.atMs])).toEqual([['escalated', 'team-lead', T0 + HOUR]]);
    await s.stop();
  });

  it('a graceful stop with a page stuck in its dispatcher: dropped at shutdown, still owed, re-sent by the next holder', async () => {
    const receiver = await startReceiver();
    const stuck = await startStuckServer();
    const dispatchers: Dispatcher[] = [];
    const dispatcher = (leadUrl: string) => {
      const cfg = notifyConfigSchema.parse({
        channels: { 'ops-hook': { type: 'webhook', url: receiver.url }, 'lead-hook': { type: 'webhook', url: leadUrl, timeout: '1m' } },
        routes: [{ kinds: ['sla_breach', 'sla_warning'], channels: ['ops-hook'] }],
        lang: 'en',
      });
      const d = createDispatcher(cfg, { logger, now: Date.now, onDelivery: () => undefined });
      dispatchers.push(d);
      return d;
    };
    try {
      const r = await openIncident(store);
      clock = T0 + HOUR;
      const first = dispatcher(stuck.url);
      const a = scheduler(store, front, now, (n, settled) => first.notify(n, settled), { timerFunctions: BACKGROUND_TIMERS });
      await a.start();
      // The breach is delivered and paged; the escalation hangs at its channel.
      await vi.waitFor(async () => expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 owed`, `${r.id} warning:response paged`]));
      expect(receiver.bodies.filter((b) => b.incident?.number === r.number).map((b) => b.kind)).toEqual(['sla_breach']);
      await vi.waitFor(() => expect(stuck.requests()).toBe(1));
      // Graceful stop: the scheduler, its bounded hand-over, then the dispatcher's flush deadline.
      await a.stop();
      await a.handOver(50);
      expect(a.pagesInFlight()).toBe(1);
      await first.stop({ deadlineMs: 50 });
      await vi.waitFor(() => expect(a.pagesInFlight()).toBe(0));
      expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 owed`, `${r.id} warning:response paged`]);

      // The next holder, its lead channel reachable: the escalation once, then paged.
      const second = dispatcher(receiver.url);
      const b = scheduler(store, front, now, (n, settled) => second.notify(n, settled), { timerFunctions: BACKGROUND_TIMERS });
      await b.start();
      await vi.waitFor(async () => expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 paged`, `${r.id} warning:response paged`]));
      await b.stop();
      await b.handOver(1000);
      expect(receiver.bodies.filter((bd) => bd.incident?.number === r.number).map((bd) => [bd.kind, bd.detail])).toEqual([
        ['sla_breach', 'response'],
        ['escalated', 'team-lead'],
      ]);
    } finally {
      for (const d of dispatchers) await d.stop({ deadlineMs: 50 });
      await stuck.close();
      await receiver.close();
    }
  });

  it('owed pages older than the bound are closed without paging', async () => {
    const r = await openIncident(store);
    clock = T0 + HOUR;
    const dead = scheduler(store, front, now, () => undefined);
    await dead.start();
    await dead.stop();
    clock = T0 + HOUR + 2 * HOUR + 1;
    const sent: IncidentNotice[] = [];
    const later = scheduler(store, front, now, (n, settled) => {
      sent.push(n);
      settled?.({ final: true, channels: [] });
    }, { owedMaxAgeMs: 2 * HOUR });
    await later.start();
    await later.stop();
    // Only what fell due since (the director level) goes out; the old marks are closed without paging.
    const pages = mine(sent, r).map((n) => `${n.kind} ${n.detail}`);
    expect(pages).toContain('escalated director');
    expect(pages.filter((p) => p === 'sla_breach response' || p === 'escalated team-lead')).toEqual([]);
    expect((await marks(store, [r.id])).filter((m) => m.endsWith('owed'))).toEqual([]);
  });
});

describe.each(ENGINES)('SLA pages after an upgrade on %s', (engine) => {
  it('marks recorded before migration 020 are done: nothing old is paged', async () => {
    const store = await openSqlStore(await stores.location(engine), { migrations: false });
    try {
      await store.migrate(sqlMigrations.filter((m) => m.version < 20));
      const r = await openIncident(store);
      await sql`INSERT INTO incident_sla_fired (incident_id, kind, key, at_ms) VALUES (${r.id}, 'escalation', '0', ${T0 + HOUR}), (${r.id}, 'breach', 'response', ${T0 + HOUR}), (${r.id}, 'warning', 'response', ${T0 + HOUR})`.execute(store.db);
      expect(await store.migrate()).toEqual({ applied: [20] });
      expect(await marks(store, [r.id])).toEqual([`${r.id} breach:response paged`, `${r.id} escalation:0 paged`, `${r.id} warning:response paged`]);
      const clock = T0 + HOUR + MIN;
      const front = await frontDoor(store, () => clock);
      const sent: IncidentNotice[] = [];
      const s = scheduler(store, front, () => clock, (n) => void sent.push(n));
      await s.start();
      await s.stop();
      expect(mine(sent, r)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

/** A webhook receiver on 127.0.0.1 that keeps every body. */
async function startReceiver(): Promise<{ url: string; bodies: Array<{ kind?: string; detail?: string; incident?: { number?: string } }>; close(): Promise<void> }> {
  const bodies: Array<{ kind?: string; detail?: string; incident?: { number?: string } }> = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(raw) as (typeof bodies)[number]);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return listen(server, (port) => ({ url: `http://127.0.0.1:${port}/hook`, bodies }));
}

/** Accepts requests and never answers: a channel stuck mid-request. */
async function startStuckServer(): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer(() => void requests++);
  return listen(server, (port) => ({ url: `http://127.0.0.1:${port}/hook`, requests: () => requests }));
}

async function listen<T>(server: Server, make: (port: number) => T): Promise<T & { close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...make(port),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
