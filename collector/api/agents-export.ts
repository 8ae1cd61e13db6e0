/**
 * GET /api/v1/agents/export?format=csv|xlsx&lang=&tz= (viewer): the asset register — one row per agent with its
 * status and inventory (OS, CPU, memory, disks, addresses), the list seed 000 asks to verify twice a year. Column
 * headings in the reader's language; times in the collector's time zone.
 */
import ExcelJS from 'exceljs';
import { Router } from 'express';
import { z } from 'zod';
import { formatBytes, type Lang } from '../../common/humanize.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { AgentRow, AgentsRepo } from '../store/sql/agents-repo.js';
import { validate } from './errors.js';

const HEADINGS: Record<Lang, string[]> = {
  'zh-CN': ['代理', '主机名', '状态', '版本', '最后上报', '操作系统', '内核', '架构', '厂商', '型号', '序列号', 'CPU', '核数', '内存', '磁盘', 'IPv4 地址', 'MAC 地址', '资产信息时间'],
  en: ['Agent', 'Hostname', 'Status', 'Version', 'Last seen', 'OS', 'Kernel', 'Arch', 'Manufacturer', 'Model', 'Serial', 'CPU', 'Cores', 'Memory', 'Disks', 'IPv4 addresses', 'MAC addresses', 'Inventory time'],
};
const STATUS: Record<Lang, { online: string; offline: string }> = { 'zh-CN': { online: '在线', offline: '离线' }, en: { online: 'online', offline: 'offline' } };

export function assetRows(agents: readonly AgentRow[], lang: Lang, timeZone: string): string[][] {
  const time = (ms: number | null) => (ms === null ? '' : formatLocalDateTime(timeZone, ms));
  return agents.map((a) => {
    const inv = a.inventory;
    const ifaces = (inv?.interfaces ?? []).filter((i) => i.name !== 'lo');
    return [
      a.agentId,
      a.hostname ?? '',
      a.online ? STATUS[lang].online : STATUS[lang].offline,
      a.agentVersion ?? '',
      time(a.lastSeenMs),
      inv ? `${inv.os.distro} ${inv.os.release}`.trim() : '',
      inv?.os.kernel ?? '',
      inv?.os.arch ?? '',
      inv?.hardware.manufacturer ?? '',
      inv?.hardware.model ?? '',
      inv?.hardware.serial ?? '',
      inv?.cpu.model ?? '',
      inv ? String(inv.cpu.cores) : '',
      inv ? formatBytes(inv.memory_bytes) : '',
      (inv?.disks ?? []).map((d) => `${d.device} ${formatBytes(d.size_bytes)}`).join('; '),
      ifaces.flatMap((i) => i.ipv4).join('; '),
      ifaces.map((i) => `${i.name} ${i.mac}`).join('; '),
      time(a.inventoryAtMs),
    ];
  });
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);

const querySchema = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: z.enum(['zh-CN', 'en']).optional() });

export function createAgentsExportRouter(deps: { store: SqlStore; agents: AgentsRepo; timezone: string; lang: Lang }): Router {
  const router = Router();
  router.get('/export', async (req, res) => {
    const q = validate(querySchema, req.query, 'query');
    const lang = q.lang ?? deps.lang;
    const rows = assetRows(await deps.agents.list(deps.store.db), lang, deps.timezone);
    const stamp = formatLocalDateTime(deps.timezone, Date.now()).slice(0, 10);
    if (q.format === 'csv') {
      const text = [HEADINGS[lang], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n');
      res.type('text/csv; charset=utf-8').attachment(`assets-${stamp}.csv`).send(`\uFEFF${text}\r\n`);
      return;
    }
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet(lang === 'en' ? 'Assets' : '资产清单');
    sheet.addRow(HEADINGS[lang]).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
    sheet.columns.forEach((c) => (c.width = 18));
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    const body = Buffer.from(await book.xlsx.writeBuffer());
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`assets-${stamp}.xlsx`).send(body);
  });
  return router;
}
