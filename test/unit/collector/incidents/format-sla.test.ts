/** The incident CLI's SLA clocks: due times in the collector's time zone (never UTC), what remains or by how much breached. */
import { describe, expect, it } from 'vitest';
import { formatIncidentDetail, formatIncidentList } from '../../../../collector/incidents/format.js';
import { clockCell, localMinute, parseSla, slaSection } from '../../../../collector/incidents/format-sla.js';

const SH = 'Asia/Shanghai';
// 2026-10-05 10:00 in Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const running = { target_s: 1800, due_at: at(30), stopped_at: null, remaining_business_s: 1500, state: 'running', breached: false, met: null };
const sla = {
  policy: 'gold',
  contract: 'acme',
  response: { ...running, stopped_at: at(10), remaining_business_s: 1200, state: 'met', met: true },
  resolution: { target_s: 12 * 3600, due_at: at(12 * 60), stopped_at: null, remaining_business_s: -3900, state: 'breached', breached: true, met: false },
  pauses: [{ start: at(60), end: at(120), reason: 'waiting on customer', paused_by: 'o', resumed_by: 'o' }],
  extensions: [{ at: at(180), extend_s: 4 * 3600, approved_by: '张经理', reason: 'vendor part', by: 'o' }],
  escalation: { chain: 'quick', levels: [{ level: 1, name: 'team-lead', due_at: at(60), cancelled: false, fired_at: at(60) }, { level: 2, name: 'director', due_at: at(120), cancelled: false, fired_at: null }] },
};

describe('clockCell', () => {
  it('running: local due time and what remains', () => expect(clockCell(running, SH)).toBe('2026-10-05 10:30 (25 min left)'));
  it('in another zone the same instant reads differently', () => expect(clockCell(running, 'Europe/Berlin')).toBe('2026-10-05 04:30 (25 min left)'));
  it('met once stopped in time; breached by how much once stopped late', () => {
    expect(clockCell(sla.response, SH)).toBe('met');
    expect(clockCell({ ...running, stopped_at: at(40), remaining_business_s: -600, breached: true }, SH)).toBe('breached by 10 min');
  });
  it('running past due: the due time and by how much it is breached', () => expect(clockCell(sla.resolution, SH)).toBe('2026-10-05 22:00 (breached by 1 h 5 min)'));
  it('paused: no due time, what remains', () => expect(clockCell({ ...running, due_at: null, state: 'paused' }, SH)).toBe('paused (25 min left)'));
  it('no target: -', () => expect(clockCell(null, SH)).toBe('-'));
});

describe('localMinute / parseSla', () => {
  it('never prints UTC ISO', () => {
    expect(localMinute(SH, at(0))).toBe('2026-10-05 10:00');
    expect(localMinute(SH, null)).toBe('-');
  });
  it('a block it does not understand is ignored, not fatal', () => {
    expect(parseSla(undefined)).toBeNull();
    expect(parseSla({ response: 'soon' })).toBeNull();
  });
});

describe('slaSection (incident show)', () => {
  it('both clocks, pauses, extensions and escalation steps in local time', () => {
    expect(slaSection(parseSla(sla)!, SH)).toEqual([
      'sla: policy gold, contract acme (times Asia/Shanghai)',
      '  response:    due 2026-10-05 10:30  met, stopped 2026-10-05 10:10  (target 30 min; met)',
      '  resolution:  due 2026-10-05 22:00  breached by 1 h 5 min  (target 8 h + 4 h extended; breached)',
      'pauses:',
      '  2026-10-05 11:00 – 2026-10-05 12:00  waiting on customer  (by o, resumed by o)',
      'extensions:',
      '  2026-10-05 13:00  +4 h  approved by 张经理  vendor part  (by o)',
      'escalation (quick):',
      '  1. team-lead             due 2026-10-05 11:00  fired 2026-10-05 11:00',
      '  2. director              due 2026-10-05 12:00  pending',
    ]);
  });
});

describe('list and show with SLA timers and the collector time zone', () => {
  const item = { number: 'INC-20261005-0001', title: 'web-1 http: crit', severity: 'P2', status: 'acknowledged', target: 'web-1', check_id: 'http', opened_at_ms: T0, sla };

  it('list adds the response and resolution due columns; the header names the zone', () => {
    const text = formatIncidentList({ items: [item], total: 1, limit: 50, offset: 0, time_zone: 'Asia/Tokyo' });
    const [header, row] = text.split('\n');
    expect(header).toMatch(/^NUMBER\s+SEV\s+STATUS\s+OPENED \(Asia\/Tokyo\)\s+RESPONSE DUE\s+RESOLUTION DUE\s+TARGET\s+TITLE$/);
    expect(row).toContain('2026-10-05 11:00:00');
    expect(row).toMatch(/ met +2026-10-05 23:00 \(breached by 1 h 5 min\) +web-1 +web-1 http: crit$/);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('show adds the clocks and the customer evaluation', () => {
    const text = formatIncidentDetail({
      ...item,
      parent_number: null,
      timeline: [{ at_ms: T0, actor: 'system', kind: 'opened', note: null }],
      evaluation: { score: 95, comment: '响应及时', evaluator: '张经理' },
    });
    expect(text).toContain('  resolution:  due 2026-10-05 22:00');
    expect(text).toContain('evaluation: 95/100 by 张经理  "响应及时"');
    expect(text).toContain('  2026-10-05 10:00:00  system      opened');
  });
});
