/**
 * GET /api/v1/reports/{sla,inspection,fault/:number} (and POST …/fault/:number) on the running collector of the seeded October: content types,
 * attachment file names, the JSON equal to the report built in process, 400/404 mapping with field details, auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { OPERATOR_TOKEN, seedScenario, TOKEN, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario();
});
afterAll(async () => {
  await s?.stop();
});

async function get(path: string, token: string | null = TOKEN, method: 'GET' | 'POST' = 'GET') {
  const res = await fetch(`http://127.0.0.1:${s.running.apiPort}/api/v1/reports${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body, json: () => JSON.parse(body.toString('utf8')) as Record<string, unknown> };
}

describe('GET /api/v1/reports/sla', () => {
  it('json (default) equals the report built in process, inline', async () => {
    const r = await get('/sla?period=2026-10&contract=acme');
    expect(r).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', disposition: null });
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(await buildSlaReport(s.ctx, { period: '2026-10', contract: 'acme' }))));
  });

  it('pdf, xlsx and csv are attachments named after contract and period; html is inline', async () => {
    const pdf = await get('/sla?period=2026-10&contract=acme&format=pdf&lang=en');
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', disposition: 'attachment; filename=sla-acme-2026-10.pdf' });
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await get('/sla?period=2026-10&contract=acme&format=xlsx');
    expect(xlsx).toMatchObject({ status: 200, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', disposition: 'attachment; filename=sla-acme-2026-10.xlsx' });
    expect(xlsx.body.subarray(0, 2).toString()).toBe('PK');
    const csv = await get('/sla?period=2026-10&contract=acme&format=csv&lang=zh-CN');
    expect(csv).toMatchObject({ status: 200, type: 'text/csv; charset=utf-8', disposition: 'attachment; filename=sla-acme-2026-10.csv' });
    expect(csv.body.toString('utf8')).toMatch(/^\uFEFFSLA 服务水平月度报告\r\n/);
    const html = await get('/sla?period=2026-10&contract=acme&format=html&lang=en');
    expect(html).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', disposition: null });
    expect(html.body.toString('utf8')).toContain('<h1>Monthly SLA report</h1>');
  });

  it('400 for bad parameters (the field named), 400 for a future period, 404 for an unknown contract or no data', async () => {
    const bad = await get('/sla?period=2026-13&contract=acme&format=doc&extra=1');
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      error: 'invalid query',
      details: expect.arrayContaining([
        { field: 'query.period', message: 'expected YYYY-MM or YYYY-Qn' },
        { field: 'query.format', message: expect.stringContaining('pdf') },
        { field: 'query.extra', message: 'unknown parameter' },
      ]),
    });
    expect((await get('/sla?period=2026-10')).json()).toMatchObject({ error: 'invalid query', details: [{ field: 'query.contract' }] });
    const future = await get('/sla?period=2099-01&contract=acme');
    expect(future.status).toBe(400);
    expect(future.json()).toEqual({ error: 'period 2099-01 is in the future', details: [{ field: 'query.contract', message: 'period 2099-01 is in the future' }] });
    const unknown = await get('/sla?period=2026-10&contract=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'unknown contract "nope" (known: acme)' });
    const empty = await get('/sla?period=2026-08&contract=acme');
    expect(empty.status).toBe(404);
    expect(empty.json()).toMatchObject({ error: expect.stringContaining('no data for contract "acme" in 2026-08') });
  });

  it('needs a token (401 without or with a wrong one); a viewer token is enough', async () => {
    expect((await get('/sla?period=2026-10&contract=acme', null)).status).toBe(401);
    expect((await get('/sla?period=2026-10&contract=acme', 'not-the-token-0123456789')).status).toBe(401);
    expect((await get('/sla?period=2026-10&contract=acme')).status).toBe(200);
  });
});

describe('GET /api/v1/reports/inspection', () => {
  it('json equals the in-process report; pdf attachment named after the date', async () => {
    const r = await get('/inspection?date=2026-10-20');
    expect(r).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(await buildInspectionReport(s.ctx, { date: '2026-10-20' }))));
    const pdf = await get('/inspection?date=2026-10-20&tz=Asia/Shanghai&format=pdf');
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', disposition: 'attachment; filename=inspection-2026-10-20.pdf' });
  });

  it('400 for a bad date, time zone or a future day; 404 when nothing was stored', async () => {
    expect((await get('/inspection?date=20-10-2026')).json()).toMatchObject({ details: [{ field: 'query.date', message: 'expected YYYY-MM-DD' }] });
    expect((await get('/inspection?date=2026-10-20&tz=Mars/Olympus')).json()).toMatchObject({ details: [{ field: 'query.tz', message: 'unknown time zone' }] });
    const future = await get('/inspection?date=2099-01-01');
    expect(future.status).toBe(400);
    expect(future.json()).toMatchObject({ error: 'date 2099-01-01 is in the future' });
    const empty = await get('/inspection?date=2026-01-01');
    expect(empty.status).toBe(404);
    expect(empty.json()).toMatchObject({ error: expect.stringContaining('no check results stored up to 2026-01-01') });
  });
});

describe('POST /api/v1/reports/fault/:number/sent', () => {
  const post = (number: string, token: string, body: unknown = {}) =>
    fetch(`http://127.0.0.1:${s.running.apiPort}/api/v1/reports/fault/${number}/sent`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('operator records it once (201, then 200), on the timeline; viewers, unknown incidents and bad bodies are refused', async () => {
    expect((await post(s.numbers.db, TOKEN)).status).toBe(403);
    const bad = await post(s.numbers.db, OPERATOR_TOKEN, { note: 'x', extra: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['body.extra']);
    expect((await post('INC-20990101-0001', OPERATOR_TOKEN)).status).toBe(404);
    const id = (await s.incidents.get(s.numbers.db))?.id as number;
    expect(await s.ctx.reports.sentOf(s.store.db, id)).toBeNull();
    const first = await post(s.numbers.db, OPERATOR_TOKEN, { note: '已邮件发送客户' });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ number: s.numbers.db, sent_by: 'o', note: '已邮件发送客户', recorded: true });
    const again = await post(s.numbers.db, OPERATOR_TOKEN, { by: 'someone else' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ sent_by: 'o', recorded: false });
    expect((await s.incidents.get(s.numbers.db))?.timeline.filter((e) => e.kind === 'fault_report_sent').map((e) => [e.actor, e.note])).toEqual([['o', '已邮件发送客户']]);
  });
});

describe('GET /api/v1/reports/fault/:number', () => {
  it('the fault report as json and xlsx; GET previews, POST (operator) records it as generated, which is not sent', async () => {
    const r = await get(`/fault/${s.numbers.web}`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'fault', incident: { number: s.numbers.web, severity: 'P1', cause: 'switch port flapping' } });
    const id = (await s.incidents.get(s.numbers.web))?.id as number;
    expect(await s.ctx.reports.faultReportOf(s.store.db, id)).toBeFalsy();
    expect((await get(`/fault/${s.numbers.web}`, TOKEN, 'POST')).status).toBe(403);
    const posted = await get(`/fault/${s.numbers.web}`, OPERATOR_TOKEN, 'POST');
    expect(posted.status).toBe(200);
    expect(await s.ctx.reports.faultReportOf(s.store.db, id)).toMatchObject({ generatedBy: 'o' });
    expect(await s.ctx.reports.sentOf(s.store.db, id)).toBeNull(); // generated is not sent: the reminder goes on until --mark-sent
    const xlsx = await get(`/fault/${s.numbers.web}?format=xlsx&lang=en`);
    expect(xlsx).toMatchObject({ status: 200, disposition: `attachment; filename=fault-${s.numbers.web}.xlsx` });
  });

  it('400 for a malformed number or an unresolved incident, 404 for an unknown one', async () => {
    expect((await get('/fault/INC-1')).json()).toMatchObject({ error: 'invalid params', details: [{ field: 'params.number', message: 'expected INC-YYYYMMDD-NNNN' }] });
    const unknown = await get('/fault/INC-20990101-0001');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'unknown incident "INC-20990101-0001"', details: [{ field: 'params.number' }] });
    const open = (await s.incidents.createManual({ title: 'still open', severity: 'P4', target: 'db-1', reporter: 'test' }, 'erin')).number;
    const unresolved = await get(`/fault/${open}`);
    expect(unresolved.status).toBe(400);
    expect(unresolved.json()).toMatchObject({ error: expect.stringContaining(`incident ${open} is not resolved yet`) });
  });
});
