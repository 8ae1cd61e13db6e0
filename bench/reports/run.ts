/**
 * Reports benchmark: a month's SLA report of one contract with 1,000 targets × 30 state changes and 2,000 incidents,
 * seeded through the real collector ingest and incident service, generated in every format (json, csv, xlsx, html,
 * pdf). Peer figure in the same run: the availability service alone for the same targets (what
 * GET /api/v1/availability costs), which every SLA report calls.
 * Build and run: npm run bench -- reports
 */
import { rmSync } from 'node:fs';
import { REPORT_FORMATS } from '../../collector/reports/config.js';
import { createReportContext } from '../../collector/reports/context.js';
import { createReportService } from '../../collector/reports/service.js';
import { monthPeriod } from '../../collector/sla/index.js';
import { createLogger } from '../../common/logger.js';
import { seedMonth } from './seed.js';

const TARGETS = 1_000;
const CHANGES = 30;
const INCIDENTS = 2_000;
const GOAL_S = 5;
const PERIOD = '2026-10';

function line(name: string, s: number, extra = ''): void {
  process.stdout.write(`${name.padEnd(62)} ${s.toFixed(3).padStart(7)} s${extra ? `  ${extra}` : ''}\n`);
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ s: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { s: Number(process.hrtime.bigint() - start) / 1e9, value };
}

const month = monthPeriod('Asia/Shanghai', PERIOD);
if (!month) throw new Error('bad period');
process.stdout.write(`Reports benchmark — node ${process.version}, ${TARGETS} targets × ${CHANGES} changes, ${INCIDENTS} incidents, period ${PERIOD}\n`);
const seeding = await timed(() => seedMonth({ targets: TARGETS, changes: CHANGES, incidents: INCIDENTS, fromMs: month.fromMs, toMs: month.toMs }));
const seeded = seeding.value;
line('seeding (ingest + incident service, not part of the goal)', seeding.s);
try {
  const logger = createLogger({ level: 'silent' });
  const ctx = createReportContext({ store: seeded.running.store, config: seeded.config, reports: seeded.config.reports, now: () => seeded.clock.now, logger, sla: seeded.running.sla });
  const service = createReportService(ctx);
  const request = { kind: 'sla' as const, period: PERIOD, contract: 'big' };

  const peer = await timed(async () => {
    let down = 0;
    for (let i = 0; i < TARGETS; i++) down += (await ctx.sla.availability.forTarget(`host-${String(i).padStart(4, '0')}`, month.fromMs, month.toMs)).report.downMs;
    return down;
  });
  line(`peer: availability service, ${TARGETS} targets (the API's figures)`, peer.s);

  const model = await timed(() => service.json(request));
  const report = model.value;
  if (report.kind !== 'sla') throw new Error('not an SLA report');
  line(`SLA model (JSON form) — ${report.availability.length} targets, ${report.outages.length} outages, ${report.incidents.list.length} incidents`, model.s);

  let worst = 0;
  for (const format of ['json', 'csv', 'xlsx', 'html', 'pdf'] as const satisfies ReadonlyArray<(typeof REPORT_FORMATS)[number]>) {
    // Cold (first render loads pdfkit/exceljs and fonts) and warm.
    const cold = await timed(() => service.generate(request, format, 'zh-CN'));
    const warm = await timed(() => service.generate(request, format, 'zh-CN'));
    worst = Math.max(worst, cold.s, warm.s);
    line(`SLA report ${format} (model + render), cold`, cold.s, `${(cold.value.body.length / 1024).toFixed(0)} KiB`);
    line(`SLA report ${format} (model + render), warm`, warm.s, `goal ≤ ${GOAL_S} s ${Math.max(cold.s, warm.s) <= GOAL_S ? 'met' : 'MISSED'}`);
  }
  process.stdout.write(`slowest format: ${worst.toFixed(3)} s (goal ≤ ${GOAL_S} s ${worst <= GOAL_S ? 'met' : 'MISSED'})\n`);
} finally {
  await seeded.stop();
  rmSync(seeded.dir, { recursive: true, force: true });
}
