/**
 * Time-zone arithmetic on top of Intl (no tz database of our own). Civil dates are handled as "epoch day
 * numbers" (days since 1970-01-01 in the proleptic Gregorian calendar), which makes weekday and day
 * stepping plain integer arithmetic.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone name (e.g. `Asia/Shanghai`, `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const OFFSET_CACHE_LIMIT = 500_000;
/** Per zone: UTC day → its offset when constant all day, or null when the day has a transition. */
const dayOffsetCaches = new Map<string, Map<number, number | null>>();
/** Per zone: quarter hour → offset, only for days with a transition. */
const quarterOffsetCaches = new Map<string, Map<number, number>>();

function cacheFor<V>(caches: Map<string, Map<number, V>>, timeZone: string): Map<number, V> {
  let cache = caches.get(timeZone);
  if (!cache) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
  return cache;
}

/**
 * The zone's offset from UTC at an instant, in ms (Asia/Shanghai → 28 800 000). Intl is slow, so offsets are
 * cached per UTC day when the day has no transition (the same offset at both ends), else per quarter hour:
 * every transition since offsets were standardised falls on a quarter-hour UTC boundary.
 */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const days = cacheFor(dayOffsetCaches, timeZone);
  const day = Math.floor(utcMs / DAY_MS);
  let whole = days.get(day);
  if (whole === undefined) {
    const atStart = intlOffsetMs(timeZone, day * DAY_MS);
    whole = atStart === intlOffsetMs(timeZone, (day + 1) * DAY_MS - 1000) ? atStart : null;
    days.set(day, whole);
  }
  if (whole !== null) return whole;
  const quarters = cacheFor(quarterOffsetCaches, timeZone);
  const bucket = Math.floor(utcMs / QUARTER_HOUR_MS);
  let offset = quarters.get(bucket);
  if (offset === undefined) {
    offset = intlOffsetMs(timeZone, bucket * QUARTER_HOUR_MS);
    quarters.set(bucket, offset);
  }
  return offset;
}

function intlOffsetMs(timeZone: string, utcMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  // Intl drops milliseconds: compare against the instant truncated to the second.
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time (`localMs` = the wall time written as if it were UTC).
 * In a spring-forward gap the wall time does not exist: we return the instant the gap ends at, shifted
 * like the clock was (02:30 → 03:30); in a fall-back overlap the earlier instant wins.
 */
export function localToUtc(timeZone: string, localMs: number): number {
  const first = zoneOffsetMs(timeZone, localMs);
  let utc = localMs - first;
  const second = zoneOffsetMs(timeZone, utc);
  if (second !== first) {
    utc = localMs - second;
    const third = zoneOffsetMs(timeZone, utc);
    // Still inconsistent → the wall time is in a gap; use the offset in force before the gap.
    if (third !== second) utc = localMs - Math.min(first, second);
  } else {
    // Prefer the earlier of two valid instants during a fall-back overlap.
    const earlier = localMs - zoneOffsetMs(timeZone, utc - HOUR_MS);
    if (earlier < utc && zoneOffsetMs(timeZone, earlier) + earlier === localMs) utc = earlier;
  }
  return utc;
}

/** Epoch day number of a civil date (1970-01-01 → 0). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Civil date of an epoch day number. */
export function civilDate(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** `YYYY-MM-DD` of an epoch day number. */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Parses `YYYY-MM-DD` into an epoch day number, or null. */
export function parseDayKey(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const n = dayNumber(year, month, day);
  const back = civilDate(n);
  return back.year === year && back.month === month && back.day === day ? n : null;
}

/** ISO weekday 1 (Monday) … 7 (Sunday) of an epoch day number. */
export function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The local civil day containing an instant. */
export function localDayOf(timeZone: string, utcMs: number): number {
  return Math.floor((utcMs + zoneOffsetMs(timeZone, utcMs)) / DAY_MS);
}

/** ISO 8601 with the zone's offset, seconds precision (milliseconds only when non-zero). */
export function formatZoned(timeZone: string, utcMs: number): string {
  const offset = zoneOffsetMs(timeZone, utcMs);
  const local = new Date(utcMs + offset).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const base = utcMs % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / MINUTE_MS;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${base}${sign}${hh}:${mm}`;
}

/** `YYYY-MM-DD HH:mm:ss` wall time in the zone (what people read in the CLI, IM cards and emails). */
export function formatLocalDateTime(timeZone: string, utcMs: number): string {
  return new Date(utcMs + zoneOffsetMs(timeZone, utcMs)).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Parses an ISO 8601 instant. With `Z` or an offset it is absolute; without one it is wall time in
 * `timeZone`. Returns null for anything else.
 */
export function parseInstant(text: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = match;
  const day = parseDayKey(`${y}-${mo}-${d}`);
  if (day === null || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const localMs = day * DAY_MS + Number(h) * HOUR_MS + Number(mi) * MINUTE_MS + Number(s) * 1000 + Number(frac.padEnd(3, '0'));
  if (zone === undefined) return localToUtc(timeZone, localMs);
  if (zone === 'Z') return localMs;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * HOUR_MS + Number(digits.slice(2)) * MINUTE_MS);
  return localMs - offset;
}
