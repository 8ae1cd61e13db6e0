/**
 * Incident follow-up in a running collector (embedded broker, SQLite, REST API, CLI) on an injected clock:
 * - extensions with the customer's consent (seed 003: 高/中 only, with the customer representative's agreement):
 *   API and `outpost incident extend`, refused for other severities and for resolved incidents, recorded on the
 *   timeline, moving the resolution due, listed in the SLA report;
 * - the customer's evaluation at closing (seed 002 服务评价, 90 of 100 or more): API and `outpost incident close
 *   --score`, stored, averaged in the SLA report against the contract's satisfaction_target;
 * - `outpost incident list|show` with the clocks in the collector's time zone.
 * Every bad request names its field and leaves what was stored as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutpost } from '../../../helpers/cli.js';
import { ADMIN, OPERATOR, VIEWER, json } from '../support.js';
import { startClockedCollector, type ClockedCollector } from '../sla-service/support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2026-10-12 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-12T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const OVERRIDES = {
  timezone: 'Asia/Shanghai',
  sla: { contracts: [{ name: 'acme', policy: 'contract-003', calendar: '24x7', availability_target: 98, satisfaction_target: 90, members: { targets: ['web-1'] } }] },
};

let c: ClockedCollector;
const post = (path: string, token: string, body: unknown) => c.api(path, token, { method: 'POST', body: JSON.stringify(body) });
const show = (number: string) => json(c.api(`/api/v1/incidents/${number}`, VIEWER));
const url = () => ['--url', `http://127.0.0.1:${c.running.apiPort}`];
const cli = (...args: string[]) => runOutpost(args, { OUTPOST_TOKEN: OPERATOR });

/** Opens and acknowledges at once (contract-003 starts the resolution clock at acknowledgement). */
async function open(severity: string, title: string): Promise<string> {
  const res = await post('/api/v1/incidents', OPERATOR, { title, severity, target: 'web-1' });
  expect(res.status).toBe(201);
  const { number } = (await res.json()) as { number: string };
  expect((await post(`/api/v1/incidents/${number}/ack`, OPERATOR, {})).status).toBe(200);
  return number;
}

beforeAll(async () => {
  c = await startClockedCollector(OVERRIDES, T0);
});
afterAll(async () => {
  await c?.stop();
});

describe('resolution extensions with the customer consent', () => {
  it('P2 on contract-003: +4 h agreed moves the resolution due from 18:00 to 22:00, on the timeline', async () => {
    const number = await open('P2', 'OA login fails');
    expect((await show(number)).sla.resolution_due_at).toBe(iso(T0 + 8 * HOUR));
    c.advance(HOUR);
    const res = await post(`/api/v1/incidents/${number}/extend`, OPERATOR, { for: '4h', approved_by: '张经理', reason: 'waiting for a replacement disk' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.sla).toMatchObject({
      resolution_due_at: iso(T0 + 12 * HOUR),
      resolution: { target_s: 12 * 3600, remaining_business_s: 11 * 3600 },
      extensions: [{ at: iso(T0 + HOUR), extend_s: 4 * 3600, approved_by: '张经理', reason: 'waiting for a replacement disk', by: 'o' }],
    });
    const entry = (await show(number)).timeline.find((e: { kind: string }) => e.kind === 'sla_extended');
    expect(entry).toMatchObject({
      kind: 'sla_extended',
      actor: 'o',
      note: 'waiting for a replacement disk',
      data: { extend_ms: 4 * HOUR, approved_by: '张经理', resolution_due_before_ms: T0 + 8 * HOUR, resolution_due_after_ms: T0 + 12 * HOUR },
    });
    // The scheduler re-armed on the moved due: the next change is the resolution warning at 80 % of 12 h, not of 8 h.
    expect(c.running.sla.scheduler.nextAtMs()).toBe(T0 + 0.8 * 12 * HOUR);
  });

  it('refused for severities the policy does not list, for resolved incidents, and for bad bodies — nothing stored', async () => {
    const p1 = await open('P1', 'core switch down');
    const refused = await post(`/api/v1/incidents/${p1}/extend`, OPERATOR, { for: '4h', approved_by: '张经理', reason: 'x' });
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ error: `cannot extend incident ${p1}: policy "contract-003" allows extensions for P2, P3, not P1` });

    const p3 = await open('P3', 'printer queue');
    const bad = await post(`/api/v1/incidents/${p3}/extend`, OPERATOR, { for: 'soon', reason: '' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.map((d: { field: string }) => d.field).sort()).toEqual(['body.approved_by', 'body.for', 'body.reason']);
    expect((await post(`/api/v1/incidents/${p3}/extend`, VIEWER, { for: '1h', approved_by: 'x', reason: 'y' })).status).toBe(403);
    expect((await post(`/api/v1/incidents/${p3}/extend`, OPERATOR, { for: '1h', approved_by: 'x', reason: 'y', extra: 1 })).status).toBe(400);
    const before = await show(p3);
    expect(before.sla.extensions).toEqual([]);
    expect(before.timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'acknowledged']);

    await post(`/api/v1/incidents/${p3}/resolve`, OPERATOR, { cause: 'paper jam', resolution: 'cleared' });
    const resolved = await post(`/api/v1/incidents/${p3}/extend`, OPERATOR, { for: '1h', approved_by: 'x', reason: 'y' });
    expect(resolved.status).toBe(409);
    expect((await json(resolved)).error).toBe(`cannot extend incident ${p3}: it is resolved`);
    expect((await post('/api/v1/incidents/INC-20261012-0099/extend', OPERATOR, { for: '1h', approved_by: 'x', reason: 'y' })).status).toBe(404);
  });

  it('outpost incident extend: prints the incident with its extensions; bad input exits 2 naming the field', async () => {
    const number = await open('P3', 'mail delays');
    const out = await cli('incident', 'extend', number, ...url(), '--for', '2h', '--approved-by', '李主任', '--reason', 'vendor on site tomorrow');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('extensions:');
    expect(out.stdout).toMatch(/\+2 h {2}approved by 李主任 {2}vendor on site tomorrow {2}\(by o\)/);
    expect(out.stdout).toContain('  resolution:  due ');
    expect(out.stdout).toContain('  resolution:  due 2026-10-13 13:00  1 d 2 h left  (target 1 d + 2 h extended; running)');
    const bad = await cli('incident', 'extend', number, ...url(), '--for', '2x', '--approved-by', 'x', '--reason', 'y');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^outpost: 400 invalid body \(body\.for: invalid duration "2x".*\)\n$/);
    expect((await show(number)).sla.extensions).toHaveLength(1);
  });
});

