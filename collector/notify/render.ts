/**
 * Renders an IncidentNotice once into a title, markdown (IM robots), plain text and HTML (email), in Chinese by
 * default or English. Pure: times are formatted in the collector's time zone (top-level `timezone`) from the notice
 * itself; the check finding is rendered from its code and parameters; an opened, reopened or escalated notice says
 * by when the response and the resolution are due ("请于 01:51 前响应").
 */
import { renderFinding } from '../../common/findings.js';
import type { IncidentNotice, IncidentNoticeKind, Severity } from '../events.js';
import { SEVERITY_LABEL_ZH } from '../events.js';
import type { NotifyLang } from './config.js';
import type { RenderedNotice } from './types.js';
import { formatLocalDateTime, zoneOffsetMs } from '../sla/zoned-time.js';
import { actorLabel, localized, renderText as renderCodedText, timerLabel } from '../incidents/texts.js';

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
    claim: '认领',
    finding: '检查结果',
    responseDue: '响应时限',
    resolutionDue: '解决时限',
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
    claim: 'Acknowledge',
    finding: 'Finding',
    responseDue: 'Response',
    resolutionDue: 'Resolution',
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

/** `UTC+8`, `UTC+5:30`, `UTC` — the zone's offset at that instant, so a reader elsewhere knows which clock. */
export function utcOffsetLabel(timeZone: string, ms: number): string {
  const minutes = Math.round(zoneOffsetMs(timeZone, ms) / 60_000);
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

/** Options of one rendering: the reader's language and time zone. */
export interface RenderOptions {
  lang?: NotifyLang;
  timeZone?: string;
}

/** `请于 12-05 01:51 前响应` / `respond by 12-05 01:51`: the same day shows the time only. */
function dueText(kind: 'response' | 'resolution', dueMs: number, nowMs: number, lang: NotifyLang, timeZone: string): string {
  const due = formatLocalDateTime(timeZone, dueMs).slice(0, 16);
  const today = formatLocalDateTime(timeZone, nowMs).slice(0, 10);
  const when = due.startsWith(today) ? due.slice(11) : due.slice(5);
  const verb = kind === 'response' ? (lang === 'zh-CN' ? '响应' : 'respond') : lang === 'zh-CN' ? '解决' : 'resolve';
  return lang === 'zh-CN' ? `请于 ${when} 前${verb}` : `${verb} by ${when}`;
}

export function severityLabel(severity: Severity, lang: NotifyLang): string {
  return `${severity} ${SEVERITY_LABEL[lang][severity]}`;
}

/** `【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss` / `[P1 Critical] INC-… opened — …` */
export function renderTitle(notice: IncidentNotice, lang: NotifyLang, timeZone: string = DISPLAY_TIME_ZONE): string {
  const { incident } = notice;
  const sev = severityLabel(incident.severity, lang);
  const head = lang === 'zh-CN' ? `【${sev}】` : `[${sev}] `;
  return `${head}${incident.number} ${KIND_LABEL[lang][notice.kind]} — ${subject(notice, lang, timeZone)}`;
}

/**
 * The incident's title in the reader's language: its title code rendered; for an older incident without one, the
 * finding (when its code is known) after target and check; else the stored title.
 */
function subject(notice: IncidentNotice, lang: NotifyLang, timeZone: string): string {
  const { incident, finding } = notice;
  const coded = localized(incident.title, incident.titleCode, incident.titleParams, lang, timeZone);
  if (incident.titleCode) return coded ?? incident.title;
  if (!finding?.code || !incident.target) return incident.title;
  const text = renderFinding(finding, lang);
  if (text === finding.message) return incident.title;
  return `${incident.target}${incident.checkId ? ` ${incident.checkId}` : ''}${lang === 'zh-CN' ? '：' : ': '}${text}`;
}

/** The notice's note in the reader's language: its code rendered, else the note as written. */
function noteText(notice: IncidentNotice, lang: NotifyLang, timeZone: string): string | undefined {
  if (notice.noteText) return renderCodedText(notice.noteText, lang, timeZone) ?? notice.note;
  return notice.note;
}

/** The SLA clock named in `detail` in words; an escalation level's name as configured. */
function detailText(notice: IncidentNotice, lang: NotifyLang): string | undefined {
  if (!notice.detail) return undefined;
  return notice.kind === 'sla_warning' || notice.kind === 'sla_breach' ? timerLabel(notice.detail, lang) : notice.detail;
}

interface Field {
  label: string;
  value: string;
}

function fields(notice: IncidentNotice, lang: NotifyLang, timeZone: string): Field[] {
  const label = FIELD_LABEL[lang];
  const { incident } = notice;
  const time = (ms: number) => `${formatLocalDateTime(timeZone, ms)} (${utcOffsetLabel(timeZone, ms)})`;
  const out: Field[] = [
    { label: label.severity, value: severityLabel(incident.severity, lang) },
    { label: label.status, value: STATUS_LABEL[lang][incident.status] },
  ];
  if (incident.target) out.push({ label: label.target, value: incident.target });
  if (incident.checkId) out.push({ label: label.check, value: incident.checkId });
  if (notice.finding) out.push({ label: label.finding, value: renderFinding(notice.finding, lang) });
  out.push({ label: label.openedAt, value: time(incident.openedAtMs) });
  if (notice.atMs !== incident.openedAtMs) out.push({ label: label.at, value: time(notice.atMs) });
  const showDue = notice.kind === 'opened' || notice.kind === 'reopened' || notice.kind === 'escalated';
  if (showDue && notice.due?.responseAtMs != null && incident.status === 'open') {
    out.push({ label: label.responseDue, value: dueText('response', notice.due.responseAtMs, notice.atMs, lang, timeZone) });
  }
  if (showDue && notice.due?.resolutionAtMs != null) {
    out.push({ label: label.resolutionDue, value: dueText('resolution', notice.due.resolutionAtMs, notice.atMs, lang, timeZone) });
  }
  // The collector acting by itself is named in the reader's language; people by their names.
  if (notice.actor) out.push({ label: label.actor, value: actorLabel(notice.actor, lang) });
  const detail = detailText(notice, lang);
  if (detail) out.push({ label: label.detail, value: detail });
  const note = noteText(notice, lang, timeZone);
  if (note) out.push({ label: label.note, value: note });
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

/**
 * The console link that opens the incident with the acknowledge dialog ready (认领), for an incident still open and
 * a console deep link (`…/#/incidents/INC-…`); undefined otherwise.
 */
export function claimUrl(notice: Pick<IncidentNotice, 'incident'> | undefined): string | undefined {
  const url = notice?.incident.url;
  return url && notice.incident.status === 'open' && url.includes('/#/incidents/') ? `${url}?ack=1` : undefined;
}

function renderMarkdown(title: string, list: Field[], url: string | undefined, lang: NotifyLang, claim?: string): string {
  const lines = [`### ${escapeMarkdown(title)}`, ''];
  for (const f of list) lines.push(`- **${f.label}**: ${escapeMarkdown(f.value)}`);
  if (url) lines.push('', claim ? `[${FIELD_LABEL[lang].open}](${url}) · [${FIELD_LABEL[lang].claim}](${claim})` : `[${FIELD_LABEL[lang].open}](${url})`);
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
  const claim = claimUrl(notice);
  const claimLink = claim ? ` · <a href="${escapeHtml(claim)}">${escapeHtml(FIELD_LABEL[lang].claim)}</a>` : '';
  const link = url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(FIELD_LABEL[lang].open)}</a>${claimLink}</p>` : '';
  return [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
    `<h2 style="color:${color}">${escapeHtml(title)}</h2>`,
    `<table>${rows}</table>`,
    link,
    '</body></html>',
  ].join('\n');
}

export function renderNotice(notice: IncidentNotice, opts: NotifyLang | RenderOptions = {}): RenderedNotice {
  const { lang = 'zh-CN', timeZone = DISPLAY_TIME_ZONE } = typeof opts === 'string' ? { lang: opts } : opts;
  const title = renderTitle(notice, lang, timeZone);
  const list = fields(notice, lang, timeZone);
  const url = notice.incident.url;
  return {
    title,
    markdown: renderMarkdown(title, list, url, lang, claimUrl(notice)),
    text: renderText(title, list, url, lang),
    html: renderHtml(title, list, notice, lang),
    fields: list,
    notice,
    lang,
  };
}
