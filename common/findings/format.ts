/** What a catalogue entry is, and the small formatters its templates share (raw params → text for people). */
import type { FindingParams } from '../protocol.js';
import { formatBytes, formatDuration, type Lang } from '../humanize.js';

export type Value = FindingParams[string] | undefined;
type Template = (p: FindingParams) => string;

export interface FindingText {
  /** The params the templates need; an agent emitting the code always sends them (a unit test holds it). */
  params: readonly string[];
  'zh-CN': Template;
  en: Template;
}

export type Catalogue = Readonly<Record<string, FindingText>>;

export const str = (v: Value): string => (v === undefined || v === null ? '' : String(v));
export const bytes = (v: Value): string => (typeof v === 'number' ? formatBytes(v) : str(v));
export const dur = (lang: Lang) => (v: Value): string => (typeof v === 'number' ? formatDuration(v, lang) : str(v));
/** A number with at most `digits` decimals. */
export const num = (v: Value, digits = 1): string => (typeof v === 'number' ? String(Math.round(v * 10 ** digits) / 10 ** digits) : str(v));
export const pct = (v: Value): string => `${num(v)}%`;
/** "告警" / "严重" for a threshold's level. */
export const levelZh = (v: Value): string => (v === 'crit' ? '严重阈值' : '告警阈值');
export const levelEn = (v: Value): string => (v === 'crit' ? 'critical threshold' : 'warning threshold');
