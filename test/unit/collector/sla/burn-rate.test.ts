import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { DEFAULT_BURN_RATE_RULES, evaluateBurnRate } from '../../../../collector/sla/burn-rate.js';
import { compileCalendar } from '../../../../collector/sla/calendar.js';
import type { StateInterval } from '../../../../collector/sla/availability.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);
const opts = { targetPercent: 99.9, unknownPolicy: 'excluded' as const, warnCountsAsUp: true };
const NOW = Date.parse('2024-11-20T00:00:00Z');

function downFor(ms: number): StateInterval[] {
  return [
    { startMs: NOW - 10 * D, endMs: NOW - ms, state: 'ok' },
    { startMs: NOW - ms, endMs: null, state: 'crit' },
  ];
}

describe('burn-rate alerting (SRE workbook table)', () => {
  it('has the workbook windows and factors', () => {
    expect(DEFAULT_BURN_RATE_RULES.map((r) => [r.name, r.factor, r.severity])).toEqual([
      ['1h/5m', 14.4, 'page'],
      ['6h/30m', 6, 'page'],
      ['1d/2h', 3, 'ticket'],
      ['3d/6h', 1, 'ticket'],
    ]);
  });

  it('stays quiet when all is well', () => {
    const r = evaluateBurnRate(cal24, [{ startMs: NOW - 10 * D, endMs: null, state: 'ok' }], [], opts, NOW);
    expect(r.firing).toBeNull();
    expect(r.results.every((x) => x.longBurn === 0 && x.shortBurn === 0)).toBe(true);
  });

  it('pages on a fast burn: down for the last 10 minutes of 1 h → burn 166.7× over 1 h', () => {
    const r = evaluateBurnRate(cal24, downFor(10 * M), [], opts, NOW);
    expect(r.firing?.name).toBe('1h/5m');
    expect(r.results[0]?.longBurn).toBeCloseTo(((10 / 60) / 0.001), 6);
    expect(r.results[0]?.shortBurn).toBeCloseTo(1000, 6);
  });

  it('does not fire 1h/5m once the 5-minute window has recovered (6h/30m still does)', () => {
    const states: StateInterval[] = [
      { startMs: NOW - 10 * D, endMs: NOW - 40 * M, state: 'ok' },
      { startMs: NOW - 40 * M, endMs: NOW - 10 * M, state: 'crit' },
      { startMs: NOW - 10 * M, endMs: null, state: 'ok' },
    ];
    const r = evaluateBurnRate(cal24, states, [], opts, NOW);
    expect(r.results[0]).toMatchObject({ firing: false, shortBurn: 0 });
    expect(r.firing?.name).toBe('6h/30m');
    // Once the 30-minute window has no errors either, nothing pages.
    const later = evaluateBurnRate(cal24, states, [], opts, NOW + 25 * M);
    expect(later.results.slice(0, 2).map((x) => x.firing)).toEqual([false, false]);
  });

  it('raises a ticket for a slow burn: 0.3 % errors for 3 days (3×) trips only 1d/2h and 3d/6h', () => {
    // Down 0.3 % of every hour (10.8 s per hour) over the last 3 days.
    const states: StateInterval[] = [];
    for (let h = 72; h > 0; h--) {
      const start = NOW - h * H;
      states.push({ startMs: start, endMs: start + H - 10_800, state: 'ok' });
      states.push({ startMs: start + H - 10_800, endMs: start + H, state: 'crit' });
    }
    const r = evaluateBurnRate(cal24, states, [], opts, NOW);
    expect(r.results.map((x) => x.firing)).toEqual([false, false, true, true]);
    expect(r.firing?.name).toBe('1d/2h');
  });

  it('ignores windows with nothing measurable', () => {
    const r = evaluateBurnRate(cal24, [], [], opts, NOW);
    expect(r.results.every((x) => x.longBurn === null && !x.firing)).toBe(true);
  });
});
