/**
 * The SLA PDF's layout, read back page by page (pdftotext -layout) and rendered to PNG (pdftoppm;
 * OUTPOST_KEEP_REPORTS=DIR keeps the pictures to look at): a section heading never sits alone at the foot of a page
 * (it moves to the next page with its first block), and a month-to-date report draws the days still to come as
 * "未到", never as "无数据".
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDocument } from '../../../../collector/reports/document.js';
import { renderPdf } from '../../../../collector/reports/render-pdf.js';
import { createReportService } from '../../../../collector/reports/service.js';
import { DAY, HOUR, OCT, seedScenario, type Scenario } from './scenario.js';

const FONT = { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc' };
const dir = mkdtempSync(join(tmpdir(), 'outpost-pdf-layout-'));
const keep = process.env.OUTPOST_KEEP_REPORTS ?? dir;

/** The text of each page, in order. */
function pages(file: string): string[] {
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
  return Array.from({ length: count }, (_, i) => execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), file, '-'], { encoding: 'utf8' }));
}

/** The non-empty lines of a page, trimmed. */
const lines = (page: string) => page.split('\n').map((l) => l.trim()).filter(Boolean);

function document(facts: number): ReportDocument {
  const days = Array.from({ length: 31 }, (_, i) => String(i + 1));
  const values = days.map((_, i) => (i < 20 ? 99.95 - (i % 3) * 0.05 : null));
  return {
    title: 'SLA 服务水平月度报告',
    subtitle: '合同 acme · 2026-12',
    lang: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    sections: [
      { id: 'overview', title: '概览', facts: Array.from({ length: facts }, (_, i) => ({ label: `指标 ${i + 1}`, value: i, type: 'integer' as const })) },
      {
        id: 'pictures',
        title: '可用性图表',
        charts: [
          {
            kind: 'bars',
            title: '每日可用率',
            labels: days,
            series: ['web-1', 'db-1'].map((name) => ({ name, values, target: 99.9 })),
            min: 99,
            futureFrom: 20,
            legend: { target: '目标线', met: '达标', missed: '低于目标', none: '无数据', future: '未到' },
          },
        ],
      },
      { id: 'availability', title: '可用性', table: { columns: [{ label: '对象', type: 'text' }, { label: '可用率', type: 'percent' }], rows: [['web-1', 99.95], ['db-1', 99.9]] } },
    ],
  };
}

describe('a section heading keeps its first block on the same page', () => {
  it('for every length of the overview, 可用性图表 and 可用性 are followed by their content on their page', async () => {
    let moved = 0;
    for (let facts = 16; facts <= 34; facts += 2) {
      const file = join(dir, `layout-${facts}.pdf`);
      writeFileSync(file, await renderPdf(document(facts), FONT));
      const text = pages(file);
      for (const heading of ['可用性图表', '可用性']) {
        const page = text.findIndex((p) => lines(p).includes(heading));
        expect(page, `${facts} facts: ${heading} found`).toBeGreaterThanOrEqual(0);
        const own = lines(text[page]!);
        const at = own.indexOf(heading);
        expect(at, `${facts} facts: ${heading} is the last line of page ${page + 1}`).toBeLessThan(own.length - 1);
        if (heading === '可用性图表') {
          expect(own[at + 1], `${facts} facts: the chart follows its heading`).toMatch(/^每日可用率/);
          if (page > 0 && at === 0) moved++;
        }
      }
    }
    // Some of these lengths put the heading where the chart no longer fits: it moved to the next page with it.
    expect(moved).toBeGreaterThan(0);
    execFileSync('pdftoppm', ['-png', '-r', '60', join(dir, 'layout-26.pdf'), join(keep, 'sla-layout-26')]);
  });
});

describe('a month-to-date SLA report', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await seedScenario();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('draws the days after today as 未到 in both pictures, the headings with their charts', async () => {
    s.clock.now = OCT + 19 * DAY + 12 * HOUR; // Tuesday 2026-10-20 12:00: October to date
    const out = await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'pdf', 'zh-CN');
    const file = join(dir, 'sla-month-to-date.pdf');
    writeFileSync(file, out.body);
    execFileSync('pdftoppm', ['-png', '-r', '70', file, join(keep, 'sla-month-to-date')]);
    const text = pages(file);
    const page = text.find((p) => lines(p).includes('可用性图表'))!;
    const own = lines(page);
    expect(own[own.indexOf('可用性图表') + 1]).toMatch(/^每日可用率/);
    // One 未到 per bar panel (web-1, db-1) and one on the timeline, wherever the timeline landed.
    expect(text.join('\n').match(/未到/g)).toHaveLength(3);
    for (const p of text) {
      const l = lines(p);
      for (const heading of ['概览', '可用性图表', '可用性', '停机记录', '事件', '合规率', '客户满意度', '计算口径']) {
        const at = l.indexOf(heading);
        if (at >= 0) expect(at, `${heading} alone at the foot of a page`).toBeLessThan(l.length - 1);
      }
    }
  });
});