describe('the customer evaluation at closing', () => {
  it('API: score, comment and evaluator stored with the close, on the timeline; bad scores are refused, nothing stored', async () => {
    const number = await open('P4', 'password reset');
    await post(`/api/v1/incidents/${number}/resolve`, OPERATOR, { cause: 'forgotten', resolution: 'reset' });
    const bad = await post(`/api/v1/incidents/${number}/close`, OPERATOR, { score: 101, comment: 'ok' });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ details: [{ field: 'body.score', message: 'score must be 0-100' }] });
    const orphan = await post(`/api/v1/incidents/${number}/close`, OPERATOR, { comment: 'great' });
    expect(await json(orphan)).toMatchObject({ details: [{ field: 'body.score', message: 'score is required with comment' }] });
    expect((await show(number)).status).toBe('resolved');

    c.advance(MIN);
    const closed = await post(`/api/v1/incidents/${number}/close`, OPERATOR, { score: 85, comment: '处理及时', evaluator: '张经理' });
    expect(closed.status).toBe(200);
    const detail = await json(closed);
    expect(detail).toMatchObject({ status: 'closed', evaluation: { score: 85, comment: '处理及时', evaluator: '张经理', recorded_by: 'o', at_ms: c.clock() } });
    expect(detail.timeline.slice(-2).map((e: { kind: string; data: unknown }) => [e.kind, e.data])).toEqual([
      ['closed', null],
      ['evaluated', { score: 85, evaluator: '张经理' }],
    ]);
  });

  it('CLI: incident close --score --comment --by; --score out of range exits 2 before calling the API', async () => {
    const number = await open('P2', 'VPN drops');
    await post(`/api/v1/incidents/${number}/resolve`, OPERATOR, { cause: 'MTU', resolution: 'set 1400' });
    expect(await cli('incident', 'close', number, ...url(), '--score', '150')).toEqual({ code: 2, stdout: '', stderr: 'outpost: --score must be a whole number 0-100, got "150"\n' });
    const out = await cli('incident', 'close', number, ...url(), '--score', '100', '--comment', '非常满意', '--by', '王五');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('evaluation: 100/100 by 王五  "非常满意"');
    expect((await show(number)).evaluation).toMatchObject({ score: 100, evaluator: '王五', recorded_by: '王五' });
  });

  it('the monthly SLA report lists every extension and the average evaluation against satisfaction_target', async () => {
    c.advance(40 * 24 * HOUR); // November: October is a past month
    const res = await c.api('/api/v1/reports/sla?period=2026-10&contract=acme', ADMIN);
    expect(res.status).toBe(200);
    const report = await json(res);
    expect(report.extensions.map((e: { approved_by: string; extend_s: number; severity: string }) => [e.severity, e.extend_s, e.approved_by])).toEqual([
      ['P2', 4 * 3600, '张经理'],
      ['P3', 2 * 3600, '李主任'],
    ]);
    expect(report.satisfaction).toMatchObject({ target: 90, count: 2, average: 92.5, met: true });
    expect(report.satisfaction.evaluations.map((e: { score: number }) => e.score)).toEqual([85, 100]);
    expect(report.extensions.map((e: { resolution_due_at: string }) => e.resolution_due_at)).toEqual([iso(T0 + 12 * HOUR), '2026-10-13T05:00:00.000Z']);
    const [p2, p3] = report.extensions.map((e: { number: string }) => e.number) as [string, string];
    const reportAs = async (format: string, lang: string) => {
      const r = await c.api(`/api/v1/reports/sla?period=2026-10&contract=acme&format=${format}&lang=${lang}`, ADMIN);
      expect(r.status).toBe(200);
      return Buffer.from(await r.arrayBuffer());
    };
    // Every rendered format: incident, severity, granted at (contract time zone), extended by, new due, approved by, reason.
    const zhRows = [
      [p2, 'P2 高', '2026-10-12 11:00', '4小时', '2026-10-12 22:00', '张经理', 'waiting for a replacement disk'],
      [p3, 'P3 中', '2026-10-12 11:00', '2小时', '2026-10-13 13:00', '李主任', 'vendor on site tomorrow'],
    ];
    const html = (await reportAs('html', 'zh-CN')).toString('utf8');
    const section = html.slice(html.indexOf('<h2>延期记录</h2>'), html.indexOf('<h2>', html.indexOf('<h2>延期记录</h2>') + 1));
    const cells = [...section.matchAll(/<t[dh](?: [^>]*)?>(.*?)<\/t[dh]>/g)].map((m) => m[1]);
    expect(cells).toEqual(['事件编号', '级别', '批准时间', '延长时长', '新的解决期限', '批准人', '原因', ...zhRows.flat()]);
    const en = (await reportAs('html', 'en')).toString('utf8');
    for (const text of ['<h2>Extensions</h2>', 'Granted at', 'Extended by', 'New resolution due', 'Approved by', '<td class="n">4 h</td>', '<td>2026-10-12 22:00</td>']) expect(en).toContain(text);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportAs('xlsx', 'zh-CN')) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('延期记录');
    const xlsxRow = (n: number) => (sheet?.getRow(n).values as unknown[]).slice(1);
    expect(xlsxRow(2)).toEqual(['事件编号', '级别', '批准时间', '延长时长', '新的解决期限', '批准人', '原因']);
    const first = xlsxRow(3);
    expect([first[0], first[1], first[5], first[6]]).toEqual([p2, 'P2 高', '张经理', 'waiting for a replacement disk']);
    expect(sheet?.getRow(3).getCell(4).numFmt).toBe('[h]:mm:ss');
    expect(xlsxRow(4)[0]).toBe(p3);

    // CSV keeps plain numbers (durations in seconds) and local date-times.
    const csv = (await reportAs('csv', 'zh-CN')).toString('utf8').split('\r\n');
    const csvHeader = csv.indexOf('事件编号,级别,批准时间,延长时长 (s),新的解决期限,批准人,原因');
    expect(csv.slice(csvHeader + 1, csvHeader + 3)).toEqual([
      `${p2},P2 高,2026-10-12 11:00,14400,2026-10-12 22:00,张经理,waiting for a replacement disk`,
      `${p3},P3 中,2026-10-12 11:00,7200,2026-10-13 13:00,李主任,vendor on site tomorrow`,
    ]);

    const dir = mkdtempSync(join(tmpdir(), 'outpost-extensions-'));
    try {
      const file = join(dir, 'sla.pdf');
      writeFileSync(file, await reportAs('pdf', 'zh-CN'));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('延期记录');
      for (const row of zhRows) expect(text).toMatch(new RegExp(row.slice(0, 6).join('\\s+')));
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      // OUTPOST_KEEP_REPORTS=DIR keeps the pages as PNG to look at.
      if (process.env.OUTPOST_KEEP_REPORTS) execFileSync('pdftoppm', ['-png', '-r', '80', file, join(process.env.OUTPOST_KEEP_REPORTS, 'sla-extensions')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outpost incident list / show: clocks in the collector time zone', () => {
  it('list shows response and resolution due with what remains or by how much breached; never UTC', async () => {
    const out = await runOutpost(['incident', 'list', ...url(), '--status', 'open,acknowledged'], { OUTPOST_TOKEN: VIEWER });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [header, ...rows] = out.stdout.split('\n');
    expect(header).toMatch(/^NUMBER\s+SEV\s+STATUS\s+OPENED \(Asia\/Shanghai\)\s+RESPONSE DUE\s+RESOLUTION DUE\s+TARGET\s+TITLE$/);
    // The P2 was acknowledged at once (response met) and extended to 22:00 on Oct 12; 40 days later it is breached.
    const p2 = rows.find((r) => r.includes('OA login fails'));
    expect(p2).toMatch(/2026-10-12 10:00:00 +met +2026-10-12 22:00 \(breached by .+\) +web-1 +OA login fails/);
    expect(out.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
