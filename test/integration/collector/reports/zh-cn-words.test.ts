/**
 * A zh-CN report a customer signs carries no English of ours: every Latin word in the SLA report (PDF via pdftotext,
 * HTML, CSV) and in a fault report (PDF) is an identifier (targets, checks, people, contract), a unit or acronym, or
 * text a person typed (causes, resolutions, a manual ticket's title) — and no UTC `…Z` time. The scenario's results
 * carry the codes and parameters the real checks send.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportService, type ReportRequest } from '../../../../collector/reports/service.js';
import { seedScenario, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario({ inspection: true });
});
afterAll(async () => {
  await s?.stop();
});

/** Identifiers of the scenario, units and acronyms, and what its people typed. */
const ALLOWED = new Set([
  // identifiers: targets, agents, checks, contract, window, people, interfaces, paths, incident numbers
  'web', 'db', 'app', 'sw', 'acme', 'ping', 'https', 'host', 'ifaces', 'backup', 'patch', 'alice', 'bob', 'carol', 'erin', 'Gi', 'uplink', 'vda', 'vdb', 'data', 'dump', 'INC',
  // units and acronyms a Chinese report uses as they are
  'SLA', 'MTTA', 'MTTR', 'ICMP', 'HTTP', 'TLS', 'SNMP', 'CPU', 'GB', 'MB', 'KB', 'TB', 'GiB', 'MiB', 'ms', 'ok', 'Outpost', 'UTC', 'Asia', 'Shanghai', 'ext', 'dev',
  // typed by people in the scenario
  'switch', 'port', 'flapping', 'replaced', 'the', 'cable', 'disk', 'full', 'rotated', 'logs', 'slow', 'pages', 'customer', 'hotline', 'cache', 'cold', 'warmed',
]);

function strangers(text: string): string[] {
  const words = text.match(/[A-Za-z]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w)))].sort();
}

const ISO_UTC = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/;

async function pdfText(request: ReportRequest): Promise<string> {
  const out = await createReportService(s.ctx).generate(request, 'pdf', 'zh-CN');
  const file = join(s.dir, out.filename);
  writeFileSync(file, out.body);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('zh-CN reports speak Chinese', () => {
  it('the SLA report: PDF, HTML and CSV hold no English of ours and no UTC times', async () => {
    const pdf = await pdfText({ kind: 'sla', period: '2026-10', contract: 'acme' });
    const html = (await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'html', 'zh-CN')).body.toString('utf8');
    const visible = html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;/g, ' ');
    const csv = (await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'csv', 'zh-CN')).body.toString('utf8');
    for (const [name, text] of [['pdf', pdf], ['html', visible], ['csv', csv]] as const) {
      expect.soft(strangers(text), name).toEqual([]);
      expect(text, name).not.toMatch(ISO_UTC);
    }
  });

  it('a fault report (PDF) of a check incident: title, timeline and notes in Chinese', async () => {
    const pdf = await pdfText({ kind: 'fault', number: s.numbers.db });
    expect(strangers(pdf)).toEqual([]);
    expect(pdf).not.toMatch(ISO_UTC);
    expect(pdf).toContain('不可达');
  });
});
