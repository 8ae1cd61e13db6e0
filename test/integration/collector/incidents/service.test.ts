import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../../collector/store/db.js';
import { migration002Incidents } from '../../../../collector/store/migrations/002_incidents.js';
import { migration007IncidentFollowup } from '../../../../collector/store/migrations/007_incident_followup.js';
import { migration013CodedTexts } from '../../../../collector/store/migrations/013_coded_texts.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService, IncidentError, type IncidentService } from '../../../../collector/incidents/service.js';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice, Severity, StateChange } from '../../../../collector/events.js';
import type { DeliveryResult } from '../../../../collector/notify/dispatcher.js';

const T0 = Date.parse('2025-03-14T02:00:00Z'); // 10:00 in Shanghai
const config = incidentsConfigSchema.parse({ targets: { 'db-1': { criticality: 'critical' } } });

let dir: string;
let file: string;
let db: Db;
let clock: number;
let notices: IncidentNotice[];
let gauge: Map<Severity, number>;
let service: IncidentService;

function open(): void {
  db = openDatabase(file, [migration002Incidents, migration007IncidentFollowup, migration013CodedTexts]);
  service = createIncidentService({
    db,
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
function all() {
  return service.list({ limit: 100, offset: 0 }).items;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-incidents-'));
  file = join(dir, 'collector.db');
  clock = T0;
  notices = [];
  gauge = new Map();
  open();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('automatic incidents', () => {
  it('opens one numbered incident, records the timeline, notifies after commit', () => {
    service.handleStateChange(change());
    const [incident] = all();
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
    expect(service.get('INC-20250314-0001')?.timeline).toEqual([
      expect.objectContaining({ actor: 'system', kind: 'opened', note: 'disk 97% used', data: { state: 'crit', severity: 'P2', rule: 'builtin[3]' } }),
    ]);
    expect(gauge.get('P2')).toBe(1);
    expect(service.openCountsBySeverity()).toEqual({ P1: 0, P2: 1, P3: 0, P4: 0 });
  });

  it('repeats and state changes update the same incident, never duplicate', () => {
    service.handleStateChange(change());
    service.handleStateChange(change());
    clock += 1000;
    service.handleStateChange(change({ from: 'crit', to: 'warn' }));
    expect(all()).toHaveLength(1);
    expect(all()[0]).toMatchObject({ lastState: 'warn', severity: 'P2' });
    expect(notices.map((n) => n.kind)).toEqual(['opened']);
    expect(service.get('INC-20250314-0001')?.timeline.map((e) => e.kind)).toEqual(['opened', 'state_changed']);
  });

  it('a severity rise notifies `updated`', () => {
    service.handleStateChange(change({ target: 'db-1', to: 'warn' }));
    service.handleStateChange(change({ target: 'db-1', to: 'crit' }));
    expect(all()[0]).toMatchObject({ severity: 'P1', lastState: 'crit' });
    expect(notices.map((n) => [n.kind, n.incident.severity, n.note])).toEqual([
      ['opened', 'P3', 'disk 97% used'],
      ['updated', 'P1', 'severity raised to P1'],
    ]);
  });

  it('the database refuses a second active incident for one key (partial UNIQUE index)', () => {
    service.handleStateChange(change());
    expect(() =>
      db
        .prepare("INSERT INTO incidents (number, title, severity, status, source, dedup_key, started_at_ms, opened_at_ms, updated_at_ms) SELECT 'INC-X', 't', 'P2', 'open', 'auto', dedup_key, 0, 0, 0 FROM incidents")
        .run(),
    ).toThrow(/UNIQUE constraint failed/);
    // ...but resolved ones may share the key with the active one.
    db.prepare("UPDATE incidents SET status = 'resolved'").run();
    service.handleStateChange(change({ atMs: clock + 3_600_000 }));
    expect(all()).toHaveLength(2);
  });

  it('auto-resolves on recovery, reopens within the grace period, opens a new one after it', () => {
    service.handleStateChange(change());
    clock += 60_000;
    service.handleStateChange(change({ from: 'crit', to: 'ok', reason: 'disk 50% used', atMs: clock }));
    expect(all()[0]).toMatchObject({ status: 'resolved', resolvedBy: 'system', cause: 'recovered', resolution: 'auto-resolved: disk 50% used', resolvedAtMs: clock });
    expect(gauge.get('P2')).toBe(0);

    clock += 600_000; // exactly the 10m grace
    service.handleStateChange(change({ atMs: clock }));
    expect(all()).toHaveLength(1);
    expect(all()[0]).toMatchObject({ number: 'INC-20250314-0001', status: 'open', resolvedAtMs: null, cause: null });

    clock += 1000;
    service.handleStateChange(change({ to: 'ok', atMs: clock }));
    clock += 600_001;
    service.handleStateChange(change({ atMs: clock }));
    expect(all().map((i) => [i.number, i.status])).toEqual([
      ['INC-20250314-0002', 'open'],
      ['INC-20250314-0001', 'resolved'],
    ]);
    expect(notices.map((n) => n.kind)).toEqual(['opened', 'resolved', 'reopened', 'resolved', 'opened']);
  });

  it('a rule with auto_resolve: false keeps the incident open after recovery', () => {
    db.close();
    db = openDatabase(file, [migration002Incidents, migration007IncidentFollowup, migration013CodedTexts]);
    service = createIncidentService({
      db,
      config: incidentsConfigSchema.parse({ rules: [{ match: { check_type: 'backup' }, severity: 'P3', auto_resolve: false }] }),
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      notify: (n) => notices.push(n),
    });
    service.handleStateChange(change({ checkType: 'backup', checkId: 'nightly' }));
    service.handleStateChange(change({ checkType: 'backup', checkId: 'nightly', to: 'ok', reason: 'backup ok' }));
    expect(all()[0]).toMatchObject({ status: 'open', lastState: 'ok', severity: 'P3' });
  });
});

describe('batches', () => {
  it('handleStateChanges applies a batch in one transaction and notifies after it', () => {
    const lost = Array.from({ length: 200 }, (_, i) => change({ checkId: `c${i}`, to: 'unknown', cause: 'agent_offline', reason: 'lost' }));
    service.handleStateChanges([...lost, change({ agentId: 'db-1', target: 'db-1' })]);
    expect(all().map((i) => [i.number, i.target, i.checkId])).toEqual([
      ['INC-20250314-0002', 'db-1', 'disk-root'],
      ['INC-20250314-0001', 'web-1', 'agent'],
    ]);
    expect(notices.map((n) => [n.kind, n.incident.number])).toEqual([
      ['opened', 'INC-20250314-0001'],
      ['opened', 'INC-20250314-0002'],
    ]);
    service.handleStateChanges([]);
    expect(notices).toHaveLength(2);
  });
});

describe('folding under the host incident', () => {
  it('children fold silently; when the host resolves, still-bad children become independent and are paged', () => {
    service.handleStateChange(change({ checkId: 'ping', checkType: 'ping', reason: '100% loss' }));
    service.handleStateChange(change());
    service.handleStateChange(change({ checkId: 'http', checkType: 'http', reason: 'connection refused' }));
    const [host, disk, http] = ['INC-20250314-0001', 'INC-20250314-0002', 'INC-20250314-0003'].map((n) => service.get(n)!);
    expect(host).toMatchObject({ isHost: true, parentId: null, children: [{ number: disk!.number, status: 'open' }, { number: http!.number, status: 'open' }] });
    expect(disk).toMatchObject({ parentId: host!.id, parentNumber: host!.number });
    expect(notices.map((n) => n.incident.number)).toEqual(['INC-20250314-0001']);

    // http recovers while folded: resolved silently.
    service.handleStateChange(change({ checkId: 'http', checkType: 'http', to: 'ok' }));
    expect(notices).toHaveLength(1);

    clock += 5000;
    service.handleStateChange(change({ checkId: 'ping', checkType: 'ping', to: 'ok', reason: 'replies again' }));
    expect(notices.map((n) => [n.kind, n.incident.number, n.note])).toEqual([
      ['opened', 'INC-20250314-0001', '100% loss'],
      ['resolved', 'INC-20250314-0001', 'auto-resolved: replies again'],
      ['opened', 'INC-20250314-0002', 'was folded under INC-20250314-0001'],
    ]);
    expect(service.get(disk!.number)).toMatchObject({ parentId: null, status: 'open' });
    expect(service.get(disk!.number)?.timeline.at(-1)).toMatchObject({ kind: 'unfolded' });
    expect(service.get(http!.number)).toMatchObject({ status: 'resolved', parentId: host!.id });
  });

  it('agent lost: one incident for all its checks, resolved when it publishes again', () => {
    for (const checkId of ['cpu', 'disk-root', 'ping-gw']) service.handleStateChange(change({ checkId, to: 'unknown', cause: 'agent_offline', reason: 'lost' }));
    expect(all()).toEqual([expect.objectContaining({ target: 'web-1', checkId: 'agent', lastState: 'unknown', severity: 'P3', isHost: true })]);
    // Silence of one check on the lost agent's host folds under it.
    service.handleStateChange(change({ checkId: 'mem', to: 'unknown', cause: 'silence', reason: 'no results' }));
    expect(all()[0]).toMatchObject({ checkId: 'mem', parentId: all()[1]!.id });
    service.handleStateChange(change({ checkId: 'cpu', from: 'unknown', to: 'ok', reason: 'cpu 10%' }));
    expect(all().map((i) => [i.checkId, i.status, i.parentId])).toEqual([
      ['mem', 'open', null],
      ['agent', 'resolved', null],
    ]);
  });
});

describe('people and manual tickets', () => {
  it('a hotline ticket is numbered at once and follows open → acknowledged → resolved → closed', () => {
    const created = service.createManual({ title: 'Users cannot log in to OA', severity: 'P2', reporter: 'Zhang San (hotline)', description: 'called at 10:00' }, 'operator-li');
    expect(created).toMatchObject({ number: 'INC-20250314-0001', source: 'manual', status: 'open', dedupKey: null, reporter: 'Zhang San (hotline)' });
    clock += 1000;
    expect(service.acknowledge(created.number, 'wang')).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'wang', acknowledgedAtMs: clock });
    expect(() => service.acknowledge(created.number, 'wang')).toThrow(IncidentError);
    service.addNote(created.number, 'wang', 'LDAP looks slow');
    clock += 1000;
    expect(service.resolve(created.number, 'wang', 'LDAP server disk full', 'cleaned /var/log, restarted slapd')).toMatchObject({ status: 'resolved', resolvedBy: 'wang', cause: 'LDAP server disk full' });
    expect(service.close(created.number, 'li')).toMatchObject({ status: 'closed', closedBy: 'li' });
    expect(() => service.reopen(created.number, 'li')).toThrow(/cannot reopen incident INC-20250314-0001: it is closed/);
    expect(service.get(created.number)?.timeline.map((e) => [e.kind, e.actor])).toEqual([
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

  it('a start time in the future is clamped to now', () => {
    expect(service.createManual({ title: 't', severity: 'P4', startedAtMs: clock + 3_600_000 }, 'x').startedAtMs).toBe(clock);
    expect(service.createManual({ title: 't', severity: 'P4', startedAtMs: clock - 60_000 }, 'x').startedAtMs).toBe(clock - 60_000);
  });

  it('unknown numbers are not_found; illegal transitions are illegal_transition', () => {
    expect(() => service.acknowledge('INC-20250101-0001', 'x')).toThrow(expect.objectContaining({ code: 'not_found' }));
    const created = service.createManual({ title: 't', severity: 'P4' }, 'x');
    expect(() => service.close(created.number, 'x')).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    expect(() => service.reopen(created.number, 'x')).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
  });

  it('a person cannot reopen an incident whose check already has a newer active one', () => {
    service.handleStateChange(change());
    service.resolve('INC-20250314-0001', 'wang', 'cause', 'fix');
    clock += 3_600_000;
    service.handleStateChange(change({ atMs: clock }));
    expect(() => service.reopen('INC-20250314-0001', 'wang')).toThrow(/INC-20250314-0002 is already active/);
    service.resolve('INC-20250314-0002', 'wang', 'cause', 'fix');
    expect(service.reopen('INC-20250314-0001', 'wang', 'not fixed after all')).toMatchObject({ status: 'open', cause: null });
  });

  it('a manual resolve of a host incident also unfolds its children', () => {
    service.handleStateChange(change({ checkId: 'ping', checkType: 'ping' }));
    service.handleStateChange(change());
    service.resolve('INC-20250314-0001', 'wang', 'switch port down', 'replaced cable');
    expect(service.get('INC-20250314-0002')).toMatchObject({ parentId: null, status: 'open' });
    expect(notices.map((n) => [n.kind, n.incident.number])).toEqual([
      ['opened', 'INC-20250314-0001'],
      ['resolved', 'INC-20250314-0001'],
      ['opened', 'INC-20250314-0002'],
    ]);
  });

  it('records notification delivery results in the timeline', () => {
    const created = service.createManual({ title: 't', severity: 'P1' }, 'x');
    expect(service.recordDelivery(created.id, 'dingtalk', true, 1)).toBe(true);
    expect(service.recordDelivery(created.id, 'email', false, 3, 'ECONNREFUSED')).toBe(true);
    expect(service.recordDelivery(99_999, 'email', true, 1)).toBe(false);
    // The dispatcher's DeliveryResult object is accepted as is.
    const result: DeliveryResult = { incidentId: created.id, number: created.number, channel: 'feishu', kind: 'opened', ok: true, attempts: 2, atMs: clock + 5 };
    expect(service.recordDelivery(result)).toBe(true);
    expect(service.get(created.number)?.timeline.slice(1).map((e) => [e.kind, e.actor, e.note, e.data])).toEqual([
      ['notification_delivered', 'notifier', 'dingtalk: delivered (1 attempt(s))', { channel: 'dingtalk', ok: true, attempts: 1, error: null }],
      ['notification_failed', 'notifier', 'email: failed after 3 attempt(s): ECONNREFUSED', { channel: 'email', ok: false, attempts: 3, error: 'ECONNREFUSED' }],
      ['notification_delivered', 'notifier', 'feishu: delivered (2 attempt(s))', { channel: 'feishu', ok: true, attempts: 2, error: null, notice: 'opened' }],
    ]);
    expect(service.get(created.number)?.timeline.at(-1)?.atMs).toBe(clock + 5);
  });

  it('a throwing notify callback does not undo the committed change', () => {
    db.close();
    db = openDatabase(file, [migration002Incidents, migration007IncidentFollowup, migration013CodedTexts]);
    service = createIncidentService({ db, config, now: () => clock, logger: createLogger({ level: 'silent' }), notify: () => { throw new Error('dispatcher down'); } });
    expect(service.createManual({ title: 't', severity: 'P1' }, 'x').number).toBe('INC-20250314-0001');
    expect(all()).toHaveLength(1);
  });
});

describe('numbering in the database', () => {
  it('the daily sequence restarts at midnight Asia/Shanghai (16:00 UTC)', () => {
    clock = Date.parse('2025-03-14T15:59:59.999Z');
    const a = service.createManual({ title: 'a', severity: 'P4' }, 'x');
    const b = service.createManual({ title: 'b', severity: 'P4' }, 'x');
    clock = Date.parse('2025-03-14T16:00:00.000Z');
    const c = service.createManual({ title: 'c', severity: 'P4' }, 'x');
    expect([a.number, b.number, c.number]).toEqual(['INC-20250314-0001', 'INC-20250314-0002', 'INC-20250315-0001']);
  });

  it('many incidents in one transaction get consecutive unique numbers; a rolled-back one uses none', () => {
    db.transaction(() => {
      for (let i = 0; i < 50; i++) service.handleStateChange(change({ checkId: `c${i}` }));
    })();
    expect(() =>
      db.transaction(() => {
        service.createManual({ title: 'lost', severity: 'P4' }, 'x');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    const numbers = all().map((i) => i.number).sort();
    expect(numbers).toHaveLength(50);
    expect(numbers[0]).toBe('INC-20250314-0001');
    expect(numbers[49]).toBe('INC-20250314-0050');
    expect(service.createManual({ title: 'next', severity: 'P4' }, 'x').number).toBe('INC-20250314-0051');
  });

  it('two connections to the same file never hand out the same number', () => {
    const other = openDatabase(file, [migration002Incidents, migration007IncidentFollowup, migration013CodedTexts]);
    const second = createIncidentService({ db: other, config, now: () => clock, logger: createLogger({ level: 'silent' }), notify: () => {} });
    const numbers: string[] = [];
    for (let i = 0; i < 20; i++) {
      numbers.push(service.createManual({ title: `a${i}`, severity: 'P4' }, 'x').number);
      numbers.push(second.createManual({ title: `b${i}`, severity: 'P4' }, 'x').number);
    }
    other.close();
    expect(new Set(numbers).size).toBe(40);
  });
});

describe('durability', () => {
  it('after reopening the database file nothing is lost, and replaying the same changes duplicates nothing', () => {
    const changes = [change(), change({ checkId: 'ping', checkType: 'ping' }), change({ checkId: 'cpu', to: 'warn' })];
    for (const c of changes) service.handleStateChange(c);
    service.acknowledge('INC-20250314-0001', 'wang');
    const before = all();
    db.close(); // what kill -9 leaves behind: the committed WAL
    open();
    expect(all()).toEqual(before);
    for (const c of changes) service.handleStateChange(c);
    expect(all()).toEqual(before);
    expect(service.createManual({ title: 'after restart', severity: 'P4' }, 'x').number).toBe('INC-20250314-0004');
  });

  it('replaying every check\'s current state at start-up repairs changes a crash kept from the incident service', () => {
    service.handleStateChange(change({ checkId: 'cpu' })); // will recover while "down"
    service.handleStateChange(change({ checkId: 'mem', to: 'warn' })); // unchanged
    db.close();
    open();
    clock += 60_000;
    // Current states as the state history has them (from: null = replay): disk went crit, cpu recovered, mem still warn.
    const current = [change({ from: null, atMs: clock - 30_000 }), change({ checkId: 'cpu', from: null, to: 'ok' }), change({ checkId: 'mem', from: null, to: 'warn' })];
    for (const c of current) service.handleStateChange(c);
    for (const c of current) service.handleStateChange(c); // and replaying twice changes nothing more
    expect(all().map((i) => [i.number, i.checkId, i.status, i.lastState])).toEqual([
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

  it('a more urgent window firing while the incident is open retitles it and raises it; the timeline keeps the old title', () => {
    const first = fire('1d/2h', 3, 'P3');
    expect(first).toMatchObject({ titleCode: 'title.burn_rate', titleParams: { window: '1d/2h', factor: 3 }, severity: 'P3', title: 'db-1: error budget of acme burning ≥ 3× (1d/2h)' });
    clock += 60_000;
    // The same window again: nothing changes, no timeline entry.
    expect(fire('1d/2h', 3, 'P3').updatedAtMs).toBe(T0);
    clock += 60_000;
    const urgent = fire('1h/5m', 14.4, 'P2');
    expect(urgent).toMatchObject({ id: first.id, status: 'open', severity: 'P2', titleParams: { window: '1h/5m', factor: 14.4 }, title: 'db-1: error budget of acme burning ≥ 14.4× (1h/5m)' });
    expect(all()).toHaveLength(1);
    const entries = service.get(first.number)!.timeline;
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
    expect(fire('3d/6h', 1, 'P3')).toMatchObject({ severity: 'P2', titleParams: { window: '3d/6h' } });
  });

  it('re-firing within the grace after it resolved reopens the same incident under the new title', () => {
    const first = fire('6h/30m', 6, 'P2');
    clock += 60_000;
    service.resolveKeyed(key, 'recovered', 'burn rate back below every alert threshold', undefined, { code: 'note.burn_rate_recovered', params: {} });
    clock += 60_000;
    const again = fire('1h/5m', 14.4, 'P2');
    expect(again).toMatchObject({ id: first.id, status: 'open', titleParams: { window: '1h/5m' } });
    const kinds = service.get(first.number)!.timeline.map((e) => [e.kind, e.noteCode]);
    expect(kinds).toEqual([
      ['opened', 'note.burn_rate'],
      ['resolved', 'note.burn_rate_recovered'],
      ['reopened', 'note.burn_rate'],
    ]);
    expect(service.get(first.number)!.timeline[2]!.data).toMatchObject({ previous_title_params: { window: '6h/30m' } });
  });
});
