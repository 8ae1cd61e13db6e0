/**
 * One month (October 2026) of a contract with a met, a breached, a running, a paused, an extended and a
 * maintenance-deferred incident: compliance counts only clocks with an outcome (met / (met + breached)), the rest are
 * pending — and the API summary and the SLA report in every format (JSON, CSV, XLSX, HTML, PDF via pdftotext) show the
 * same figures. (The dashboard panels are checked against the summary in test/integration/dashboards/panels.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, VIEWER, json } from '../support.js';
import { startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-10-05T02:00:00Z'); // Monday 10:00 Asia/Shanghai
const iso = (ms: number) => new Date(ms).toISOString();

let c: ClockedCollector;
const numbers: Record<string, string> = {};

async function post(path: string, body: Record<string, unknown>): Promise<any> {
  const res = await c.api(path, OPERATOR, { method: 'POST', body: JSON.stringify(body) });
  const parsed = await res.json();
  expect(res.status, `${path}: ${JSON.stringify(parsed)}`).toBeLessThan(300);
  return parsed;
}
const open = async (name: string, target: string) => {
  numbers[name] = (await post('/api/v1/incidents', { title: `${name} down`, severity: 'P2', target })).number;
};
const inc = (name: string, action: string) => `/api/v1/incidents/${numbers[name]}/${action}`;

beforeAll(async () => {
  c = await startClockedCollector(
    {
      sla: {
        policies: {
          monthly: {
            extends: 'levels-i-iv',
            compliance_target: 90,
            extensions: ['P2'],
            severities: { P2: { response: '30m', resolution: '4h', escalation: null } },
          },
        },
        contracts: [{ name: 'acme', policy: 'monthly', members: { targets: ['web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6'] } }],
        maintenance: [{ name: 'disk swap', targets: ['web-6'], start: iso(T0 + 5 * HOUR), end: iso(T0 + 8 * HOUR) }],
      },
    },
    T0,
  );
  await open('met', 'web-1');
  await open('breached', 'web-2');
  await open('extended', 'web-5');
  c.advance(5 * MIN);
  await post(inc('extended', 'ack'), {});
  c.advance(5 * MIN);
  await post(inc('met', 'ack'), {});
  c.advance(30 * MIN); // T0 + 40 min: the response of "breached" is 10 min late
  await post(inc('breached', 'ack'), {});
  c.advance(20 * MIN); // T0 + 1 h
  await post(inc('met', 'resolve'), { cause: 'disk full', resolution: 'rotated logs' });
  await open('paused', 'web-4');
  c.advance(5 * MIN);
  await post(inc('paused', 'ack'), {});
  c.advance(25 * MIN);
  await post(inc('paused', 'pause'), { reason: 'waiting on the customer' });
  c.advance(30 * MIN); // T0 + 2 h
  await post(inc('extended', 'extend'), { for: '4h', approved_by: 'Zhang San (customer)', reason: 'vendor part' });
  c.advance(3 * HOUR); // T0 + 5 h: "breached" resolves an hour past its 4 h
  await post(inc('breached', 'resolve'), { cause: 'bad deploy', resolution: 'rolled back' });
  c.advance(30 * MIN); // T0 + 5 h 30: opened inside the web-6 window → its clocks start at T0 + 8 h
  await open('deferred', 'web-6');
  c.advance(20 * MIN);
  await open('running', 'web-3');
  c.advance(10 * MIN); // T0 + 6 h: "extended" resolves within 4 h + 4 h
  await post(inc('extended', 'resolve'), { cause: 'controller', resolution: 'replaced' });
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

describe('a month of incidents: compliance with outcomes only, the same everywhere', () => {
  let summary: any;

  it('the API summary: response 3 met / 1 breached / 2 pending = 75 %; resolution 2 / 1 / 3 = 66.667 % against 90 %', async () => {
    summary = (await json(c.api('/api/v1/sla/summary?period=2026-10', VIEWER))).contracts.find((x: any) => x.name === 'acme');
    expect(summary.compliance_target).toBe(90);
    expect(summary.incidents.total).toBe(6);
    expect(summary.incidents.response).toEqual({ with_target: 6, met: 3, breached: 1, pending: 2, compliance_percent: 75 });
    expect(summary.incidents.resolution).toMatchObject({ with_target: 6, met: 2, breached: 1, pending: 3 });
    expect(summary.incidents.resolution.compliance_percent).toBeCloseTo(200 / 3, 9);
    expect(summary.incidents.resolution_met_target).toBe(false);
    const deferred = await json(c.api(`/api/v1/incidents/${numbers.deferred}`, VIEWER));
    expect(deferred.sla.resolution).toMatchObject({ state: 'pending', started_at: iso(T0 + 8 * HOUR) });
    const paused = await json(c.api(`/api/v1/incidents/${numbers.paused}`, VIEWER));
    expect(paused.sla.resolution.state).toBe('paused');
  });

  it('the SLA report JSON carries the same figures', async () => {
    const report = await json(c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=json', VIEWER));
    expect(report.compliance).toMatchObject({
      goal_percent: 90,
      response_percent: 75,
      response_met: 3,
      response_breached: 1,
      response_pending: 2,
      resolution_met: 2,
      resolution_breached: 1,
      resolution_pending: 3,
      resolution_met_goal: false,
    });
    expect(report.compliance.resolution_percent).toBe(summary.incidents.resolution.compliance_percent);
  });

  it('CSV, XLSX, HTML and PDF show 66.667 % and 75 %, with the pending count', async () => {
    const csv = await (await c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=csv&lang=en', VIEWER)).text();
    expect(csv).toMatch(/Resolution compliance[^\n]*66\.667/);
    expect(csv).toMatch(/Resolution clocks pending \(not counted\)[^\n]*3/);
    const html = await (await c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=html&lang=en', VIEWER)).text();
    expect(html).toContain('66.667 %');
    expect(html).toContain('75.000 %');
    const xlsxBody = Buffer.from(await (await c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=xlsx&lang=en', VIEWER)).arrayBuffer());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsxBody as unknown as ArrayBuffer);
    const values: unknown[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => values.push(cell.value))));
    // Percent cells hold the share (0.66667 formatted as %) or the percent, depending on the sheet's number format.
    expect(values.some((v) => typeof v === 'number' && (Math.abs(v - 200 / 3) < 0.001 || Math.abs(v - 2 / 3) < 0.00001)), JSON.stringify(values.filter((v) => typeof v === 'number'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'outpost-compliance-'));
    const pdf = join(dir, 'sla.pdf');
    writeFileSync(pdf, Buffer.from(await (await c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=pdf&lang=zh-CN', VIEWER)).arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('66.667 %');
    expect(text).toContain('75.000 %');
  });
});
