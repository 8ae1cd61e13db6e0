/**
 * Incident titles and timeline notes the collector writes, as a code plus params, rendered in the reader's language
 * (zh-CN or en) and time zone at the edge: reports, notifications, the console (API `?lang=`), the CLI. The stored
 * `title` / `note` keep an English rendering for machines and logs; rows written before codes existed have none and
 * show their text. A person's words (manual titles, notes, causes, resolutions) are never coded: they stay as typed.
 */
import { renderFinding } from '../../common/findings.js';
import type { Lang } from '../../common/humanize.js';
import type { FindingParams } from '../../common/protocol.js';
import { SEVERITY_LABEL_ZH } from '../events.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';

/** JSON params of a coded text (strings, numbers, booleans, null, and a nested finding). */
export type TextParams = Record<string, unknown>;

export interface CodedText {
  code: string;
  params: TextParams;
}

/** A check finding inside params: `{ code, params }` plus the English message beside it. */
export interface FindingRef {
  code: string;
  params: FindingParams | null;
}

type Render = (p: TextParams, lang: Lang, timeZone: string) => string;

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const STATE: Record<Lang, Record<string, string>> = {
  'zh-CN': { ok: '正常', warn: '告警', crit: '严重', unknown: '未知' },
  en: { ok: 'OK', warn: 'warning', crit: 'critical', unknown: 'unknown' },
};

const TIMER: Record<Lang, Record<string, string>> = {
  'zh-CN': { response: '响应时限', resolution: '解决时限', contingency: '应急方案时限', workaround: '临时解决时限' },
  en: { response: 'response', resolution: 'resolution', contingency: 'contingency plan', workaround: 'workaround' },
};

function findingOf(p: TextParams): FindingRef | null {
  const f = p.finding;
  if (!f || typeof f !== 'object') return null;
  const { code, params } = f as { code?: unknown; params?: unknown };
  return typeof code === 'string' ? { code, params: params && typeof params === 'object' ? (params as FindingParams) : null } : null;
}

/** The finding in `lang`; its English message when the code is absent or unknown; else the state in words. */
function what(p: TextParams, lang: Lang): string {
  const finding = findingOf(p);
  const message = s(p.message);
  const text = renderFinding({ code: finding?.code ?? null, params: finding?.params ?? null, message }, lang);
  return text || STATE[lang][s(p.state)] || s(p.state);
}

function when(ms: unknown, timeZone: string): string {
  return typeof ms === 'number' ? formatLocalDateTime(timeZone, ms).slice(0, 16) : '';
}

