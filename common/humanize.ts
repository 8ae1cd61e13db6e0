/** Sizes and durations for people, in the reader's language: `1.2 GB`, `1天2小时`, `1 d 2 h`. */
export type Lang = 'zh-CN' | 'en';
export const LANGS = ['zh-CN', 'en'] as const;

/** Seconds → `1天 2小时 3分` / `1 d 2 h 3 min`; whole seconds only below one minute. */
export function formatDuration(totalSeconds: number, lang: Lang): string {
  const s = Math.round(totalSeconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const units = lang === 'zh-CN' ? ['天', '小时', '分', '秒'] : ['d', 'h', 'min', 's'];
  const gap = lang === 'en' ? ' ' : '';
  const parts: string[] = [];
  if (d) parts.push(`${d}${gap}${units[0]}`);
  if (h) parts.push(`${h}${gap}${units[1]}`);
  if (m) parts.push(`${m}${gap}${units[2]}`);
  if (sec || parts.length === 0) parts.push(`${sec}${gap}${units[3]}`);
  return parts.join(' ');
}

/** Bytes in binary units with one decimal: `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
