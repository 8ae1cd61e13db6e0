/**
 * What a report says in words beyond its labels (i18n.ts), in zh-CN and en: timeline actions, check types, metric
 * names and units, thresholds, the findings a report derives itself (stale check, disk filling, certificate, backup,
 * interface errors) and the calculation policy. Pure; values are formatted for people (common/humanize.ts), times in
 * the report's zone.
 */
import { renderFinding } from '../../common/findings.js';
import { formatBytes, formatDuration, type Lang } from '../../common/humanize.js';
import type { FindingParams } from '../../common/protocol.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';
import type { MetricThreshold } from './config.js';

type Pair = readonly [zh: string, en: string];
const pick = (lang: Lang, pair: Pair): string => pair[lang === 'zh-CN' ? 0 : 1];

/** Incident timeline actions (incidents service, SLA scheduler, notifier, pauses, trap rules). */
const TIMELINE_ACTIONS: Record<string, Pair> = {
  opened: ['创建', 'opened'],
  acknowledged: ['响应', 'acknowledged'],
  resolved: ['解决', 'resolved'],
  closed: ['关闭', 'closed'],
  reopened: ['重新打开', 'reopened'],
  note: ['备注', 'note'],
  escalated: ['升级', 'escalated'],
  escalation: ['升级', 'escalated'],
  state_changed: ['状态变化', 'state changed'],
  unfolded: ['独立处理', 'unfolded'],
  extended: ['延期', 'extended'],
  evaluated: ['客户评价', 'evaluated'],
  evaluation_replaced: ['客户评价（替换此前评价）', 'evaluation replaced'],
  sla_paused: ['SLA 暂停', 'SLA paused'],
  sla_resumed: ['SLA 恢复', 'SLA resumed'],
  sla_warning: ['SLA 即将超时', 'SLA warning'],
  sla_breach: ['SLA 超时', 'SLA breached'],
  warning: ['SLA 即将超时', 'SLA warning'],
  breach: ['SLA 超时', 'SLA breached'],
  notification_delivered: ['通知已送达', 'notification delivered'],
  notification_failed: ['通知失败', 'notification failed'],
  report_reminder: ['故障报告提醒', 'fault report reminder'],
  fault_report_sent: ['故障报告已发送', 'fault report sent'],
  trap: ['设备告警', 'trap'],
};

export function timelineAction(kind: string, lang: Lang): string {
  const pair = TIMELINE_ACTIONS[kind];
  return pair ? pick(lang, pair) : kind;
}

const CHECK_TYPES: Record<string, Pair> = {
  ping: ['网络连通性', 'ping'],
  tcp: ['TCP 端口', 'TCP port'],
  http: ['HTTP(S) 服务', 'HTTP(S)'],
  host: ['主机资源', 'host'],
  service: ['系统服务', 'service'],
  snmp: ['网络设备 (SNMP)', 'network device (SNMP)'],
  backup: ['备份', 'backup'],
  heartbeat: ['心跳', 'heartbeat'],
  agent: ['采集代理', 'agent'],
};

export function checkTypeLabel(type: string, lang: Lang): string {
  const pair = CHECK_TYPES[type];
  return pair ? pick(lang, pair) : type;
}

const METRICS: Record<string, Pair> = {
  used_percent: ['使用率', 'used'],
  cert_days_left: ['证书剩余天数', 'certificate days left'],
  loss_percent: ['丢包率', 'packet loss'],
  rtt_ms: ['往返时延', 'round trip'],
  rtt_avg_ms: ['平均时延', 'average round trip'],
  load1: ['1 分钟负载', 'load (1 min)'],
  load5: ['5 分钟负载', 'load (5 min)'],
  load15: ['15 分钟负载', 'load (15 min)'],
  cpu_percent: ['CPU 使用率', 'CPU'],
  memory_used_percent: ['内存使用率', 'memory used'],
  swap_used_percent: ['交换分区使用率', 'swap used'],
  status_code: ['HTTP 状态码', 'HTTP status'],
  response_ms: ['响应时间', 'response time'],
  connect_ms: ['连接时间', 'connect time'],
  duration_ms: ['耗时', 'duration'],
  age_s: ['距上次备份', 'backup age'],
  size_bytes: ['大小', 'size'],
  used_bytes: ['已用', 'used bytes'],
  available_bytes: ['可用', 'available'],
  total_bytes: ['容量', 'capacity'],
  in_errors_per_s: ['入方向错误/秒', 'input errors/s'],
  out_errors_per_s: ['出方向错误/秒', 'output errors/s'],
  in_bits_per_s: ['入方向流量', 'input rate'],
  out_bits_per_s: ['出方向流量', 'output rate'],
  oper_up: ['接口运行状态', 'interface up'],
  uptime_s: ['运行时长', 'uptime'],
  files: ['文件数', 'files'],
};

export function metricLabel(name: string, lang: Lang): string {
  const pair = METRICS[name];
  return pair ? pick(lang, pair) : name;
}