const TEXTS: Record<string, Record<Lang, Render>> = {
  // ---- titles ----
  'title.check': {
    'zh-CN': (p) => `${s(p.target)} · ${s(p.check_id)} — ${what(p, 'zh-CN')}`,
    en: (p) => `${s(p.target)} · ${s(p.check_id)} — ${what(p, 'en')}`,
  },
  'title.agent_lost': {
    'zh-CN': (p) => `${s(p.target)}：采集代理失联${p.detail ? `（${s(p.detail)}）` : ''}`,
    en: (p) => `${s(p.target)}: agent lost${p.detail ? ` (${s(p.detail)})` : ''}`,
  },
  'title.agent_stopped': {
    'zh-CN': (p) => `${s(p.target)}：采集代理已停止`,
    en: (p) => `${s(p.target)}: agent stopped`,
  },
  'title.burn_rate': {
    'zh-CN': (p) => `${s(p.target)}：合同 ${s(p.contract)} 的错误预算消耗过快（≥ ${s(p.factor)} 倍，${s(p.window)}）`,
    en: (p) => `${s(p.target)}: error budget of ${s(p.contract)} burning ≥ ${s(p.factor)}× (${s(p.window)})`,
  },
  'title.broker_unreachable': {
    'zh-CN': (p) => `MQTT 消息服务器不可达：${s(p.broker)}`,
    en: (p) => `MQTT broker unreachable: ${s(p.broker)}`,
  },
  'title.trap': {
    'zh-CN': (p) => `${s(p.target)}：设备告警 ${s(p.trap)}`,
    en: (p) => `${s(p.trap)} on ${s(p.target)}`,
  },
  'title.link_down': {
    'zh-CN': (p) => `${s(p.target)}：接口 ${s(p.interface)} 断开`,
    en: (p) => `Interface ${s(p.interface)} down on ${s(p.target)}`,
  },
  // ---- timeline and notice notes ----
  'note.finding': { 'zh-CN': (p) => what(p, 'zh-CN'), en: (p) => what(p, 'en') },
  'note.auto_resolved': {
    'zh-CN': (p) => `自动解决：${p.finding || p.message ? what(p, 'zh-CN') : '检查恢复正常'}`,
    en: (p) => `auto-resolved: ${p.finding || p.message ? what(p, 'en') : 'check returned to ok'}`,
  },
  'note.severity_raised': {
    'zh-CN': (p) => `级别升至 ${s(p.severity)} ${SEVERITY_LABEL_ZH[s(p.severity) as keyof typeof SEVERITY_LABEL_ZH] ?? ''}`.trimEnd(),
    en: (p) => `severity raised to ${s(p.severity)}`,
  },
  'note.unfolded': {
    'zh-CN': (p) => `主机事件 ${s(p.parent)} 已解决，本事件转为独立处理`,
    en: (p) => `host incident ${s(p.parent)} resolved; this incident is now independent`,
  },
  'note.was_folded': {
    'zh-CN': (p) => `此前归并在 ${s(p.parent)} 之下`,
    en: (p) => `was folded under ${s(p.parent)}`,
  },
  'note.delivered': {
    'zh-CN': (p) => `${s(p.channel)}：已送达（尝试 ${s(p.attempts)} 次）`,
    en: (p) => `${s(p.channel)}: delivered (${s(p.attempts)} attempt(s))`,
  },
  'note.delivery_failed': {
    'zh-CN': (p) => `${s(p.channel)}：尝试 ${s(p.attempts)} 次后发送失败：${s(p.error) || '未知错误'}`,
    en: (p) => `${s(p.channel)}: failed after ${s(p.attempts)} attempt(s): ${s(p.error) || 'unknown error'}`,
  },
  'note.sla_breach': {
    'zh-CN': (p, _l, tz) => `${TIMER['zh-CN'][s(p.timer)] ?? s(p.timer)}已超时（应于 ${when(p.due_ms, tz)} 前完成）`,
    en: (p, _l, tz) => `${TIMER.en[s(p.timer)] ?? s(p.timer)} target breached (due ${when(p.due_ms, tz)})`,
  },
  'note.sla_warning': {
    'zh-CN': (p, _l, tz) => `${TIMER['zh-CN'][s(p.timer)] ?? s(p.timer)}已用去 ${s(p.percent)}%（应于 ${when(p.due_ms, tz)} 前完成）`,
    en: (p, _l, tz) => `${TIMER.en[s(p.timer)] ?? s(p.timer)} at ${s(p.percent)} % of its target (due ${when(p.due_ms, tz)})`,
  },
  'note.escalated': {
    'zh-CN': (p) => `已升级至第 ${s(p.level)} 级：${s(p.name)}`,
    en: (p) => `escalated to level ${s(p.level)}: ${s(p.name)}`,
  },
  'note.burn_rate': {
    'zh-CN': (p) => `可用率目标 ${s(p.target_percent)}%；${s(p.window)} 两个窗口的错误预算消耗速度均至少为允许速度的 ${s(p.factor)} 倍（当前 ${s(p.burn)} 倍）`,
    en: (p) => `availability target ${s(p.target_percent)} %; the ${s(p.window)} windows both burn the budget at least ${s(p.factor)}× too fast (now ${s(p.burn)}×)`,
  },
  'note.burn_rate_recovered': {
    'zh-CN': () => '错误预算消耗速度已低于所有告警阈值',
    en: () => 'burn rate back below every alert threshold',
  },
  'note.broker_unreachable': {
    'zh-CN': (p) => `采集器已有 ${s(p.seconds)} 秒无法连接 MQTT 消息服务器 ${s(p.broker)}：暂时收不到检查结果，采集代理会先在本地缓存`,
    en: (p) => `the collector has had no connection to the MQTT broker ${s(p.broker)} for ${s(p.seconds)} s: no agent results arrive; agents keep them in their spools`,
  },
  'note.broker_back': {
    'zh-CN': (p) => `与 MQTT 消息服务器的连接已恢复${typeof p.seconds === 'number' ? `（中断 ${s(p.seconds)} 秒）` : ''}`,
    en: (p) => `connection to the MQTT broker is back${typeof p.seconds === 'number' ? ` (down ${s(p.seconds)} s)` : ''}`,
  },
  'note.link_up': {
    'zh-CN': () => '接口已恢复（设备告警 linkUp）',
    en: () => 'link up (trap)',
  },
};

/** An SLA clock's name in words (`response` → 响应时限). */
export function timerLabel(name: string, lang: Lang): string {
  return TIMER[lang][name] ?? name;
}

/** The collector's own actors (the timeline's `system` and `notifier`) in words; a person's name as it is. */
const ACTOR: Record<Lang, Record<string, string>> = {
  'zh-CN': { system: '系统', notifier: '通知服务' },
  en: { system: 'system', notifier: 'notifier' },
};

export function actorLabel(actor: string, lang: Lang): string {
  return ACTOR[lang][actor] ?? actor;
}

/** True when the catalogue knows `code`. */
export function knownText(code: string): boolean {
  return Object.hasOwn(TEXTS, code);
}

/** The coded text in `lang`; null when the code is unknown (show the stored text then). */
export function renderText(text: CodedText, lang: Lang, timeZone: string): string | null {
  const entry = TEXTS[text.code];
  return entry ? entry[lang](text.params, lang, timeZone) : null;
}

/** A stored title or note: its code rendered when known, else its text as stored. */
export function localized(stored: string | null, code: string | null | undefined, params: TextParams | null | undefined, lang: Lang, timeZone: string): string | null {
  if (!code) return stored;
  return renderText({ code, params: params ?? {} }, lang, timeZone) ?? stored;
}

/** Shortens a title for storage (titles are limited to 200 characters). */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A text's English rendering (stored beside the code for machines, logs and older readers). */
export function english(text: CodedText): string {
  return renderText(text, 'en', 'UTC') ?? text.code;
}

/** The coded note of a state change's reason: its finding when it has one, else its message. */
export function findingNote(finding: FindingRef | null | undefined, message: string): CodedText {
  return { code: 'note.finding', params: { ...(finding ? { finding } : {}), message } };
}
