/**
 * Renders an IncidentNotice once into a title, markdown (IM robots), plain text and HTML (email), in Chinese by
 * default or English. Pure: times are formatted in Asia/Shanghai from the notice itself.
 */
import type { IncidentNotice, IncidentNoticeKind, Severity } from '../events.js';
import { SEVERITY_LABEL_ZH } from '../events.js';
import type { NotifyLang } from './config.js';
import type { RenderedNotice } from './types.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const KIND_LABEL: Record<NotifyLang, Record<IncidentNoticeKind, string>> = {
  'zh-CN': {
    opened: '已创建',
    updated: '已更新',
    acknowledged: '已确认',
    resolved: '已解决',
    reopened: '已重新打开',
    closed: '已关闭',
    escalated: '已升级',
    sla_warning: 'SLA 即将超时',
    sla_breach: 'SLA 已超时',
    report_reminder: '故障报告待提交',
  },
  en: {
    opened: 'opened',
    updated: 'updated',
    acknowledged: 'acknowledged',
    resolved: 'resolved',
    reopened: 'reopened',
    closed: 'closed',
    escalated: 'escalated',
    sla_warning: 'SLA deadline approaching',
    sla_breach: 'SLA breached',
    report_reminder: 'fault report due',
  },
};

const SEVERITY_LABEL: Record<NotifyLang, Record<Severity, string>> = {
  'zh-CN': SEVERITY_LABEL_ZH,
  en: { P1: 'Critical', P2: 'High', P3: 'Medium', P4: 'Low' },
};

const STATUS_LABEL: Record<NotifyLang, Record<IncidentNotice['incident']['status'], string>> = {
  'zh-CN': { open: '待处理', acknowledged: '处理中', resolved: '已解决', closed: '已关闭' },
  en: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', closed: 'closed' },
};

const FIELD_LABEL = {
  'zh-CN': {
    severity: '级别',
    status: '状态',
    target: '对象',
    check: '检查项',
    openedAt: '发生时间',
    at: '通知时间',
    actor: '操作人',
    note: '说明',
    detail: '详情',
    link: '工单链接',
    open: '查看工单',
  },
  en: {
    severity: 'Severity',
    status: 'Status',
    target: 'Target',
    check: 'Check',
    openedAt: 'Opened',
    at: 'Time',
    actor: 'By',
    note: 'Note',
    detail: 'Detail',
    link: 'Ticket',
    open: 'Open ticket',
  },
} as const;

/** Header color per severity, shared by the Feishu card and the HTML email. */
export const SEVERITY_COLOR: Record<Severity, { feishu: string; html: string }> = {
  P1: { feishu: 'red', html: '#d93026' },
  P2: { feishu: 'orange', html: '#e8710a' },
  P3: { feishu: 'yellow', html: '#f9ab00' },
  P4: { feishu: 'blue', html: '#1a73e8' },
};

/** `2026-11-21 10:07:00` in Asia/Shanghai (UTC+8, no DST). */
export function formatShanghaiTime(ms: number): string {
  return formatLocalDateTime(DISPLAY_TIME_ZONE, ms);
}

export function severityLabel(severity: Severity, lang: NotifyLang): string {
  return `${severity} ${SEVERITY_LABEL[lang][severity]}`;
}

/** `【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss` / `[P1 Critical] INC-… opened — …` */
export function renderTitle(notice: IncidentNotice, lang: NotifyLang): string {
  const { incident } = notice;
  const sev = severityLabel(incident.severity, lang);
  const head = lang === 'zh-CN' ? `【${sev}】` : `[${sev}] `;
  return `${head}${incident.number} ${KIND_LABEL[lang][notice.kind]} — ${incident.title}`;
}

interface Field {
  label: string;
  value: string;
}

function fields(notice: IncidentNotice, lang: NotifyLang): Field[] {
  const label = FIELD_LABEL[lang];
  const { incident } = notice;
  const out: Field[] = [
    { label: label.severity, value: severityLabel(incident.severity, lang) },
    { label: label.status, value: STATUS_LABEL[lang][incident.status] },
  ];
  if (incident.target) out.push({ label: label.target, value: incident.target });
  if (incident.checkId) out.push({ label: label.check, value: incident.checkId });
  out.push({ label: label.openedAt, value: `${formatShanghaiTime(incident.openedAtMs)} (UTC+8)` });
  if (notice.atMs !== incident.openedAtMs) out.push({ label: label.at, value: `${formatShanghaiTime(notice.atMs)} (UTC+8)` });
  if (notice.actor) out.push({ label: label.actor, value: notice.actor });
  if (notice.detail) out.push({ label: label.detail, value: notice.detail });
  if (notice.note) out.push({ label: label.note, value: notice.note });
  return out;
}

/**
 * Keeps user text (titles, notes) from turning into emphasis, code or links. Deliberately minimal: the robots'
 * markdown dialects differ, and `_` or `#` inside a value (`disk_root`) renders fine everywhere unescaped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*[\]])/g, '\\$1').replace(/\r?\n/g, ' ');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function renderMarkdown(title: string, list: Field[], url: string | undefined, lang: NotifyLang): string {
  const lines = [`### ${escapeMarkdown(title)}`, ''];
  for (const f of list) lines.push(`- **${f.label}**: ${escapeMarkdown(f.value)}`);
  if (url) lines.push('', `[${FIELD_LABEL[lang].open}](${url})`);
  return lines.join('\n');
}

function renderText(title: string, list: Field[], url: string | undefined, lang: NotifyLang): string {
  const sep = lang === 'zh-CN' ? '：' : ': ';
  const lines = [title, ''];
  for (const f of list) lines.push(`${f.label}${sep}${f.value}`);
  if (url) lines.push(`${FIELD_LABEL[lang].link}${sep}${url}`);
  return lines.join('\n');
}

function renderHtml(title: string, list: Field[], notice: IncidentNotice, lang: NotifyLang): string {
  const color = SEVERITY_COLOR[notice.incident.severity].html;
  const rows = list
    .map((f) => `<tr><th align="left" style="padding:4px 12px 4px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const url = notice.incident.url;
  const link = url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(FIELD_LABEL[lang].open)}</a></p>` : '';
  return [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
    `<h2 style="color:${color}">${escapeHtml(title)}</h2>`,
    `<table>${rows}</table>`,
    link,
    '</body></html>',
  ].join('\n');
}

export function renderNotice(notice: IncidentNotice, lang: NotifyLang = 'zh-CN'): RenderedNotice {
  const title = renderTitle(notice, lang);
  const list = fields(notice, lang);
  const url = notice.incident.url;
  return {
    title,
    markdown: renderMarkdown(title, list, url, lang),
    text: renderText(title, list, url, lang),
    html: renderHtml(title, list, notice, lang),
    notice,
  };
}
