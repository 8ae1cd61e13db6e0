/**
 * Asset verification (资产核查, seed 000: twice a year): inventories published through the real ingest, compared with
 * the last verified baseline — hosts added, gone (silent for a week) and changed (memory, disks, addresses, OS) —
 * `--mark-verified` (the service's markVerifiedBy) stores the new baseline; the zh-CN PDF reads back without English
 * or UTC times.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, topics, type InventoryMessage } from '../../../../common/protocol.js';
import { buildAssetsReport } from '../../../../collector/reports/assets-model.js';
import { createReportService } from '../../../../collector/reports/service.js';
import { DAY, OCT, startWorld } from './scenario.js';

const GiB = 1024 ** 3;
type World = Awaited<ReturnType<typeof startWorld>>;
let w: World;

function inventory(agentId: string, over: Partial<InventoryMessage> = {}): InventoryMessage {
  return {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    sent_at_ms: w.clock.now,
    agent_version: '0.1.0',
    hostname: `${agentId}.example.test`,
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-18-amd64', arch: 'x64' },
    hardware: { manufacturer: 'Inspur', model: 'NF5280M6', serial: `SN-${agentId}` },
    cpu: { model: 'Intel Xeon Silver 4310', cores: 24, physical_cores: 12 },
    memory_bytes: 64 * GiB,
    disks: [{ device: '/dev/sda', type: 'SSD', size_bytes: 960 * GiB }],
    interfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', ipv4: ['10.123.1.11'], ipv6: [] }],
    ...over,
  };
}

async function publish(inv: InventoryMessage, atMs: number): Promise<void> {
  w.clock.now = atMs;
  await w.running.ingest.handle(topics.inventory(inv.agent_id), Buffer.from(JSON.stringify({ ...inv, sent_at_ms: atMs })));
}

beforeAll(async () => {
  w = await startWorld({ incidents: { enabled: false } }, OCT);
});
afterAll(async () => {
  await w?.running.stop();
});

describe('outpost report assets', () => {
  it('never verified: every host listed, nothing compared; --mark-verified makes now the baseline', async () => {
    await publish(inventory('db-1'), OCT);
    await publish(inventory('web-1'), OCT);
    await publish(inventory('old-1'), OCT);
    const ctx = await w.finish(OCT + 1000);
    const first = await buildAssetsReport(ctx);
    expect(first.baseline).toBeNull();
    expect(first.summary).toEqual({ hosts: 3, added: 0, gone: 0, changed: 0 });
    const service = createReportService(ctx);
    await service.generate({ kind: 'assets', markVerifiedBy: 'alice' }, 'json');
    // Reading never writes: a second report without markVerifiedBy leaves the baseline where it was.
    expect((await buildAssetsReport(ctx)).baseline).toEqual({ verified_at: new Date(OCT + 1000).toISOString(), verified_by: 'alice' });
  });

  it('half a year later: added, gone and what changed per host', async () => {
    const later = OCT + 180 * DAY;
    await publish(inventory('db-1', { memory_bytes: 128 * GiB, disks: [{ device: '/dev/sda', type: 'SSD', size_bytes: 960 * GiB }, { device: '/dev/sdb', type: 'HDD', size_bytes: 4000 * GiB }] }), later);
    await publish(inventory('web-1', { interfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', ipv4: ['10.123.1.12'], ipv6: [] }], os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-25-amd64', arch: 'x64' } }), later);
    await publish(inventory('new-1'), later);
    const ctx = await w.finish(later + 1000);
    const r = await buildAssetsReport(ctx);
    expect(r.summary).toEqual({ hosts: 3, added: 1, gone: 1, changed: 2 });
    expect(r.hosts.map((h) => [h.agent_id, h.status, h.changes.map((c) => c.field)])).toEqual([
      ['db-1', 'changed', ['memory', 'disks']],
      ['new-1', 'added', []],
      ['old-1', 'gone', []],
      ['web-1', 'changed', ['os', 'addresses']],
    ]);
    expect(r.hosts[3]?.changes[1]).toEqual({ field: 'addresses', before: '10.123.1.11', after: '10.123.1.12' });

    const pdf = await createReportService(ctx).generate({ kind: 'assets' }, 'pdf', 'zh-CN');
    const file = join(w.dir, pdf.filename);
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, '');
    for (const phrase of ['资产核查报告', '上次核查', '新增', '已消失', '已变化', '内存', '64.0GiB', '128.0GiB', '/dev/sdb3.9TiB', '10.123.1.12', 'alice']) expect(flat).toContain(phrase);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
    for (const english of ['added', 'gone', 'changed', 'Memory']) expect(text).not.toContain(english);
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(process.env.OUTPOST_KEEP_REPORTS ?? w.dir, 'assets-zh')]);
    expect(pdf.summary).toBe('资产核查 3 台主机：新增 1，消失 1，有变化 2');
  });
});
