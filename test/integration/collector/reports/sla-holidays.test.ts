/**
 * The SLA report of October 2026 on a 5x8 contract across National Day (holiday-scenario.ts has the ground truth):
 * every number of the JSON form asserted against hand-computed values in contract time (holidays excluded, the
 * make-up Saturday included), and equal to GET /api/v1/availability and /api/v1/sla/summary of the running collector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaDocument } from '../../../../collector/reports/document-sla.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { seedHolidayScenario, type HolidayScenario } from './holiday-scenario.js';
import { TOKEN } from './scenario.js';

const H = 3600;
/** 18 working days (Oct 8, 9, make-up Sat 10, 12–16, 19–23, 26–30) × 8.5 h. */
const SCHEDULED_S = 18 * 8.5 * H;
const TARGET = 99.2;

let s: HolidayScenario;
beforeAll(async () => {
  s = await seedHolidayScenario();
});
afterAll(async () => {
  await s?.stop();
});

const report = () => buildSlaReport(s.ctx, { period: '2026-10', contract: 'gov', lang: 'en' });

/** Availability JSON of a target from its ground truth (the API's shape). */
function expectedAvailability(name: string, member: string, down: { start: string; end: string; duration_s: number; downtime_s: number }, maintenanceS: number) {
  const measured = SCHEDULED_S - maintenanceS;
  const allowed = ((100 - TARGET) / 100) * measured;
  return {
    subject: { kind: 'target', name },
    contract: 'gov',
    policy: 'commitment-004',
    calendar: '5x8',
    time_zone: 'Asia/Shanghai',
    rule: 'all',
    members: [member],
    from: '2026-09-30T16:00:00.000Z',
    to: '2026-10-31T16:00:00.000Z',
    availability_percent: (100 * (measured - down.downtime_s)) / measured,
    target_percent: TARGET,
    target_met: (100 * (measured - down.downtime_s)) / measured >= TARGET,
    scheduled_s: SCHEDULED_S,
    up_s: measured - down.downtime_s,
    down_s: down.downtime_s,
    unknown_s: 0,
    maintenance_s: maintenanceS,
    measured_s: measured,
    downtime_ms: down.downtime_s * 1000,
    allowed_downtime_s: Math.round(allowed),
    error_budget_left_s: Math.round(allowed - down.downtime_s),
    error_budget_left_percent: (100 * (allowed - down.downtime_s)) / allowed,
    coverage: 1,
    outage_count: 1,
    mttr_s: down.downtime_s,
    mtbf_s: measured - down.downtime_s,
    outages: [{ start: down.start, end: down.end, ongoing: false, duration_s: down.duration_s, downtime_s: down.downtime_s, maintenance_s: 0, causes: [`${name} unreachable: 100% packet loss (3 sent)`] }],
  };
}

