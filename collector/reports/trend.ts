/** Least-squares line through (time, value) points and when it reaches a limit (pure). */

export interface Point {
  atMs: number;
  value: number;
}

/** Slope per day and the fitted value at the last point; null with fewer than two distinct times. */
export function linearFit(points: readonly Point[]): { slopePerDay: number; lastMs: number; fittedAtLast: number } | null {
  if (points.length < 2) return null;
  const t0 = points[0]?.atMs ?? 0;
  const xs = points.map((p) => (p.atMs - t0) / 86_400_000);
  const ys = points.map((p) => p.value);
  const n = points.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const lastX = xs[n - 1] as number;
  const lastMs = points[n - 1]?.atMs ?? t0;
  return { slopePerDay: slope, lastMs, fittedAtLast: my + slope * (lastX - mx) };
}

/**
 * Days from the last point until the fitted line reaches `limit` (e.g. 100 % used or the disk size); null when the
 * value is not growing or there is too little history. 0 when the fit is already at or past the limit.
 */
export function daysUntil(points: readonly Point[], limit: number): number | null {
  const fit = linearFit(points);
  if (!fit || !(fit.slopePerDay > 0)) return null;
  return Math.max(0, (limit - fit.fittedAtLast) / fit.slopePerDay);
}
