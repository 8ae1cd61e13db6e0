/** The asset verification report's JSON laid out as a document. */
import { formatBytes, type Lang } from '../../common/humanize.js';
import type { AssetField, AssetsReport } from './assets-model.js';
import type { ReportDocument } from './document.js';
import { t } from './i18n.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';

const FIELD_LABEL: Record<AssetField, Parameters<typeof t>[1]> = {
  hostname: 'hostname',
  os: 'os',
  cpu: 'cpu',
  memory: 'memory',
  disks: 'disks_inv',
  addresses: 'addresses',
  hardware: 'hardware',
};

/** Sizes for people: memory in bytes, disks `device:bytes`. */
function show(field: AssetField, value: string): string {
  if (field === 'memory') return value === '' ? value : formatBytes(Number(value));
  if (field === 'disks') return value.split(', ').filter(Boolean).map((d) => { const i = d.lastIndexOf(':'); return `${d.slice(0, i)} ${formatBytes(Number(d.slice(i + 1)))}`; }).join(', ');
  return value;
}

export function assetsDocument(r: AssetsReport, lang: Lang): ReportDocument {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const status = (s: string) => L(s === 'added' ? 'added' : s === 'gone' ? 'gone' : s === 'changed' ? 'changed' : 'unchanged');
  return {
    title: L('assets_title'),
    subtitle: r.baseline ? `${L('baseline')} ${formatLocalDateTime(r.time_zone, Date.parse(r.baseline.verified_at)).slice(0, 16)}` : `${L('baseline')}：${L('never')}`,
    lang,
    timeZone: r.time_zone,
    sections: [
      {
        id: 'summary',
        title: L('overview'),
        facts: [
          { label: L('baseline'), value: r.baseline?.verified_at ?? L('never'), type: r.baseline ? 'datetime' : 'text' },
          { label: L('baseline_by'), value: r.baseline?.verified_by ?? null, type: 'text' },
          { label: L('hosts_total'), value: r.summary.hosts, type: 'integer' },
          { label: L('hosts_added'), value: r.summary.added, type: 'integer' },
          { label: L('hosts_gone'), value: r.summary.gone, type: 'integer' },
          { label: L('hosts_changed'), value: r.summary.changed, type: 'integer' },
          { label: L('generated_at'), value: r.generated_at, type: 'datetime' },
        ],
      },
      {
        id: 'changes',
        title: L('asset_changes'),
        table: {
          columns: [
            { label: L('agent'), type: 'text' },
            { label: L('hostname'), type: 'text' },
            { label: L('change'), type: 'text', width: 0.8 },
            { label: L('field'), type: 'text', width: 0.8 },
            { label: L('before'), type: 'text', width: 3 },
            { label: L('after'), type: 'text', width: 3 },
          ],
          rows: r.hosts
            .filter((h) => h.status !== 'unchanged')
            .flatMap((h) =>
              h.changes.length === 0
                ? [[h.agent_id, h.hostname, status(h.status), null, null, null]]
                : h.changes.map((c) => [h.agent_id, h.hostname, status(h.status), L(FIELD_LABEL[c.field]), show(c.field, c.before), show(c.field, c.after)]),
            ),
        },
      },
      {
        id: 'inventory',
        title: L('asset_inventory'),
        table: {
          columns: [
            { label: L('agent'), type: 'text' },
            { label: L('hostname'), type: 'text' },
            { label: L('os'), type: 'text', width: 2.4 },
            { label: L('cpu'), type: 'text', width: 2.4 },
            { label: L('memory'), type: 'text', width: 1 },
            { label: L('disks_inv'), type: 'text', width: 2.4 },
            { label: L('addresses'), type: 'text', width: 2.4 },
            { label: L('inventory_at'), type: 'datetime' },
          ],
          rows: r.inventory.map((i) => [i.agent_id, i.hostname, i.os, i.cpu, show('memory', i.memory), show('disks', i.disks), i.addresses, i.inventory_at]),
        },
      },
      { id: 'signatures', title: L('signatures'), signatures: [L('baseline_by'), L('reviewer'), L('sign_date')] },
    ],
  };
}
