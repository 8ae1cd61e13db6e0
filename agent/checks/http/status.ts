/** Expected HTTP status specs (`200`, `"200-399"`, or a list of them): schema and matching. Pure. */
import { z } from 'zod';

export interface StatusRange {
  lo: number;
  hi: number;
}

const itemSchema = z.union([
  z.number().int().min(100).max(599),
  z
    .string()
    .regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, 'status must be a code like 200 or a range like "200-399"')
    .refine((text) => {
      const [lo, hi] = text.split('-').map(Number);
      return hi === undefined || (lo ?? 0) <= hi;
    }, 'status range must be low-high'),
]);

/** Accepts one spec or a list; yields ranges. Default: 200-399 (any success or redirect). */
export const expectedStatusSchema = z
  .union([itemSchema, z.array(itemSchema).min(1)])
  .default('200-399')
  .transform((value): StatusRange[] => (Array.isArray(value) ? value : [value]).map(toRange));

function toRange(item: number | string): StatusRange {
  if (typeof item === 'number') return { lo: item, hi: item };
  const [lo, hi] = item.split('-').map(Number);
  return { lo: lo ?? 0, hi: hi ?? lo ?? 0 };
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => status >= r.lo && status <= r.hi);
}

export function describeRanges(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`)).join(', ');
}
