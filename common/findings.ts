/**
 * The catalogue of check findings: a result's `code` and `params` rendered in the reader's language at the edge
 * (reports, notifications, console). The agent still sends an English `message` for older collectors and for
 * logs; a result without a code, or with one this catalogue does not know, is shown by that message.
 */
import type { FindingParams } from './protocol.js';
import { formatBytes, formatDuration, type Lang } from './humanize.js';

type Template = (p: FindingParams) => string;
export interface FindingText {
  'zh-CN': Template;
  en: Template;
}

const str = (v: FindingParams[string] | undefined): string => (v === undefined || v === null ? '' : String(v));
const bytes = (v: FindingParams[string] | undefined): string => (typeof v === 'number' ? formatBytes(v) : str(v));
const seconds = (lang: Lang) => (v: FindingParams[string] | undefined): string =>
  typeof v === 'number' ? formatDuration(v, lang) : str(v);

/**
 * One entry per code, `<check type>.<finding>`. Parameters are raw values (bytes, seconds, percents); the
 * templates format them for people.
 */
export const FINDINGS: Readonly<Record<string, FindingText>> = {
  'backup.too_small': {
    'zh-CN': (p) => `备份文件 ${str(p.file)} 大小 ${bytes(p.size)}，明显小于近期中位数 ${bytes(p.median)}`,
    en: (p) => `backup ${str(p.file)} is ${bytes(p.size)}, far below the recent median ${bytes(p.median)}`,
  },
  'backup.late': {
    'zh-CN': (p) => `最近一次备份已过去 ${seconds('zh-CN')(p.age_s)}，超过允许的 ${seconds('zh-CN')(p.max_age_s)}`,
    en: (p) => `last backup is ${seconds('en')(p.age_s)} old, more than the allowed ${seconds('en')(p.max_age_s)}`,
  },
};

/** The finding in `lang`, or `message` when the code is absent or unknown (older agents, custom checks). */
export function renderFinding(
  finding: { code?: string | null; params?: FindingParams | null; message: string },
  lang: Lang,
): string {
  const text = finding.code ? FINDINGS[finding.code] : undefined;
  if (!text) return finding.message;
  return text[lang](finding.params ?? {});
}
