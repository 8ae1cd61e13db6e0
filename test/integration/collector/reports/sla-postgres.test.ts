/**
 * The same seeded October on PostgreSQL (a cluster of the test's own) and on SQLite: the SLA report — JSON, HTML
 * and the PDF's text — is the same from either store, and the built `outpost report sla` reads it from a
 * `store.url: postgres://…` config (while the collector on that database runs), as it does from SQLite.
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportService } from '../../../../collector/reports/service.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { assertBuilt, OUTPOST_BIN } from '../../../helpers/built.js';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';
import { config, seedScenario, type Scenario } from './scenario.js';

const exec = promisify(execFile);
let server: PostgresServer | undefined;
let lite: Scenario | undefined;
let pg: Scenario | undefined;
let pgUrl = '';

beforeAll(async () => {
  server = await startPostgres();
  pgUrl = await server.createDatabase('reports_october');
  lite = await seedScenario();
  pg = await seedScenario({ storeUrl: pgUrl });
}, 300_000);
afterAll(async () => {
  await pg?.stop();
  await lite?.stop();
  await server?.stop();
}, 60_000);

const request = { kind: 'sla', period: '2026-10', contract: 'acme' } as const;

describe('SLA report from PostgreSQL', () => {
  it('the scenario really is on PostgreSQL', () => {
    expect(pg!.store.dialect).toBe('postgres');
    expect(lite!.store.dialect).toBe('sqlite');
  });

  it('JSON: equal to the report from SQLite, figure for figure (incident numbers are the same day sequence)', async () => {
    const fromPg = await buildSlaReport(pg!.ctx, request);
    const fromLite = await buildSlaReport(lite!.ctx, request);
    expect(pg!.numbers).toEqual(lite!.numbers);
    expect(JSON.parse(JSON.stringify(fromPg))).toEqual(JSON.parse(JSON.stringify(fromLite)));
    expect(fromPg.overview).toMatchObject({ targets: 2, targets_met: 2, downtime_s: 9000, outages: 2, incidents: 3 });
  });

  it('HTML: byte for byte the same document', async () => {
    const fromPg = await createReportService(pg!.ctx).generate(request, 'html', 'zh-CN');
    const fromLite = await createReportService(lite!.ctx).generate(request, 'html', 'zh-CN');
    expect(fromPg.filename).toBe('sla-acme-2026-10.html');
    expect(fromPg.body.toString('utf8')).toBe(fromLite.body.toString('utf8'));
  });

  it('PDF: the same pages of text (pdftotext)', async () => {
    const text = async (s: Scenario, name: string) => {
      const out = await createReportService(s.ctx).generate(request, 'pdf', 'zh-CN');
      const file = join(s.dir, name);
      writeFileSync(file, out.body);
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    };
    const fromPg = await text(pg!, 'pg.pdf');
    expect(fromPg).toContain('SLA 服务水平月度报告');
    expect(fromPg).toContain('99.730 %');
    expect(fromPg).toBe(await text(lite!, 'lite.pdf'));
  });

  it('outpost report sla --config (store.url postgres://…) prints the same report as from SQLite', async () => {
    assertBuilt();
    const run = async (s: Scenario, store: Record<string, unknown>) => {
      const file = join(s.dir, 'collector.yaml');
      writeFileSync(file, JSON.stringify({ data_dir: s.dir, ...store, ...config }, null, 2));
      const { stdout, stderr } = await exec(process.execPath, [OUTPOST_BIN, 'report', 'sla', '--config', file, '--period', '2026-10', '--contract', 'acme'], { cwd: s.dir, env: { ...process.env, OUTPOST_TOKEN: '' }, maxBuffer: 64 << 20 });
      expect(stderr).toBe('');
      // The CLI runs on the wall clock, the scenario on its own: only the generation instant differs.
      return { ...(JSON.parse(stdout) as Record<string, unknown>), generated_at: 'x' };
    };
    const fromPg = await run(pg!, { store: { url: pgUrl } });
    expect(fromPg).toMatchObject({ kind: 'sla', period: '2026-10', contract: { name: 'acme' } });
    expect(fromPg).toEqual(await run(lite!, {}));
  });
});
