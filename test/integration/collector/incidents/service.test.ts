/**
 * The incident service's store behaviour — numbers, open/resolve/acknowledge, folding, the timeline, durability — on
 * both engines (a SQLite file and a PostgreSQL database of the test's own cluster).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { nextIncidentNumberAsync } from '../../../../collector/store/sql/incident-numbers.js';
import type { StoreLocation } from '../../../../collector/store/sql/url.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService, IncidentError, type IncidentService } from '../../../../collector/incidents/service.js';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice, Severity, StateChange } from '../../../../collector/events.js';
import type { DeliveryResult } from '../../../../collector/notify/dispatcher.js';
import { ENGINES, storeLocations } from '../../../helpers/engines.js';

const T0 = Date.parse('2025-03-14T02:00:00Z'); // 10:00 in Shanghai
const config = incidentsConfigSchema.parse({ targets: { 'db-1': { criticality: 'critical' } } });
const engines = storeLocations('incidents');

describe.each(ENGINES)('incident service on %s', (engine) => {
  let location: StoreLocation;
  let store: SqlStore;
  let clock: number;
  let notices: IncidentNotice[];
  let gauge: Map<Severity, number>;
  let service: IncidentService;

  async function open(): Promise<void> {
    store = await openSqlStore(location);
    service = createIncidentService({
      store,
      config,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      notify: (n) => notices.push(n),
      incidentUrl: (number) => `http://outpost.test/incidents/${number}`,
      openGauge: { set: ({ severity }, value) => gauge.set(severity, value) },
    });
  }

  function change(overrides: Partial<StateChange> = {}): StateChange {
    return { agentId: 'web-1', target: 'web-1', checkId: 'disk-root', checkType: 'disk', from: 'ok', to: 'crit', atMs: clock, reason: 'disk 97% used', cause: 'result', ...overrides };
  }
  async function all() {
    return (await service.list({ limit: 100, offset: 0 })).items;
  }

  beforeEach(async () => {
    location = await engines.location(engine);
    clock = T0;
    notices = [];
    gauge = new Map();
    await open();
    return async () => {
      await store.close();
    };
  }, 60_000);

  describe('automatic incidents', () => {
    it('opens one numbered incident, records the timeline, notifies after commit', async () => {
      await service.handleStateChange(change());
      const [incident] = await all();
      expect(incident).toMatchObject({ number: 'INC-20250314-0001', status: 'open', severity: 'P2', source: 'auto', target: 'web-1', checkId: 'disk-root', lastState: 'crit', startedAtMs: T0 });
      expect(notices).toEqual([
        {
          kind: 'opened',
          incident: {
            id: incident!.id,
            number: 'INC-20250314-0001',
            title: 'web-1 · disk-root — disk 97% used',
            titleCode: 'title.check',
            titleParams: { target: 'web-1', check_id: 'disk-root', check_type: 'disk', state: 'crit', message: 'disk 97% used' },
            severity: 'P2',
            status: 'open',
            target: 'web-1',
            checkId: 'disk-root',
            openedAtMs: T0,
            url: 'http://outpost.test/incidents/INC-20250314-0001',
          },
          atMs: T0,
          note: 'disk 97% used',
          noteText: { code: 'note.finding', params: { message: 'disk 97% used' } },
        },
      ]);
      expect((await service.get('INC-20250314-0001'))?.timeline).toEqual([
        expect.objectContaining({ actor: 'system', kind: 'opened', note: 'disk 97% used', data: { state: 'crit', severity: 'P2', rule: 'builtin[3]' } }),
      ]);
      expect(gauge.get('P2')).toBe(1);
      expect(await service.openCountsBySeverity()).toEqual({ P1: 0, P2: 1, P3: 0, P4: 0 });
    });

    it('repeats and state changes update the same incident, never duplicate', async () => {
      await service.handleStateChange(change());
      await service.handleStateChange(change());
      clock += 1000;
      await service.handleStateChange(change({ from: 'crit', to: 'warn' }));
      expect((await all())).toHaveLength(1);
      expect((await all())[0]).toMatchObject({ lastState: 'warn', severity: 'P2' });
      expect(notices.map((n) => n.kind)).toEqual(['opened']);
      expect((await service.get('INC-20250314-0001'))?.timeline.map((e) => e.kind)).toEqual(['opened', 'state_changed']);
    });

    it('a severity rise notifies `updated`', async () => {
      await service.handleStateChange(change({ target: 'db-1', to: 'warn' }));
      await service.handleStateChange(change({ target: 'db-1', to: 'crit' }));
      expect((await all())[0]).toMatchObject({ severity: 'P1', lastState: 'crit' });
      expect(notices.map((n) => [n.kind, n.incident.severity, n.note])).toEqual([
        ['opened', 'P3', 'disk 97% used'],
        ['updated', 'P1', 'severity raised to P1'],
      ]);
    });

    it('the database refuses a second active incident for one key (partial UNIQUE index)', async () => {
      await service.handleStateChange(change());
      await expect(
        sql`INSERT INTO incidents (number, title, severity, status, source, dedup_key, started_at_ms, opened_at_ms, updated_at_ms) SELECT 'INC-X', 't', 'P2', 'open', 'auto', dedup_key, 0, 0, 0 FROM incidents`.execute(store.db),
      ).rejects.toThrow(/UNIQUE constraint failed|duplicate key value violates unique constraint "incidents_one_active_per_key"/);
      // ...but resolved ones may share the key with the active one.
      await sql`UPDATE incidents SET status = 'resolved'`.execute(store.db);
      await service.handleStateChange(change({ atMs: clock + 3_600_000 }));
      expect(await all()).toHaveLength(2);
    });

    it('auto-resolves on recovery, reopens within the grace period, opens a new one after it', async () => {
      await service.handleStateChange(change());
      clock += 60_000;
      await service.handleStateChange(change({ from: 'crit', to: 'ok', reason: 'disk 50% used', atMs: clock }));
      expect((await all())[0]).toMatchObject({ status: 'resolved', resolvedBy: 'system', cause: 'recovered', resolution: 'auto-resolved: disk 50% used', resolvedAtMs: clock });
      expect(gauge.get('P2')).toBe(0);

      clock += 600_000; // exactly the 10m grace
      await service.handleStateChange(change({ atMs: clock }));
      expect((await all())).toHaveLength(1);
      expect((await all())[0]).toMatchObject({ number: 'INC-20250314-0001', status: 'open', resolvedAtMs: null, cause: null });

      clock += 1000;
      await service.handleStateChange(change({ to: 'ok', atMs: clock }));
      clock += 600_001;
      await service.handleStateChange(change({ atMs: clock }));
      expect((await all()).map((i) => [i.number, i.status])).toEqual([
        ['INC-20250314-0002', 'open'],
        ['INC-20250314-0001', 'resolved'],
      ]);
      expect(notices.map((n) => n.kind)).toEqual(['opened', 'resolved', 'reopened', 'resolved', 'opened']);
    });

    it('a rule with auto_resolve: false keeps the incident open after recovery', async () => {
      service = createIncidentService({
        store,
        config: incidentsConfigSchema.parse({ rules: [{ match: { check_type: 'backup' }, severity: 'P3', auto_resolve: false }] }),
        now: () => clock,
        logger: createLogger({ level: 'silent' }),
        notify: (n) => notices.push(n),
      });
      await service.handleStateChange(change({ checkType: 'backup', checkId: 'nightly' }));
      await service.handleStateChange(change({ checkType: 'backup', checkId: 'nightly', to: 'ok', reason: 'backup ok' }));
      expect((await all())[0]).toMatchObject({ status: 'open', lastState: 'ok', severity: 'P3' });
    });
  });

  describe('batches', () => {
    it('handleStateChanges applies a batch in one transaction and notifies after it', async () => {
      const lost = Array.from({ length: 200 }, (_, i) => change({ checkId: `c${i}`, to: 'unknown', cause: 'agent_offline', reason: 'lost' }));
      await service.handleStateChanges([...lost, change({ agentId: 'db-1', target: 'db-1' })]);
      expect((await all()).map((i) => [i.number, i.target, i.checkId])).toEqual([
        ['INC-20250314-0002', 'db-1', 'disk-root'],
        ['INC-20250314-0001', 'web-1', 'agent'],
      ]);
      expect(notices.map((n) => [n.kind, n.incident.number])).toEqual([
        ['opened', 'INC-20250314-0001'],
        ['opened', 'INC-20250314-0002'],
      ]);
      await service.handleStateChanges([]);
      expect(notices).toHaveLength(2);
    });
  });

  describe('folding under the host incident', () => {
    it('children fold silently; when the host resolves, still-bad children become independent and are paged', async () => {
      await service.handleStateChange(change({ checkId: 'ping', checkType: 'ping', reason: '100% loss' }));
      await service.handleStateChange(change());
      await service.handleStateChange(change({ checkId: 'http', checkType: 'http', reason: 'connection refused' }));
      const [host, disk, http] = await Promise.all(['INC-20250314-0001', 'INC-20250314-0002', 'INC-20250314-0003'].map(async (n) => (await service.get(n))!));
      expect(host).toMatchObject({ isHost: true, parentId: null, children: [{ number: disk!.number, status: 'open' }, { number: http!.number, status: 'open' }] });
      expect(disk).toMatchObject({ parentId: host!.id, parentNumber: host!.number });
      expect(notices.map((n) => n.incident.number)).toEqual(['INC-20250314-0001']);

      // http recovers while folded: resolved silently.
      await service.handleStateChange(change({ checkId: 'http', checkType: 'http', to: 'ok' }));
      expect(notices).toHaveLength(1);

      clock += 5000;
      await service.handleStateChange(change({ checkId: 'ping', checkType: 'ping', to: 'ok', reason: 'replies again' }));
      expect(notices.map((n) => [n.kind, n.incident.number, n.note])).toEqual([
        ['opened', 'INC-20250314-0001', '100% loss'],
        ['resolved', 'INC-20250314-0001', 'auto-resolved: replies again'],
        ['opened', 'INC-20250314-0002', 'was folded under INC-20250314-0001'],
      ]);
      expect(await service.get(disk!.number)).toMatchObject({ parentId: null, status: 'open' });
      expect((await service.get(disk!.number))?.timeline.at(-1)).toMatchObject({ kind: 'unfolded' });
      expect(await service.get(http!.number)).toMatchObject({ status: 'resolved', parentId: host!.id });
    });

    it('agent lost: one incident for all its checks, resolved when it publishes again', async () => {
      for (const checkId of ['cpu', 'disk-root', 'ping-gw']) await service.handleStateChange(change({ checkId, to: 'unknown', cause: 'agent_offline', reason: 'lost' }));
      expect((await all())).toEqual([expect.objectContaining({ target: 'web-1', checkId: 'agent', lastState: 'unknown', severity: 'P3', isHost: true })]);
      // Silence of one check on the lost agent's host folds under it.
      await service.handleStateChange(change({ checkId: 'mem', to: 'unknown', cause: 'silence', reason: 'no results' }));
      expect((await all())[0]).toMatchObject({ checkId: 'mem', parentId: (await all())[1]!.id });
      await service.handleStateChange(change({ checkId: 'cpu', from: 'unknown', to: 'ok', reason: 'cpu 10%' }));
      expect((await all()).map((i) => [i.checkId, i.status, i.parentId])).toEqual([
        ['mem', 'open', null],
        ['agent', 'resolved', null],
      ]);
    });
  });

  describe('people and manual tickets', () => {
    it('a hotline ticket is numbered at once and follows open → acknowledged → resolved → closed', async () => {
      const created = await service.createManual({ title: 'Users cannot log in to OA', severity: 'P2', reporter: 'Zhang San (hotline)', description: 'called at 10:00' }, 'operator-li');
      expect(created).toMatchObject({ number: 'INC-20250314-0001', source: 'manual', status: 'open', dedupKey: null, reporter: 'Zhang San (hotline)' });
      clock += 1000;
      expect(await service.acknowledge(created.number, 'wang')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'wang', acknowledgedAtMs: clock });
      await expect(service.acknowledge(created.number, 'wang')).rejects.toThrow(IncidentError);
      await service.addNote(created.number, 'wang', 'LDAP looks slow');
      clock += 1000;
      expect(await service.resolve(created.number, 'wang', 'LDAP server disk full', 'cleaned /var/log, restarted slapd')).toMatchObject({ status: 'resolved', resolvedBy: 'wang', cause: 'LDAP server disk full' });
      expect(await service.close(created.number, 'li')).toMatchObject({ status: 'closed', closedBy: 'li' });
      await expect(service.reopen(created.number, 'li')).rejects.toThrow(/cannot reopen incident INC-20250314-0001: it is closed/);
      expect((await service.get(created.number))?.timeline.map((e) => [e.kind, e.actor])).toEqual([
        ['opened', 'operator-li'],
        ['acknowledged', 'wang'],
        ['note', 'wang'],
        ['resolved', 'wang'],
        ['closed', 'li'],
      ]);
      expect(notices.map((n) => [n.kind, n.actor])).toEqual([
        ['opened', 'operator-li'],
        ['acknowledged', 'wang'],
        ['resolved', 'wang'],
        ['closed', 'li'],
      ]);
    });

    it('a start time in the future is clamped to now', async () => {
      expect((await service.createManual({ title: 't', severity: 'P4', startedAtMs: clock + 3_600_000 }, 'x')).startedAtMs).toBe(clock);
      expect((await service.createManual({ title: 't', severity: 'P4', startedAtMs: clock - 60_000 }, 'x')).startedAtMs).toBe(clock - 60_000);
    });

    it('unknown numbers are not_found; illegal transitions are illegal_transition', async () => {
      await expect(service.acknowledge('INC-20250101-0001', 'x')).rejects.toThrow(expect.objectContaining({ code: 'not_found' }));
      const created = await service.createManual({ title: 't', severity: 'P4' }, 'x');
      await expect(service.close(created.number, 'x')).rejects.toThrow(expect.objectContaining({ code: 'illegal_transition' }));
      await expect(service.reopen(created.number, 'x')).rejects.toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    });

    it('a person cannot reopen an incident whose check already has a newer active one', async () => {
      await service.handleStateChange(change());
      await service.resolve('INC-20250314-0001', 'wang', 'cause', 'fix');
      clock += 3_600_000;
      await service.handleStateChange(change({ atMs: clock }));
      await expect(service.reopen('INC-20250314-0001', 'wang')).rejects.toThrow(/INC-20250314-0002 is already active/);
      await service.resolve('INC-20250314-0002', 'wang', 'cause', 'fix');
      expect(await service.reopen('INC-20250314-0001', 'wang', 'not fixed after all')).toMatchObject({ status: 'open', cause: null });
    });

    it('a manual resolve of a host incident also unfolds its children', async () => {
      await service.handleStateChange(change({ checkId: 'ping', checkType: 'ping' }));
      await service.handleStateChange(change());
      await service.resolve('INC-20250314-0001', 'wang', 'switch port down', 'replaced cable');
      expect(await service.get('INC-20250314-0002')).toMatchObject({ parentId: null, status: 'open' });
      expect(notices.map((n) => [n.kind, n.incident.number])).toEqual([
        ['opened', 'INC-20250314-0001'],
        ['resolved', 'INC-20250314-0001'],
        ['opened', 'INC-20250314-0002'],
      ]);
    });

    it('records notification delivery results in the timeline', async () => {
      const created = await service.createManual({ title: 't', severity: 'P1' }, 'x');
      expect(await service.recordDelivery(created.id, 'dingtalk', true, 1)).toBe(true);
      expect(await service.recordDelivery(created.id, 'email', false, 3, 'ECONNREFUSED')).toBe(true);
      expect(await service.recordDelivery(99_999, 'email', true, 1)).toBe(false);
      // The dispatcher's DeliveryResult object is accepted as is.
      const result: DeliveryResult = { incidentId: created.id, number: created.number, channel: 'feishu', kind: 'opened', ok: true, attempts: 2, atMs: clock + 5 };
      expect(await service.recordDelivery(result)).toBe(true);
      expect((await service.get(created.number))?.timeline.slice(1).map((e) => [e.kind, e.actor, e.note, e.data])).toEqual([
        ['notification_delivered', 'notifier', 'dingtalk: delivered (1 attempt(s))', { channel: 'dingtalk', ok: true, attempts: 1, error: null }],
        ['notification_failed', 'notifier', 'email: failed after 3 attempt(s): ECONNREFUSED', { channel: 'email', ok: false, attempts: 3, error: 'ECONNREFUSED' }],
        ['notification_delivered', 'notifier', 'feishu: delivered (2 attempt(s))', { channel: 'feishu', ok: true, attempts: 2, error: null, notice: 'opened' }],
      ]);
      expect((await service.get(created.number))?.timeline.at(-1)?.atMs).toBe(clock + 5);
    });

    it('a throwing notify callback does not undo the committed change', async () => {
      service = createIncidentService({ store, config, now: () => clock, logger: createLogger({ level: 'silent' }), notify: () => { throw new Error('dispatcher down'); } });
      expect((await service.createManual({ title: 't', severity: 'P1' }, 'x')).number).toBe('INC-20250314-0001');
      expect((await all())).toHaveLength(1);
    });
  });

  describe('numbering in the database', () => {
    it('the daily sequence restarts at midnight Asia/Shanghai (16:00 UTC)', async () => {
      clock = Date.parse('2025-03-14T15:59:59.999Z');
      const a = await service.createManual({ title: 'a', severity: 'P4' }, 'x');
      const b = await service.createManual({ title: 'b', severity: 'P4' }, 'x');
      clock = Date.parse('2025-03-14T16:00:00.000Z');
      const c = await service.createManual({ title: 'c', severity: 'P4' }, 'x');
      expect([a.number, b.number, c.number]).toEqual(['INC-20250314-0001', 'INC-20250314-0002', 'INC-20250315-0001']);
    });

    it('many incidents in one transaction get consecutive unique numbers; a rolled-back one uses none', async () => {
      await service.handleStateChanges(Array.from({ length: 50 }, (_, i) => change({ checkId: `c${i}` })));
      await expect(
        store.transaction(async (trx) => {
          await nextIncidentNumberAsync(trx, clock);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const numbers = (await all()).map((i) => i.number).sort();
      expect(numbers).toHaveLength(50);
      expect(numbers[0]).toBe('INC-20250314-0001');
      expect(numbers[49]).toBe('INC-20250314-0050');
      expect((await service.createManual({ title: 'next', severity: 'P4' }, 'x')).number).toBe('INC-20250314-0051');
    });

    it('a second store on the same database never hands out the same number', async () => {
      const other = await openSqlStore(location);
      const second = createIncidentService({ store: other, config, now: () => clock, logger: createLogger({ level: 'silent' }), notify: () => {} });
      const numbers: string[] = [];
      try {
        if (engine === 'postgres') {
          // Two pools (two collectors) at once.
          const made = await Promise.all(Array.from({ length: 20 }, (_, i) => [service.createManual({ title: `a${i}`, severity: 'P4' }, 'x'), second.createManual({ title: `b${i}`, severity: 'P4' }, 'x')]).flat());
          numbers.push(...made.map((r) => r.number));
        } else {
          // Two connections to one file in one process must not hold transactions at once (README pitfall 6): alternate.
          for (let i = 0; i < 20; i++) {
            numbers.push((await service.createManual({ title: `a${i}`, severity: 'P4' }, 'x')).number);
            numbers.push((await second.createManual({ title: `b${i}`, severity: 'P4' }, 'x')).number);
          }
        }
      } finally {
        await other.close();
      }
      expect(new Set(numbers).size).toBe(40);
    });
  });

  describe('durability', () => {
    it('after reopening the database file nothing is lost, and replaying the same changes duplicates nothing', async () => {
      const changes = [change(), change({ checkId: 'ping', checkType: 'ping' }), change({ checkId: 'cpu', to: 'warn' })];
      for (const c of changes) await service.handleStateChange(c);
      await service.acknowledge('INC-20250314-0001', 'wang');
      const before = (await all());
      await store.close(); // what kill -9 leaves behind: the committed WAL / the committed rows
      await open();
      expect((await all())).toEqual(before);
      for (const c of changes) await service.handleStateChange(c);
      expect((await all())).toEqual(before);
      expect((await service.createManual({ title: 'after restart', severity: 'P4' }, 'x')).number).toBe('INC-20250314-0004');
    });

    it('replaying every check\'s current state at start-up repairs changes a crash kept from the incident service', async () => {
      await service.handleStateChange(change({ checkId: 'cpu' })); // will recover while "down"
      await service.handleStateChange(change({ checkId: 'mem', to: 'warn' })); // unchanged
      await store.close();
      await open();
      clock += 60_000;
      // Current states as the state history has them (from: null = replay): disk went crit, cpu recovered, mem still warn.
      const current = [change({ from: null, atMs: clock - 30_000 }), change({ checkId: 'cpu', from: null, to: 'ok' }), change({ checkId: 'mem', from: null, to: 'warn' })];
      for (const c of current) await service.handleStateChange(c);
      for (const c of current) await service.handleStateChange(c); // and replaying twice changes nothing more
      expect((await all()).map((i) => [i.number, i.checkId, i.status, i.lastState])).toEqual([
        ['INC-20250314-0003', 'disk-root', 'open', 'crit'],
        ['INC-20250314-0002', 'mem', 'open', 'warn'],
        ['INC-20250314-0001', 'cpu', 'resolved', 'ok'],
      ]);
    });
  });

  describe('keyed incidents (burn rate) retitle by the window firing now', () => {
    const key = 'burn-rate:["acme","db-1"]';
    const fire = (window: string, factor: number, severity: Severity) =>
      service.openKeyed({
        dedupKey: key,
        checkType: 'burn-rate',
        checkId: 'burn-rate',
        rule: `burn-rate ${window}`,
        target: 'db-1',
        severity,
        title: `db-1: error budget of acme burning ≥ ${factor}× (${window})`,
        titleText: { code: 'title.burn_rate', params: { target: 'db-1', contract: 'acme', factor, window } },
        description: `window ${window}`,
        descriptionText: { code: 'note.burn_rate', params: { target_percent: 99.9, window, factor, burn: factor + 1 } },
      });

    it('a more urgent window firing while the incident is open retitles it and raises it; the timeline keeps the old title', async () => {
      const first = await fire('1d/2h', 3, 'P3');
      expect(first).toMatchObject({ titleCode: 'title.burn_rate', titleParams: { window: '1d/2h', factor: 3 }, severity: 'P3', title: 'db-1: error budget of acme burning ≥ 3× (1d/2h)' });
      clock += 60_000;
      // The same window again: nothing changes, no timeline entry.
      expect((await fire('1d/2h', 3, 'P3')).updatedAtMs).toBe(T0);
      clock += 60_000;
      const urgent = await fire('1h/5m', 14.4, 'P2');
      expect(urgent).toMatchObject({ id: first.id, status: 'open', severity: 'P2', titleParams: { window: '1h/5m', factor: 14.4 }, title: 'db-1: error budget of acme burning ≥ 14.4× (1h/5m)' });
      expect((await all())).toHaveLength(1);
      const entries = (await service.get(first.number))!.timeline;
      const retitle = entries[entries.length - 1]!;
      expect(retitle).toMatchObject({
        kind: 'state_changed',
        noteCode: 'note.burn_rate',
        data: { severity: 'P2', previous_title: 'db-1: error budget of acme burning ≥ 3× (1d/2h)', previous_title_code: 'title.burn_rate', previous_title_params: { window: '1d/2h', factor: 3 } },
      });
      expect(notices.map((n) => [n.kind, n.noteText?.code])).toEqual([
        ['opened', 'note.burn_rate'],
        ['updated', 'note.severity_raised'],
      ]);
      // A calmer window firing later renames it but never lowers the severity while it is open.
      clock += 60_000;
      expect(await fire('3d/6h', 1, 'P3')).toMatchObject({ severity: 'P2', titleParams: { window: '3d/6h' } });
    });

    it('re-firing within the grace after it resolved reopens the same incident under the new title', async () => {
      const first = await fire('6h/30m', 6, 'P2');
      clock += 60_000;
      await service.resolveKeyed(key, 'recovered', 'burn rate back below every alert threshold', undefined, { code: 'note.burn_rate_recovered', params: {} });
      clock += 60_000;
      const again = await fire('1h/5m', 14.4, 'P2');
      expect(again).toMatchObject({ id: first.id, status: 'open', titleParams: { window: '1h/5m' } });
      const kinds = (await service.get(first.number))!.timeline.map((e) => [e.kind, e.noteCode]);
      expect(kinds).toEqual([
        ['opened', 'note.burn_rate'],
        ['resolved', 'note.burn_rate_recovered'],
        ['reopened', 'note.burn_rate'],
      ]);
      expect((await service.get(first.number))!.timeline[2]!.data).toMatchObject({ previous_title_params: { window: '6h/30m' } });
    });
  });
});
