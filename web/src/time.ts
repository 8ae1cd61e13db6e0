/** Times in the collector's time zone (never UTC `…Z` strings), durations and countdowns in the reader's language. */
import type { Lang } from './i18n';

let zone = 'Asia/Shanghai';
export const setTimeZone = (tz: string) => void (zone = tz);
export const timeZone = () => zone;

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'datetime' | 'time' | 'date'): Intl.DateTimeFormat {
  const key = `${zone}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: zone, hourCycle: 'h23' };
    const opts: Intl.DateTimeFormatOptions =
      kind === 'date' ? { ...base, year: 'numeric', month: '2-digit', day: '2-digit' } : kind === 'time' ? { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' } : { ...base, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' };
    f = new Intl.DateTimeFormat('en-CA', opts);
    cache.set(key, f);
  }
  return f;
}

function parts(ms: number, kind: 'datetime' | 'time' | 'date'): Record<string, string> {
  return Object.fromEntries(formatter(kind).formatToParts(ms).map((p) => [p.type, p.value]));
}

/** `2026-12-05 03:04` in the collector's zone. */
export function fmtDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const p = parts(ms, 'datetime');
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function fmtDate(ms: number): string {
  const p = parts(ms, 'date');
  return `${p.year}-${p.month}-${p.day}`;
}

export function fmtTime(ms: number): string {
  const p = parts(ms, 'time');
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYY-MM` now in the collector's zone. */
export const currentPeriod = (now = Date.now()) => fmtDate(now).slice(0, 7);

/** The zone's offset from UTC at an instant, ms. */
function offsetMs(ms: number): number {
  const p = parts(ms, 'datetime');
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute)) - Math.floor(ms / 60_000) * 60_000;
}

/** A wall time typed in a datetime-local input (`YYYY-MM-DDTHH:mm`), read in the collector's zone → epoch ms. */
export function zonedInputToMs(value: string): number {
  const wall = Date.parse(`${value}:00Z`);
  const first = wall - offsetMs(wall);
  return wall - offsetMs(first);
}

/** epoch ms → value for a datetime-local input in the collector's zone. */
export function msToZonedInput(ms: number): string {
  const p = parts(ms, 'datetime');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

export function fmtDuration(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (lang === 'en') return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
  return d > 0 ? `${d}天${h}小时` : h > 0 ? `${h}小时${m}分` : m > 0 ? `${m}分${sec}秒` : `${sec}秒`;
}

export function fmtBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function fmtPercent(p: number | null | undefined, digits = 3): string {
  return p === null || p === undefined ? '—' : `${p.toFixed(digits).replace(/\.?0+$/, '')} %`;
}
