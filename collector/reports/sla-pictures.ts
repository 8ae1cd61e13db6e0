/**
 * The figures behind the SLA report's pictures: each member target's availability per local day of the period
 * (against its target), and its state timeline (up / down / maintenance / unknown spans). Read through the same
 * availability service as the tables, so a bar and a row never disagree.
 */
import type { Interval } from '../sla/index.js';
import type { SlaSetup } from '../sla/setup.js';
import { DAY_MS, dayKey, localDayOf, localToUtc } from '../sla/zoned-time.js';
import { AvailabilityError } from '../sla-service/availability-service.js';
import type { ReportContext } from './context.js';
import type { Range } from './period.js';

export type SpanState = 'up' | 'down' | 'maintenance' | 'unknown';

export interface SlaPictures {
  /** Every local day of the period (a month-to-date report still shows the whole month along its axis). */
  days: string[];
  /**
   * Index in `days` of the first day that has not begun at the report instant (null: none): those days are drawn
   * as "not yet", never as "no data".
   */
  future_from: number | null;
  /** The report instant, or the period's end when that is earlier: what the pictures measured up to (epoch ms). */
  measured_until_ms: number;
  targets: Array<{
    target: string;
    target_percent: number | null;
    /** One value per day of `days` (null: nothing measurable that day). */
    daily_percent: Array<number | null>;
    /** Spans in ms since the epoch, in time order, covering the period up to the report instant. */
    spans: Array<{ from_ms: number; to_ms: number; state: SpanState }>;
  }>;
}

function stateOf(state: string, setup: Pick<SlaSetup, 'warnCountsAsUp'>): SpanState {
  if (state === 'ok') return 'up';
  if (state === 'warn') return setup.warnCountsAsUp ? 'up' : 'down';
  if (state === 'crit') return 'down';
  return 'unknown';
}

/** Cuts `spans` by the maintenance intervals (maintenance wins), merging neighbours of the same state. */
function overlay(spans: SlaPictures['targets'][number]['spans'], maintenance: ReadonlyArray<{ startMs: number; endMs: number }>) {
  const cuts = new Set<number>();
  for (const s of spans) cuts.add(s.from_ms).add(s.to_ms);
  for (const m of maintenance) cuts.add(m.startMs).add(m.endMs);
  const points = [...cuts].sort((a, b) => a - b);
  const out: SlaPictures['targets'][number]['spans'] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] as number;
    const base = spans.find((s) => s.from_ms <= from && to <= s.to_ms);
    if (!base) continue;
    const state: SpanState = maintenance.some((m) => m.startMs <= from && to <= m.endMs) ? 'maintenance' : base.state;
    const last = out[out.length - 1];
    if (last && last.state === state && last.to_ms === from) last.to_ms = to;
    else out.push({ from_ms: from, to_ms: to, state });
  }
  return out;
}

/**
 * The local days of the period along the chart's axis, and where the future starts: a day counts as measured once
 * it has begun (today is partly measured); the days after today are the future. Pure.
 */
export function pictureDays(range: Range, timeZone: string, nowMs: number): { first: number; last: number; days: string[]; futureFrom: number | null; endMs: number } {
  const first = localDayOf(timeZone, range.fromMs);
  const last = localDayOf(timeZone, range.toMs - 1);
  const days: string[] = [];
  for (let d = first; d <= last; d++) days.push(dayKey(d));
  const endMs = Math.min(range.toMs, nowMs);
  // The first day whose start is at or after the report instant has not begun.
  let futureFrom: number | null = null;
  for (let d = first; d <= last; d++) {
    if (Math.max(localToUtc(timeZone, d * DAY_MS), range.fromMs) >= endMs) {
      futureFrom = d - first;
      break;
    }
  }
  return { first, last, days, futureFrom, endMs };
}

/** One member's figures behind the pictures: availability per local day (null: no time of the day measured yet) and its timeline. */
export interface PictureInput {
  target: string;
  daily: Array<{ percent: number | null; targetPercent: number | null } | null>;
  timeline: { intervals: ReadonlyArray<{ startMs: number; endMs: number | null; state: string }>; maintenance: readonly Interval[] };
}

/** Reads each member's daily availability and timeline over the period (members without figures are left out). */
export async function slaPictureInputs(ctx: ReportContext, members: readonly string[], range: Range, timeZone: string, nowMs: number): Promise<PictureInput[]> {
  const { first, last, endMs: end } = pictureDays(range, timeZone, nowMs);
  const inputs: PictureInput[] = [];
  for (const target of members) {
    try {
      const daily: PictureInput['daily'] = [];
      for (let d = first; d <= last; d++) {
        const from = Math.max(localToUtc(timeZone, d * DAY_MS), range.fromMs);
        const to = Math.min(localToUtc(timeZone, (d + 1) * DAY_MS), end);
        if (to <= from) {
          daily.push(null);
          continue;
        }
        const r = await ctx.sla.availability.forTarget(target, from, to);
        daily.push({ percent: r.report.availabilityPercent, targetPercent: r.report.targetPercent });
      }
      inputs.push({ target, daily, timeline: await ctx.sla.availability.targetTimeline(target, range.fromMs, end) });
    } catch (error) {
      if (!(error instanceof AvailabilityError)) throw error;
    }
  }
  return inputs;
}

/** The pictures' figures from what slaPictureInputs read. Pure. */
export function slaPicturesFrom(inputs: readonly PictureInput[], setup: SlaSetup, range: Range, timeZone: string, nowMs: number): SlaPictures {
  const { days, futureFrom, endMs: end } = pictureDays(range, timeZone, nowMs);
  const targets: SlaPictures['targets'] = inputs.map(({ target, daily, timeline }) => {
    let targetPercent: number | null = null;
    for (const d of daily) if (d) targetPercent = d.targetPercent;
    const spans = timeline.intervals
      .map((iv) => ({ from_ms: Math.max(iv.startMs, range.fromMs), to_ms: Math.min(iv.endMs ?? end, end), state: stateOf(iv.state, setup) }))
      .filter((s) => s.to_ms > s.from_ms);
    return { target, target_percent: targetPercent, daily_percent: daily.map((d) => d?.percent ?? null), spans: overlay(spans, timeline.maintenance) };
  });
  return { days, future_from: futureFrom, measured_until_ms: end, targets };
}
