/**
 * Holiday data for the next 60 days: a collector started on 2026-12-01 with a contract on the 5x8 calendar has no
 * holiday data for January 2027 (chinese-days ends with 2026). It still starts; /healthz carries the warning and
 * /metrics the gauge outpost_calendar_data_missing{calendar,year}. With sla.holiday_data.cn."2027" both are clean.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../support.js';
import { startClockedCollector, type ClockedCollector } from './support.js';

const T0 = Date.parse('2026-12-01T02:00:00Z'); // Tuesday 10:00 Asia/Shanghai; +60 days reaches January 2027
const contract = { name: 'gov', policy: 'commitment-004', calendar: '5x8', availability_target: 99.5, members: { targets: ['erp-1'] } };

let c: ClockedCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

describe('holiday data for the next 60 days', () => {
  it('missing: the collector starts with an error-level log line, /healthz warns and /metrics has the gauge per calendar and year', async () => {
    const errors = new PassThrough();
    let logged = '';
    errors.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    c = await startClockedCollector({ sla: { contracts: [contract] } }, T0, undefined, errors);
    const lines = logged.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; calendar?: string; year?: number; msg: string });
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, calendar: '5x8', year: 2027, msg: expect.stringContaining('no holiday data for 2027') }));
    const health = await json(c.api('/healthz'));
    expect(health.ok).toBe(true);
    expect(health.warnings).toContain(
      'calendar "5x8": no holiday data for 2027 (have 2004–2026); figures for 2027 use weekends only — add sla.holiday_data.cn."2027" (outpost sla holidays import FILE.ics --set cn prints it) or upgrade chinese-days',
    );
    const metrics = await (await c.api('/metrics')).text();
    expect(metrics).toContain('outpost_calendar_data_missing{calendar="5x8",year="2027"} 1');
    // 24x7 (commitment-004 P1) applies no holidays: no gauge for it.
    expect(metrics).not.toContain('calendar="24x7"');
  });

  it('declared in sla.holiday_data: no warning, no gauge sample', async () => {
    const holiday_data = { cn: { '2027': { off: ['2027-01-01', '2027-02-06..2027-02-13'], work: ['2027-02-14'] } } };
    c = await startClockedCollector({ sla: { contracts: [contract], holiday_data } }, T0);
    const health = await json(c.api('/healthz'));
    expect(health.warnings.filter((w: string) => w.includes('holiday data'))).toEqual([]);
    const metrics = await (await c.api('/metrics')).text();
    expect(metrics).not.toMatch(/outpost_calendar_data_missing\{/);
  });
});
