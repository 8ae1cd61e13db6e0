/** Half-open time intervals [startMs, endMs): merging, clipping, subtracting. Pure helpers. */

export interface Interval {
  startMs: number;
  endMs: number;
}

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ startMs: i.startMs, endMs: i.endMs });
  }
  return out;
}

/** Parts of sorted disjoint `base` not covered by sorted disjoint `cut`. */
export function subtractIntervals(base: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const b of base) {
    let start = b.startMs;
    while (j < cut.length && (cut[j]?.endMs ?? 0) <= start) j++;
    let k = j;
    while (k < cut.length && (cut[k]?.startMs ?? 0) < b.endMs) {
      const c = cut[k] as Interval;
      if (c.startMs > start) out.push({ startMs: start, endMs: c.startMs });
      start = Math.max(start, c.endMs);
      k++;
    }
    if (start < b.endMs) out.push({ startMs: start, endMs: b.endMs });
  }
  return out;
}

/** Intersection of two sorted disjoint lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const s = Math.max(x.startMs, y.startMs);
    const e = Math.min(x.endMs, y.endMs);
    if (e > s) out.push({ startMs: s, endMs: e });
    if (x.endMs < y.endMs) i++;
    else j++;
  }
  return out;
}

/** Total length of a list of disjoint intervals. */
export function totalMs(intervals: readonly Interval[]): number {
  let total = 0;
  for (const i of intervals) total += i.endMs - i.startMs;
  return total;
}

/** The interval of a sorted disjoint list containing the instant, if any. */
export function intervalContaining(intervals: readonly Interval[], atMs: number): Interval | null {
  for (const i of intervals) {
    if (i.startMs > atMs) return null;
    if (atMs < i.endMs) return i;
  }
  return null;
}
