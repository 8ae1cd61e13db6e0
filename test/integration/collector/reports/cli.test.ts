/**
 * The built `outpost report sla|inspection|fault` as a child process against the seeded October, while the collector
 * that owns the database runs (SQLite WAL): every format, exit codes and one-line reasons, and the `--url` mode
 * fetching the same report from the running collector's API.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { assertBuilt, OUTPOST_BIN } from '../../../helpers/built.js';
import { config, seedScenario, TOKEN, type Scenario } from './scenario.js';

const exec = promisify(execFile);
let s: Scenario;
let configFile = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Async (never execFileSync): the collector answering --url runs in this process.
async function outpost(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [OUTPOST_BIN, ...args], { cwd: s.dir, env: { ...process.env, OUTPOST_TOKEN: '' }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const sla = (...args: string[]) => outpost('report', 'sla', '--config', configFile, '--period', '2026-10', '--contract', 'acme', ...args);
const url = () => `http://127.0.0.1:${s.running.apiPort}`;
/** The JSON form without the generation instant (the CLI runs on the wall clock, the scenario on its own). */
const stable = (json: unknown) => ({ ...(json as Record<string, unknown>), generated_at: 'x' });

beforeAll(async () => {
  assertBuilt();
  s = await seedScenario();
  configFile = join(s.dir, 'collector.yaml');
  // JSON is YAML: the scenario's own sections plus the data dir the collector is using right now.
  writeFileSync(configFile, JSON.stringify({ data_dir: s.dir, ...config }, null, 2));
});
afterAll(async () => {
  await s?.stop();
});

describe('outpost report sla (reads the database of the running collector)', () => {
  it('json on stdout equals the report built in process (same availability service)', async () => {
    const r = await sla();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(stable(JSON.parse(r.stdout))).toEqual(stable(JSON.parse(JSON.stringify(await buildSlaReport(s.ctx, { period: '2026-10', contract: 'acme' })))));
  });

  it('pdf (zh-CN, pdftotext), xlsx (exceljs), csv (BOM), html (en) written to --out with a one-line summary', async () => {
    const pdf = join(s.dir, 'cli.pdf');
    const r = await sla('--format', 'pdf', '--lang', 'zh-CN', '--out', pdf);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    // The summary line speaks the report's language.
    expect(r.stderr).toBe(`${pdf}: SLA 报告 acme 2026-10：达标对象 2/2，停机 2 次，事件 3 起，解决达标率 66.7 %\n`);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const heading of ['SLA 服务水平月度报告', '可用性', '停机记录', '合规率']) expect(text).toContain(heading);
    expect(text).toContain('99.730 %');

    const xlsx = join(s.dir, 'cli.xlsx');
    expect((await sla('--format', 'xlsx', '--lang', 'en', '--out', xlsx)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(xlsx) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('Availability');

    const csv = join(s.dir, 'cli.csv');
    expect((await sla('--format', 'csv', '--out', csv)).code).toBe(0);
    const body = readFileSync(csv);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).toContain(`web-1,2026-10-03 00:00,2026-10-03 02:00,7200,7200,switch port flapping,${s.numbers.web}`);

    const html = await sla('--format', 'html', '--lang', 'en');
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('<h1>Monthly SLA report</h1>');
  });

  it('every contract into a directory when --contract is left out', async () => {
    const r = await outpost('report', 'sla', '--config', configFile, '--period', '2026-10', '--format', 'csv', '--out', s.dir);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining(`${join(s.dir, 'sla-acme-2026-10.csv')}: SLA 报告 acme 2026-10`) });
  });

  it('exit 2 with a one-line reason: unknown contract, future period, no data, bad period, bad format, bad lang', async () => {
    const period = (p: string, contract = 'acme') => outpost('report', 'sla', '--config', configFile, '--period', p, '--contract', contract);
    // Independent processes: run side by side.
    const [unknown, future, noData, badPeriod, badFormat, badLang] = await Promise.all([period('2026-10', 'nope'), period('2099-01'), period('2026-08'), period('2026-13'), sla('--format', 'doc'), sla('--lang', 'fr')]);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'outpost: unknown contract "nope" (known: acme)\n' });
    expect(future).toEqual({ code: 2, stdout: '', stderr: 'outpost: period 2099-01 is in the future\n' });
    expect(noData).toEqual({ code: 2, stdout: '', stderr: 'outpost: no data for contract "acme" in 2026-08 (no state history, incidents or results for its targets)\n' });
    expect(badPeriod).toEqual({ code: 2, stdout: '', stderr: 'outpost: period must be YYYY-MM or YYYY-Qn, got "2026-13"\n' });
    expect(badFormat).toEqual({ code: 2, stdout: '', stderr: 'outpost: --format: must be one of pdf, xlsx, csv, html, json, got "doc"\n' });
    expect(badLang).toEqual({ code: 2, stdout: '', stderr: 'outpost: --lang: must be one of zh-CN, en, got "fr"\n' });
  });

  it('a config without the database, or an invalid config, is a one-line error and creates nothing', async () => {
    const elsewhere = join(s.dir, 'elsewhere.yaml');
    writeFileSync(elsewhere, `data_dir: ${join(s.dir, 'nothing-here')}\n`);
    const missing = await outpost('report', 'sla', '--config', elsewhere, '--period', '2026-10');
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `outpost: no collector database at ${join(s.dir, 'nothing-here', 'outpost.db')} (check data_dir in ${elsewhere})\n` });
    const bad = join(s.dir, 'bad.yaml');
    writeFileSync(bad, 'reports:\n  lang: fr\n');
    const invalid = await outpost('report', 'sla', '--config', bad, '--period', '2026-10');
    expect(invalid.code, invalid.stderr).toBe(2);
    expect(invalid.stderr).toMatch(/^outpost: .*bad\.yaml: reports\.lang: .*\n$/);
  });
});

