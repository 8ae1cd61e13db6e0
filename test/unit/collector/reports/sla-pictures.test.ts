/**
 * The SLA pictures' day range: the whole period along the axis, and where the future starts in a month-to-date
 * report — those days are left blank behind a dotted edge, never drawn as "no data".
 */
import { describe, expect, it } from 'vitest';
import { layoutBars, layoutTimeline } from '../../../../collector/reports/chart-layout.js';
import { CHART_COLORS, type BarChart, type TimelineChart } from '../../../../collector/reports/document.js';
import { pictureDays } from '../../../../collector/reports/sla-pictures.js';

const ZONE = 'Asia/Shanghai';
/** December 2026 in Shanghai: [Dec 1 00:00, Jan 1 00:00) local. */
const DEC = { fromMs: Date.parse('2026-11-30T16:00:00Z'), toMs: Date.parse('2026-12-31T16:00:00Z') };

describe('pictureDays', () => {
  it('month to date on Friday Dec 4 10:00: 31 days on the axis, Dec 5 onwards in the future', () => {
    const r = pictureDays(DEC, ZONE, Date.parse('2026-12-04T02:00:00Z'));
    expect(r.days).toHaveLength(31);
    expect(r.days[0]).toBe('2026-12-01');
    expect(r.days[30]).toBe('2026-12-31');
    expect(r.futureFrom).toBe(4);
    expect(r.days[r.futureFrom!]).toBe('2026-12-05');
    expect(r.endMs).toBe(Date.parse('2026-12-04T02:00:00Z'));
  });

  it('at local midnight the new day has not begun; one minute later it has', () => {
    const midnight = Date.parse('2026-12-04T16:00:00Z'); // Dec 5 00:00 Shanghai
    expect(pictureDays(DEC, ZONE, midnight).futureFrom).toBe(4);
    expect(pictureDays(DEC, ZONE, midnight + 60_000).futureFrom).toBe(5);
  });

  it('a past period has no future; a period not yet begun is all future', () => {
    expect(pictureDays(DEC, ZONE, Date.parse('2027-01-10T00:00:00Z'))).toMatchObject({ futureFrom: null, endMs: DEC.toMs });
    expect(pictureDays(DEC, ZONE, DEC.toMs)).toMatchObject({ futureFrom: null });
    expect(pictureDays(DEC, ZONE, DEC.fromMs).futureFrom).toBe(0);
  });

  it('the last day of the month in progress is measured, nothing is future', () => {
    expect(pictureDays(DEC, ZONE, Date.parse('2026-12-31T08:00:00Z')).futureFrom).toBeNull();
  });
});

describe('charts leave the future blank', () => {
  const legend = { target: '目标线', met: '达标', missed: '低于目标', none: '无数据', future: '未到' };
  const noDataRects = (shapes: ReturnType<typeof layoutBars>['shapes']) => shapes.filter((s) => s.kind === 'rect' && s.fill === CHART_COLORS.unknown && s.h === 3);

  it('bars: past days without data get the "no data" mark, future days nothing; a dotted edge and 未到', () => {
    const values: Array<number | null> = [100, null, 99.5, 100, ...Array<null>(27).fill(null)];
    const chart: BarChart = { kind: 'bars', title: '每日可用率', labels: values.map((_, i) => String(i + 1)), series: [{ name: 'web-1', values, target: 99.9 }], min: 99, futureFrom: 4, legend };
    const layout = layoutBars(chart, 770);
    expect(noDataRects(layout.shapes)).toHaveLength(1); // Dec 2 only
    expect(layout.shapes.filter((s) => s.kind === 'line' && s.stroke === CHART_COLORS.futureEdge)).toHaveLength(1);
    expect(layout.shapes.some((s) => s.kind === 'text' && s.text === '未到')).toBe(true);
    // Without a future (a past month) every empty day is "no data".
    expect(noDataRects(layoutBars({ ...chart, futureFrom: null }, 770).shapes)).toHaveLength(28);
  });

  it('timeline: the grey "no data" background stops at the report instant', () => {
    const fromMs = DEC.fromMs;
    const toMs = DEC.toMs;
    const untilMs = fromMs + (toMs - fromMs) / 4;
    const chart: TimelineChart = { kind: 'timeline', title: '状态时间线', fromMs, toMs, ticks: [], rows: [{ name: 'web-1', spans: [] }], untilMs, legend: { up: '可用', down: '不可用', maintenance: '维护', unknown: '无数据', future: '未到' } };
    const width = 770;
    const plotW = width - 90 - 4;
    const grey = layoutTimeline(chart, width).shapes.find((s) => s.kind === 'rect' && s.fill === CHART_COLORS.unknown && s.y > 20);
    expect(grey).toMatchObject({ x: 90, w: plotW / 4 });
    const whole = layoutTimeline({ ...chart, untilMs: undefined }, width).shapes.find((s) => s.kind === 'rect' && s.fill === CHART_COLORS.unknown && s.y > 20);
    expect(whole).toMatchObject({ w: plotW });
  });
});
