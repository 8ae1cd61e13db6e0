/** What a schedule asks for at an instant (pure): today's inspection, last month's SLA reports; the API links. */
import { describe, expect, it } from 'vitest';
import { reportScheduleSchema as rawSchema } from '../../../../collector/reports/config.js';
import { reportUrlOf } from '../../../../collector/reports/runtime.js';
import { nextRunMs, requestsFor } from '../../../../collector/reports/scheduler.js';

/** A schedule as the collector resolves it: without its own zone, the collector's (Asia/Shanghai by default). */
const reportScheduleSchema = { parse: (input: unknown) => ({ timezone: 'Asia/Shanghai', ...rawSchema.parse(input) }) };

const at = (local: string) => Date.parse(`${local}+08:00`);

describe('requestsFor', () => {
  it('inspection: the current day in the schedule zone', () => {
    const schedule = reportScheduleSchema.parse({ report: 'inspection', cron: '0 8 * * *' });
    expect(requestsFor(schedule, at('2026-11-01T08:00:00'), [])).toEqual([{ kind: 'inspection', date: '2026-11-01', timeZone: 'Asia/Shanghai' }]);
    // 00:30 in Shanghai is still the previous day in London.
    const london = reportScheduleSchema.parse({ report: 'inspection', cron: '30 0 * * *', timezone: 'Europe/London' });
    expect(requestsFor(london, at('2026-11-01T00:30:00'), [])).toEqual([{ kind: 'inspection', date: '2026-10-31', timeZone: 'Europe/London' }]);
  });

  it('sla: the previous month, one report per contract, or the configured contract', () => {
    const all = reportScheduleSchema.parse({ report: 'sla', cron: '0 8 1 * *' });
    expect(requestsFor(all, at('2026-11-01T08:00:00'), ['acme', 'bank'])).toEqual([
      { kind: 'sla', period: '2026-10', contract: 'acme' },
      { kind: 'sla', period: '2026-10', contract: 'bank' },
    ]);
    expect(requestsFor(all, at('2027-01-01T08:00:00'), ['acme'])).toEqual([{ kind: 'sla', period: '2026-12', contract: 'acme' }]);
    const one = reportScheduleSchema.parse({ report: 'sla', cron: '0 8 1 * *', contract: 'bank' });
    expect(requestsFor(one, at('2026-11-01T08:00:00'), ['acme', 'bank'])).toEqual([{ kind: 'sla', period: '2026-10', contract: 'bank' }]);
  });

  it('sla with period quarter: the previous quarter (quarterly service report), across the year end', () => {
    const quarterly = reportScheduleSchema.parse({ report: 'sla', cron: '0 8 1 1,4,7,10 *', period: 'quarter' });
    expect(requestsFor(quarterly, at('2026-10-01T08:00:00'), ['acme'])).toEqual([{ kind: 'sla', period: '2026-Q3', contract: 'acme' }]);
    expect(requestsFor(quarterly, at('2027-01-01T08:00:00'), ['acme'])).toEqual([{ kind: 'sla', period: '2026-Q4', contract: 'acme' }]);
  });
});

describe('nextRunMs', () => {
  it('monthly on the 1st at 08:00 local, across the year end', () => {
    const s = { cron: '0 8 1 * *', timezone: 'Asia/Shanghai' };
    expect(nextRunMs(s, at('2026-12-15T00:00:00'))).toBe(at('2027-01-01T08:00:00'));
    expect(nextRunMs(s, at('2027-01-01T08:00:00'))).toBe(at('2027-02-01T08:00:00'));
  });
});

describe('reportUrlOf', () => {
  it('no public_url, no links; else API links with the request as query', () => {
    expect(reportUrlOf(undefined)).toBeUndefined();
    const url = reportUrlOf('https://outpost.example.test/')!;
    expect(url({ kind: 'sla', period: '2026-10', contract: 'a&b' }, 'pdf')).toBe('https://outpost.example.test/api/v1/reports/sla?period=2026-10&contract=a%26b&format=pdf');
    expect(url({ kind: 'inspection', date: '2026-10-31' }, 'csv')).toBe('https://outpost.example.test/api/v1/reports/inspection?date=2026-10-31&format=csv');
    expect(url({ kind: 'fault', number: 'INC-20261003-0001', by: 'x' }, 'json')).toBe('https://outpost.example.test/api/v1/reports/fault/INC-20261003-0001?format=json');
  });
});