describe('outpost report inspection / fault', () => {
  it('inspection --date: json equals the in-process report; the future and no data are one-line errors', async () => {
    const r = await outpost('report', 'inspection', '--config', configFile, '--date', '2026-10-20');
    expect(r.code).toBe(0);
    expect(stable(JSON.parse(r.stdout))).toEqual(stable(JSON.parse(JSON.stringify(await buildInspectionReport(s.ctx, { date: '2026-10-20' })))));
    expect(await outpost('report', 'inspection', '--config', configFile, '--date', '2099-01-01')).toEqual({ code: 2, stdout: '', stderr: 'outpost: date 2099-01-01 is in the future\n' });
    expect(await outpost('report', 'inspection', '--config', configFile, '--date', '2026-01-01')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'outpost: no check results stored up to 2026-01-01 (results are sampled while the collector runs)\n',
    });
  });

  it('fault INC-…: the report in pdf, recorded as generated by --by (not as sent); --mark-sent records it once; unknown incidents are refused', async () => {
    const pdf = join(s.dir, 'fault.pdf');
    const r = await outpost('report', 'fault', s.numbers.db, '--config', configFile, '--format', 'pdf', '--by', 'dave', '--out', pdf);
    expect(r).toMatchObject({ code: 0, stderr: `${pdf}: 故障处理报告 ${s.numbers.db}：db-1 · ping — db-1 不可达：3 个包全部丢失\n` }); // the title in the report's language
    expect(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })).toContain('故障处理报告');
    const id = (await s.incidents.get(s.numbers.db))?.id as number;
    expect(await s.ctx.reports.faultReportOf(s.store.db, id)).toMatchObject({ generatedBy: 'dave' });
    expect(await s.ctx.reports.sentOf(s.store.db, id)).toBeNull();
    expect(await outpost('report', 'fault', s.numbers.db, '--config', configFile, '--mark-sent', '--by', 'dave', '--note', 'handed over')).toEqual({
      code: 0,
      stdout: `${s.numbers.db}: fault report recorded as sent (by dave)\n`,
      stderr: '',
    });
    expect(await s.ctx.reports.sentOf(s.store.db, id)).toMatchObject({ by: 'dave', note: 'handed over' });
    expect((await outpost('report', 'fault', s.numbers.db, '--config', configFile, '--mark-sent')).stdout).toBe(`${s.numbers.db}: fault report was already recorded as sent (by dave)\n`);
    // Through the API a viewer token may not record it.
    expect(await outpost('report', 'fault', s.numbers.web, '--mark-sent', '--url', url(), '--token', TOKEN)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^outpost: 403 /) });
    expect(await outpost('report', 'fault', 'INC-20990101-0001', '--config', configFile)).toEqual({ code: 2, stdout: '', stderr: 'outpost: unknown incident "INC-20990101-0001"\n' });
  });
});

describe('outpost report --url (fetches the rendered report from the API)', () => {
  it('the same JSON as the database mode; pdf written with the server filename', async () => {
    const local = await sla();
    const remote = await sla('--url', url(), '--token', TOKEN);
    expect(remote.code).toBe(0);
    expect(stable(JSON.parse(remote.stdout))).toEqual(stable(JSON.parse(local.stdout)));
    const pdf = join(s.dir, 'remote.pdf');
    const r = await sla('--url', url(), '--token', TOKEN, '--format', 'pdf', '--out', pdf);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringMatching(/: sla-acme-2026-10\.pdf, \d+ bytes from http:\/\/127\.0\.0\.1:\d+\n$/) });
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('API errors become one-line reasons (404/400 exit 2); no token and no --contract are refused', async () => {
    const [unknown, future, noToken, noContract, wrongToken] = await Promise.all([
      outpost('report', 'sla', '--period', '2026-10', '--contract', 'nope', '--url', url(), '--token', TOKEN),
      outpost('report', 'inspection', '--date', '2099-01-01', '--url', url(), '--token', TOKEN),
      outpost('report', 'sla', '--period', '2026-10', '--contract', 'acme', '--url', url()),
      outpost('report', 'sla', '--period', '2026-10', '--url', url(), '--token', TOKEN),
      outpost('report', 'sla', '--period', '2026-10', '--contract', 'acme', '--url', url(), '--token', 'wrong-token-0123456789'),
    ]);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'outpost: 404 unknown contract "nope" (known: acme)\n' });
    expect(future).toEqual({ code: 2, stdout: '', stderr: 'outpost: 400 date 2099-01-01 is in the future\n' });
    expect(noToken).toEqual({ code: 2, stdout: '', stderr: 'outpost: no API token: pass --token or set OUTPOST_TOKEN\n' });
    expect(noContract).toEqual({ code: 2, stdout: '', stderr: 'outpost: --url needs --contract NAME\n' });
    expect(wrongToken).toMatchObject({ code: 1, stderr: expect.stringMatching(/^outpost: 401 .*\n$/) });
  });
});