describe('SLA report on 5x8 across National Day', () => {
  it('contract time: 550,800 s; the holiday outage is no downtime, the make-up Saturday counts; maintenance excluded', async () => {
    const r = await report();
    expect(SCHEDULED_S).toBe(550_800);
    const [erp, mail] = r.availability;
    // erp-1: Oct 10 16:00–18:00 down, 16:00–17:30 of it in contract time; 2 h maintenance on Oct 21.
    expect(erp).toEqual({ ...expectedAvailability('erp-1', 'a1/ping', { start: '2026-10-10T08:00:00.000Z', end: '2026-10-10T10:00:00.000Z', duration_s: 7200, downtime_s: 5400 }, 7200), availability_percent: expect.any(Number), error_budget_left_percent: expect.any(Number) });
    expect(erp?.availability_percent).toBeCloseTo((100 * 538_200) / 543_600, 9); // 99.0066 % < 99.2 %
    expect(erp?.error_budget_left_percent).toBeCloseTo((100 * (0.008 * 543_600 - 5400)) / (0.008 * 543_600), 9);
    expect(erp).toMatchObject({ allowed_downtime_s: 4349, error_budget_left_s: -1051, target_met: false });
    // mail-1: Wed Oct 14 12:00–13:00.
    expect(mail).toEqual({ ...expectedAvailability('mail-1', 'a2/ping', { start: '2026-10-14T04:00:00.000Z', end: '2026-10-14T05:00:00.000Z', duration_s: 3600, downtime_s: 3600 }, 0), availability_percent: expect.any(Number), error_budget_left_percent: expect.any(Number) });
    expect(mail?.availability_percent).toBeCloseTo((100 * 547_200) / 550_800, 9); // 99.3464 % ≥ 99.2 %
    expect(mail?.error_budget_left_percent).toBeCloseTo((100 * (0.008 * 550_800 - 3600)) / (0.008 * 550_800), 9);
    expect(mail).toMatchObject({ allowed_downtime_s: 4406, error_budget_left_s: 806, target_met: true });
  });

  it('header, calculation policy and overview', async () => {
    const r = await report();
    expect(r).toMatchObject({ kind: 'sla', lang: 'en', period: '2026-10', generated_at: '2026-11-22T01:00:00.000Z', from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' });
    expect(r.contract).toEqual({
      name: 'gov',
      policy: 'commitment-004',
      policy_title: 'Urgent answered in 15 min and escalated; others in 1 h (business hours)',
      policy_description:
        'urgent faults answered within 15 min around the clock and escalated to the project manager, technical director and deputy general manager after 2 h; high: answered within 1 h, workaround within 12 h; medium and low: answered within 1 h, resolved within 2 working days (business hours 09:00–17:30)',
      calendar: '5x8',
      time_zone: 'Asia/Shanghai',
      availability_target: 99.2,
      compliance_goal: null,
      targets: ['erp-1', 'mail-1'],
    });
    expect(r.calculation).toEqual({
      formula: 'A = up / (scheduled − maintenance − unknown)',
      unknown_policy: 'excluded',
      warn_counts_as_up: true,
      calendar: '5x8',
      time_zone: 'Asia/Shanghai',
      target_rule: 'reachability checks if the target has any, else all its checks (down while any is down)',
      resolution_starts: 'opened',
      holiday_data_missing: [],
    });
    const mtta = (1800 + 149_400 + 1200 + 231_000) / 4; // wall-clock, as GET /api/v1/sla/summary
    const mttr = (14_400 + 154_800 + 79_200 + 320_400) / 4;
    // The contract as a whole: Σ up / Σ measured of its members (up = measured − down here: warn counts as up).
    const measured = r.availability.reduce((sum, a) => sum + (a.measured_s ?? 0), 0);
    const allowed = ((100 - r.contract.availability_target) / 100) * measured;
    expect(r.overview).toEqual({
      targets: 2,
      targets_met: 1,
      availability_percent: expect.closeTo((100 * (measured - 9000)) / measured, 9),
      error_budget_left_percent: expect.closeTo((100 * (allowed - 9000)) / allowed, 9),
      lowest_availability_percent: r.availability[0]?.availability_percent,
      downtime_s: 5400 + 3600,
      outages: 2,
      incidents: 4,
      mtta_s: mtta,
      mttr_s: mttr,
      resolution_compliance_percent: 100,
      resolution_pending: 0,
      compliance_goal: null,
      backup_success_percent: null,
    });
    expect([mtta, mttr]).toEqual([95_850, 142_200]);
  });

  it('outages linked to their incidents (the holiday one is not an outage); the maintenance window', async () => {
    const r = await report();
    expect(r.outages).toEqual([
      { target: 'erp-1', start: '2026-10-10T08:00:00.000Z', end: '2026-10-10T10:00:00.000Z', ongoing: false, duration_s: 7200, downtime_s: 5400, cause: 'database lock', incident: s.numbers.makeUp },
      { target: 'mail-1', start: '2026-10-14T04:00:00.000Z', end: '2026-10-14T05:00:00.000Z', ongoing: false, duration_s: 3600, downtime_s: 3600, cause: 'queue full', incident: s.numbers.mail },
    ]);
    expect(r.maintenance).toEqual([{ name: 'erp upgrade', start: '2026-10-21T01:00:00.000Z', end: '2026-10-21T03:00:00.000Z', duration_s: 7200, targets: ['erp-1'] }]);
  });

  it('incidents: wall-clock and contract-time response/resolution, met/breached per the 5x8 calendar', async () => {
    const r = await report();
    const row = (number: string, severity: string, title: string, target: string, times: { opened: string; ack: string; resolved: string }, wall: [number, number], business: [number, number], targets: [number, number], cause: string, resolution: string) => ({
      number,
      severity,
      title,
      // Incidents a check opened are titled by code (rendered in the report's language); a person's title has none.
      ...(title.includes(' · ') ? { title_code: 'title.check', title_params: expect.objectContaining({ target, state: 'crit' }) } : { title_code: null, title_params: null }),
      target,
      status: 'resolved',
      opened_at: times.opened,
      acknowledged_at: times.ack,
      resolved_at: times.resolved,
      response_s: wall[0],
      resolution_s: wall[1],
      response_target_s: targets[0],
      response_business_s: business[0],
      response_met: business[0] <= targets[0],
      resolution_target_s: targets[1],
      resolution_business_s: business[1],
      resolution_met: business[1] <= targets[1],
      cause,
      resolution,
    });
    const P2: [number, number] = [H, 12 * H];
    const P3: [number, number] = [H, 2 * 8.5 * H];
    expect(r.incidents.list).toEqual([
      // National Day: both clocks stand still.
      row(s.numbers.holiday, 'P2', 'erp-1 · ping — erp-1 unreachable: 100% packet loss (3 sent)', 'erp-1', { opened: '2026-10-03T02:00:00.000Z', ack: '2026-10-03T02:30:00.000Z', resolved: '2026-10-03T06:00:00.000Z' }, [1800, 4 * H], [0, 0], P2, 'power work in the machine room', 'restored power'),
      // Make-up Saturday 16:00–17:30 + Monday from 09:00.
      row(s.numbers.makeUp, 'P2', 'erp-1 · ping — erp-1 unreachable: 100% packet loss (3 sent)', 'erp-1', { opened: '2026-10-10T08:00:00.000Z', ack: '2026-10-12T01:30:00.000Z', resolved: '2026-10-12T03:00:00.000Z' }, [41.5 * H, 43 * H], [2 * H, 3.5 * H], P2, 'database lock', 'killed the blocking session'),
      row(s.numbers.mail, 'P2', 'mail-1 · ping — mail-1 unreachable: 100% packet loss (3 sent)', 'mail-1', { opened: '2026-10-14T04:00:00.000Z', ack: '2026-10-14T04:20:00.000Z', resolved: '2026-10-15T02:00:00.000Z' }, [1200, 22 * H], [1200, 6.5 * H], P2, 'queue full', 'purged the queue'),
      // Friday 17:00 → Monday 09:10 is 40 contract minutes.
      row(s.numbers.manual, 'P3', 'report export slow', 'erp-1', { opened: '2026-10-16T09:00:00.000Z', ack: '2026-10-19T01:10:00.000Z', resolved: '2026-10-20T02:00:00.000Z' }, [64 * H + 600, 89 * H], [2400, 10 * H], P3, 'missing index', 'added the index'),
    ]);
    expect(r.incidents.list.map((i) => [i.response_met, i.resolution_met])).toEqual([
      [true, true],
      [false, true],
      [true, true],
      [true, true],
    ]);
  });

  it('incidents by severity, compliance, backups and the inspection summary', async () => {
    const r = await report();
    const none = { with_target: 0, met: 0, breached: 0, pending: 0, compliance_percent: null };
    const counts = (met: number, breached: number) => ({ with_target: met + breached, met, breached, pending: 0, compliance_percent: (met / (met + breached)) * 100 });
    expect(r.incidents.by_severity).toEqual({
      P1: { total: 0, response: none, resolution: none },
      P2: { total: 3, response: counts(2, 1), resolution: counts(3, 0) },
      P3: { total: 1, response: counts(1, 0), resolution: counts(1, 0) },
      P4: { total: 0, response: none, resolution: none },
    });
    expect(r.incidents).toMatchObject({ total: 4, response: counts(3, 1), resolution: counts(4, 0), mtta_s: 95_850, mttr_s: 142_200 });
    expect(r.compliance).toEqual({
      goal_percent: null, // commitment-004 states no compliance goal
      response_percent: 75,
      response_met: 3,
      response_breached: 1,
      response_pending: 0,
      resolution_percent: 100,
      resolution_met: 4,
      resolution_breached: 0,
      resolution_pending: 0,
      resolution_met_goal: null,
      by_severity: {
        P1: { response_percent: null, resolution_percent: null },
        P2: { response_percent: (2 / 3) * 100, resolution_percent: 100 },
        P3: { response_percent: 100, resolution_percent: 100 },
        P4: { response_percent: null, resolution_percent: null },
      },
    });
    expect(r.backups).toEqual({ samples: 0, ok: 0, warn: 0, crit: 0, unknown: 0, success_percent: null });
    // Ping samples (one per hour slot): erp-1 ok, crit, ok, crit, ok, crit, ok; mail-1 ok, crit, ok.
    expect(r.inspection).toEqual({ samples: 10, ok: 6, warn: 0, crit: 4, unknown: 0, success_percent: 60 });
  });

  it('equals GET /api/v1/availability and /api/v1/sla/summary of the running collector', async () => {
    const r = await report();
    const get = async (path: string) =>
      (await fetch(`http://127.0.0.1:${s.world.running.apiPort}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<Record<string, unknown>>;
    for (const target of ['erp-1', 'mail-1']) expect(r.availability.find((a) => a.subject.name === target)).toEqual(await get(`/api/v1/availability?target=${target}&period=2026-10`));
    const summary = (await get('/api/v1/sla/summary?period=2026-10')) as { contracts: Array<{ name: string; incidents: Record<string, unknown> }> };
    expect(summary.contracts.find((c) => c.name === 'gov')?.incidents).toMatchObject({ total: 4, mtta_s: r.incidents.mtta_s, mttr_s: r.incidents.mttr_s, response: r.incidents.response, resolution: r.incidents.resolution, by_severity: r.incidents.by_severity });
  });
  it('a period the bundled holiday data does not cover says so in the calculation policy, in both languages', async () => {
    await s.world.ping('a1', 'erp-1', 'ok', Date.parse('2027-01-05T10:00:00+08:00'));
    // reported in February 2027: the bundled chinese-days data ends with 2026 and no holiday_data is configured
    const r = await buildSlaReport({ ...s.ctx, now: () => Date.parse('2027-02-03T09:00:00+08:00') }, { period: '2027-01', contract: 'gov' });
    expect(r.calculation.holiday_data_missing).toEqual([{ calendar: '5x8', year: 2027 }]);
    expect(JSON.stringify(slaDocument(r, 'zh-CN'))).toContain('2027 年的数字只按周末计算（日历 5x8 缺少该年节假日数据）');
    expect(JSON.stringify(slaDocument(r, 'en'))).toContain('figures for 2027 use weekends only (calendar 5x8 has no holiday data for 2027)');
  });
});
