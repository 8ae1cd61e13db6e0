/** Human durations in config and CLI: `90s`, `5m`, `4h`, `2d`, `1h30m`, or a bare number of seconds. */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

export function parseDurationMs(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1000 : null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  return total;
}

export function formatDurationMs(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s || (!d && !h && !m) ? `${s}s` : ''];
  return sign + parts.join('');
}

/** zod schema: accepts `30s` / `5m` / seconds as a number, yields milliseconds. */
export function durationSchema(opts: { min?: string; max?: string } = {}) {
  const minMs = opts.min ? (parseDurationMs(opts.min) ?? 0) : 0;
  const maxMs = opts.max ? (parseDurationMs(opts.max) ?? Infinity) : Infinity;
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (use e.g. 30s, 5m, 4h, 2d)` });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `duration ${JSON.stringify(value)} must be between ${opts.min ?? '0s'} and ${opts.max ?? 'infinity'}` });
      return z.NEVER;
    }
    return ms;
  });
}