/** A metric value with its unit, from the name's suffix (`_percent`, `_bytes`, `_s`, `_ms`, `_per_s`). */
export function formatMetric(name: string, value: number, lang: Lang): string {
  const round = (v: number, d = 2) => String(Math.round(v * 10 ** d) / 10 ** d);
  if (name.endsWith('_percent')) return `${round(value, 1)} %`;
  if (name.endsWith('_bytes')) return formatBytes(value);
  if (name.endsWith('_per_s')) return `${round(value)}/s`;
  if (name.endsWith('_ms')) return `${round(value, 1)} ms`;
  if (name.endsWith('_s')) return formatDuration(value, lang);
  if (name === 'cert_days_left') return lang === 'zh-CN' ? `${round(value, 1)} 天` : `${round(value, 1)} d`;
  return round(value);
}

/** `警告 ≥80 %，异常 ≥90 %` / `warn ≥80 % · fail ≥90 %` (the threshold in the metric's unit). */
export function thresholdLabel(name: string, t: MetricThreshold, lang: Lang): string {
  const op = t.below ? '≤' : '≥';
  const v = (x: number) => formatMetric(name, x, lang);
  return lang === 'zh-CN' ? `警告 ${op}${v(t.warn)}，异常 ${op}${v(t.crit)}` : `warn ${op}${v(t.warn)} · fail ${op}${v(t.crit)}`;
}

/** The standard a check row is held to when it has no numeric threshold: the check's own verdict. */
export function checkStandard(lang: Lang): string {
  return lang === 'zh-CN' ? '检查结果正常' : 'check reports OK';
}

/** Report-level findings (the inspection report derives these itself). Params are raw values. */
export type ReportFindingCode = 'report.stale' | 'report.disk_full' | 'report.cert_expiring' | 'report.backup' | 'report.interface_errors';

export interface ReportFindingContext {
  lang: Lang;
  timeZone: string;
}

const num = (v: FindingParams[string] | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));
const str = (v: FindingParams[string] | undefined): string => (v === undefined || v === null ? '' : String(v));

/**
 * A finding in the reader's language: a report-level code, a check's own code (common/findings.ts), or its
 * message when there is no code.
 */
export function findingText(f: { code?: string | null; params?: FindingParams | null; message: string }, c: ReportFindingContext): string {
  const p = f.params ?? {};
  const zh = c.lang === 'zh-CN';
  const days = (v: number) => (zh ? `${Math.round(v * 10) / 10} 天` : `${Math.round(v * 10) / 10} days`);
  switch (f.code) {
    case 'report.stale': {
      const last = formatLocalDateTime(c.timeZone, num(p.last_ms)).slice(0, 16);
      return zh ? `${str(p.date)} 无检查结果（最近一次 ${last}）` : `no result on ${str(p.date)} (last ${last})`;
    }
    case 'report.disk_full':
      return zh ? `按当前增长速度约 ${days(num(p.days))}后写满` : `full in ${days(num(p.days))} at the current rate`;
    case 'report.cert_expiring':
      return zh ? `证书 ${days(num(p.days))}后到期` : `certificate expires in ${days(num(p.days))}`;
    case 'report.backup': {
      const inner = findingText({ code: (p.code as string | null) ?? null, params: p.params ? (JSON.parse(str(p.params)) as FindingParams) : null, message: str(p.message) }, c);
      return zh ? `备份异常：${inner}` : `backup ${str(p.status) || 'failed'}: ${inner}`;
    }
    case 'report.interface_errors': {
      const list = str(p.errors)
        .split(',')
        .filter(Boolean)
        .map((e) => {
          const [name = '', value = ''] = e.split('=');
          return `${metricLabel(name, c.lang)} ${value}`;
        })
        .join(zh ? '，' : ', ');
      return zh ? `接口有错误包：${list}` : `interface errors: ${list}`;
    }
    default:
      return renderFinding(f, c.lang);
  }
}

/** The calculation policy of the SLA report, in words. */
export function availabilityFormula(lang: Lang): string {
  return lang === 'zh-CN' ? '可用率 = 可用时间 ÷ (服务时间 − 维护时间 − 无数据时间)' : 'A = up / (scheduled − maintenance − unknown)';
}

export function unknownPolicyText(policy: string, lang: Lang): string {
  const texts: Record<string, Pair> = {
    excluded: ['无数据时间不计入分母（单独列为数据覆盖率）', 'unknown time is left out of the denominator (shown as coverage)'],
    up: ['无数据时间按可用计算', 'unknown time counts as up'],
    down: ['无数据时间按不可用计算', 'unknown time counts as down'],
  };
  const pair = texts[policy];
  return pair ? pick(lang, pair) : policy;
}

export function targetRuleText(lang: Lang): string {
  return lang === 'zh-CN'
    ? '对象有连通性检查时以连通性检查为准，否则以其全部检查为准（任一检查不可用即视为不可用）'
    : 'reachability checks if the target has any, else all its checks (down while any is down)';
}

export function yesNo(value: boolean, lang: Lang): string {
  return lang === 'zh-CN' ? (value ? '是' : '否') : value ? 'yes' : 'no';
}
