/**
 * What each SLA preset promises, named and described for a customer who has never seen the documents they came from,
 * in zh-CN and en. Each preset has a name that says what it promises; the names it had before stay accepted as
 * aliases (configs, stored incidents), and the report shows the title and description below.
 */
import type { Lang } from '../../common/humanize.js';

interface PresetText {
  /** The preset's id as configs and stored incidents know it (kept). */
  id: string;
  /** The name by what it promises; accepted wherever a policy is named. */
  name: string;
  'zh-CN': { title: string; description: string };
  en: { title: string; description: string };
}

export const PRESET_TEXTS: readonly PresetText[] = [
  {
    id: 'levels-i-iv',
    name: 'respond-30m-resolve-12h-to-5d',
    'zh-CN': {
      title: '四级故障：30 分钟响应，12 小时至 5 天解决',
      description: '全部级别 30 分钟内响应、2 小时内给出处理方案；解决时限 Ⅰ 级 12 小时、Ⅱ 级 24 小时、Ⅲ 级 48 小时、Ⅳ 级 5 天（7×24 小时计时）；Ⅰ 级 12 小时未解决时，16 小时内须出应急预案',
    },
    en: {
      title: 'Four fault levels: respond in 30 min, resolve in 12 h to 5 days',
      description: 'every level answered within 30 min with a handling plan within 2 h; resolved within 12 h (I), 24 h (II), 48 h (III), 5 days (IV), counted around the clock; when level I is not resolved at 12 h, a contingency plan by 16 h',
    },
  },
  {
    id: 'commitment-004',
    name: 'urgent-15m-escalated-others-1h-business-hours',
    'zh-CN': {
      title: '紧急 15 分钟响应并逐级升级，其余 1 小时响应（工作时间）',
      description: '紧急故障 15 分钟内响应（7×24 小时），2 小时未解决依次升级至项目经理、技术总监、分管副总；高级别 1 小时响应、12 小时内给出临时方案；中、低级别 1 小时响应、2 个工作日内解决（工作时间 09:00–17:30）',
    },
    en: {
      title: 'Urgent answered in 15 min and escalated; others in 1 h (business hours)',
      description: 'urgent faults answered within 15 min around the clock and escalated to the project manager, technical director and deputy general manager after 2 h; high: answered within 1 h, workaround within 12 h; medium and low: answered within 1 h, resolved within 2 working days (business hours 09:00–17:30)',
    },
  },
  {
    id: 'contract-003',
    name: 'respond-30m-resolve-8h-24h-95pct',
    'zh-CN': {
      title: '30 分钟响应，紧急/高 8 小时、中/低 24 小时解决，95% 按时',
      description: '全部级别 30 分钟内响应；自确认收到事件报告起，紧急、高级别 8 小时内解决，中、低级别 24 小时内解决（7×24 小时，含节假日）；95% 的事件须按时解决；系统可用率不低于 98%；计划停机期间报告的事件自停机结束起计时',
    },
    en: {
      title: 'Respond in 30 min; urgent/high resolved in 8 h, medium/low in 24 h; 95 % on time',
      description: 'every level answered within 30 min; counted from acknowledgement, urgent and high resolved within 8 h, medium and low within 24 h, around the clock including holidays; 95 % of incidents resolved on time; availability at least 98 %; incidents raised during planned downtime are timed from its end',
    },
  },
  {
    id: 'emergency-001',
    name: 'urgent-15m-8h-important-30m-4h-general-1h-2h',
    'zh-CN': {
      title: '应急分级：紧急 15 分钟/8 小时，重要 30 分钟/4 小时，一般 1 小时/2 小时',
      description: '紧急事件 15 分钟内响应、8 小时内解决；重要事件 30 分钟内响应、4 小时内解决；一般事件 1 小时内响应、2 小时内解决（7×24 小时）',
    },
    en: {
      title: 'Emergency levels: urgent 15 min / 8 h, important 30 min / 4 h, general 1 h / 2 h',
      description: 'urgent: answered within 15 min, resolved within 8 h; important: 30 min and 4 h; general: 1 h and 2 h; counted around the clock',
    },
  },
  {
    id: 'four-level-001',
    name: 'l1-30m-2h-to-l4-10-working-days',
    'zh-CN': {
      title: '四级服务：一级 30 分钟/2 小时，至四级 5/10 个工作日',
      description: '一级 30 分钟内响应、2 小时内解决；二级 4 小时内响应、12 小时内解决（7×24 小时）；三级 24 小时内响应、5 个工作日内解决；四级 5 个工作日内响应、10 个工作日内解决（工作时间 08:00–17:00）',
    },
    en: {
      title: 'Four service levels: L1 30 min / 2 h down to L4 5 / 10 working days',
      description: 'L1: answered within 30 min, resolved within 2 h; L2: 4 h and 12 h (around the clock); L3: answered within 24 h, resolved within 5 working days; L4: 5 and 10 working days (business hours 08:00–17:00)',
    },
  },
  {
    id: 'commitment-000',
    name: 'respond-1h-restore-8h-999',
    'zh-CN': {
      title: '1 小时响应，8 小时恢复，可用率 99.9%',
      description: '全部级别 1 小时内响应；4 小时内开始恢复，8 小时内恢复服务（7×24 小时）；系统可用率不低于 99.9%',
    },
    en: {
      title: 'Respond in 1 h, restore in 8 h, 99.9 % available',
      description: 'every level answered within 1 h; recovery started within 4 h and service restored within 8 h, around the clock; availability at least 99.9 %',
    },
  },
];

/** Promise-named alias → preset id. */
export const PRESET_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(PRESET_TEXTS.map((t) => [t.name, t.id]));

/** The preset id a name stands for (an alias or the id itself); other names unchanged. */
export function presetId(name: string): string {
  return PRESET_ALIASES[name] ?? name;
}

/** Title and description of a preset in `lang`, or null for a configured policy (it has its own description). */
export function presetText(name: string, lang: Lang): { title: string; description: string } | null {
  const id = presetId(name);
  const text = PRESET_TEXTS.find((t) => t.id === id);
  return text ? text[lang] : null;
}
