/**
 * October 2026 on a 5x8 contract (09:00–17:30, Asia/Shanghai) across National Day: per chinese-days Oct 1–7 are
 * holidays and Saturday Oct 10 is a make-up working day, so the month has 18 working days = 153 h = 550,800 s of
 * contract time. Contract `gov`: policy commitment-004 (P2 response 1 h / resolution 12 h, P3 1 h / 2 working days,
 * all on 5x8), availability target 99.2 %. Ground truth (local times):
 * - erp-1 down Sat Oct 3 10:00–14:00 (holiday: no downtime, not an outage). INC P2: ack 10:30, resolved 14:00 —
 *   response and resolution take 0 contract seconds.
 * - erp-1 down Sat Oct 10 16:00–18:00 (make-up day: 16:00–17:30 = 5,400 s downtime). INC P2: ack Mon Oct 12 09:30
 *   (1.5 h + 0.5 h = 7,200 s > 1 h: breached), resolved Oct 12 11:00 (12,600 s ≤ 12 h: met).
 * - mail-1 down Wed Oct 14 12:00–13:00 (3,600 s). INC P2: ack 12:20 (1,200 s), resolved Thu Oct 15 10:00
 *   (5.5 h + 1 h = 23,400 s).
 * - a manual P3 on erp-1 Fri Oct 16 17:00: ack Mon Oct 19 09:10 (30 + 10 min = 2,400 s), resolved Tue Oct 20 10:00
 *   (0.5 h + 8.5 h + 1 h = 36,000 s ≤ 17 h).
 * - erp-1 down Wed Oct 21 09:30–10:30 inside the maintenance window 09:00–11:00 (7,200 s maintenance, no incident).
 */
import type { ReportContext } from '../../../../collector/reports/context.js';
import { startWorld } from './scenario.js';

/** Asia/Shanghai wall time → epoch ms. */
export const local = (text: string): number => Date.parse(`${text}+08:00`);

export const holidayConfig = {
  sla: {
    contracts: [{ name: 'gov', policy: 'commitment-004', calendar: '5x8', availability_target: 99.2, members: { targets: ['erp-1', 'mail-1'] } }],
    maintenance: [{ name: 'erp upgrade', targets: ['erp-1'], start: new Date(local('2026-10-21T09:00:00')).toISOString(), end: new Date(local('2026-10-21T11:00:00')).toISOString() }],
  },
  incidents: { enabled: false, auto_resolve: false, targets: { 'erp-1': { criticality: 'normal' }, 'mail-1': { criticality: 'normal' } } },
  states: { silence_factor: 100 },
};

export interface HolidayScenario {
  ctx: ReportContext;
  world: Awaited<ReturnType<typeof startWorld>>;
  numbers: { holiday: string; makeUp: string; mail: string; manual: string };
  stop(): Promise<void>;
}

export async function seedHolidayScenario(): Promise<HolidayScenario> {
  const world = await startWorld(holidayConfig, local('2026-10-01T00:00:00'));
  const { clock, ping, incidents, latestIncident } = world;
  const at = (text: string) => {
    clock.now = local(text);
  };
  await ping('a1', 'erp-1', 'ok', local('2026-10-01T00:00:00'));
  await ping('a2', 'mail-1', 'ok', local('2026-10-01T00:00:00'));

  await ping('a1', 'erp-1', 'crit', local('2026-10-03T10:00:00'));
  const holiday = await latestIncident('erp-1');
  at('2026-10-03T10:30:00');
  await incidents.acknowledge(holiday, 'alice');
  await ping('a1', 'erp-1', 'ok', local('2026-10-03T14:00:00'));
  await incidents.resolve(holiday, 'alice', 'power work in the machine room', 'restored power');

  await ping('a1', 'erp-1', 'crit', local('2026-10-10T16:00:00'));
  const makeUp = await latestIncident('erp-1');
  await ping('a1', 'erp-1', 'ok', local('2026-10-10T18:00:00'));
  at('2026-10-12T09:30:00');
  await incidents.acknowledge(makeUp, 'bob');
  at('2026-10-12T11:00:00');
  await incidents.resolve(makeUp, 'bob', 'database lock', 'killed the blocking session');

  await ping('a2', 'mail-1', 'crit', local('2026-10-14T12:00:00'));
  const mail = await latestIncident('mail-1');
  at('2026-10-14T12:20:00');
  await incidents.acknowledge(mail, 'carol');
  await ping('a2', 'mail-1', 'ok', local('2026-10-14T13:00:00'));
  at('2026-10-15T10:00:00');
  await incidents.resolve(mail, 'carol', 'queue full', 'purged the queue');

  at('2026-10-16T17:00:00');
  const manual = (await incidents.createManual({ title: 'report export slow', severity: 'P3', target: 'erp-1', reporter: 'customer hotline' }, 'dave')).number;
  at('2026-10-19T09:10:00');
  await incidents.acknowledge(manual, 'dave');
  at('2026-10-20T10:00:00');
  await incidents.resolve(manual, 'dave', 'missing index', 'added the index');

  await ping('a1', 'erp-1', 'crit', local('2026-10-21T09:30:00'));
  await ping('a1', 'erp-1', 'ok', local('2026-10-21T10:30:00'));

  const ctx = await world.finish(local('2026-11-22T09:00:00'));
  return { ctx, world, numbers: { holiday, makeUp, mail, manual }, stop: () => world.running.stop() };
}
