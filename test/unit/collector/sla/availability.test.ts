import { describe, expect, it } from 'vitest';
import { availabilityWindow, computeAvailability, monthPeriod, type StateInterval } from '../../../../collector/sla/availability.js';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { compileCalendar } from '../../../../collector/sla/calendar.js';
import { parseInstant } from '../../../../collector/sla/zoned-time.js';

const M = 60_000;
const H = 60 * M;
const SH = 'Asia/Shanghai';
const at = (t: string) => parseInstant(t, SH)!;
const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);
const cal5x8 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const nov = monthPeriod(SH, '2024-11')!; // 30 days
const opts = { targetPercent: 99.9, unknownPolicy: 'excluded' as const, warnCountsAsUp: true };
const month24 = availabilityWindow(cal24, nov.fromMs, nov.toMs);
const allOk: StateInterval[] = [{ startMs: nov.fromMs, endMs: null, state: 'ok' }];

function withStates(...parts: [string, string, StateInterval['state']][]): StateInterval[] {
  // Fills the month with ok around the given intervals.
  const out: StateInterval[] = [];
  let cursor = nov.fromMs;
  for (const [from, to, state] of parts) {
    if (at(from) > cursor) out.push({ startMs: cursor, endMs: at(from), state: 'ok' });
    out.push({ startMs: at(from), endMs: at(to), state });
    cursor = at(to);
  }
  out.push({ startMs: cursor, endMs: null, state: 'ok' });
  return out;
}

describe('monthPeriod', () => {
  it('gives calendar months in the contract time zone', () => {
    expect(monthPeriod(SH, '2026-10')).toEqual({ fromMs: Date.parse('2026-09-30T16:00:00Z'), toMs: Date.parse('2026-10-31T16:00:00Z') });
    expect(monthPeriod(SH, '2024-12')?.toMs).toBe(Date.parse('2024-12-31T16:00:00Z'));
    expect(monthPeriod('Europe/Berlin', '2024-10')).toEqual({ fromMs: Date.parse('2024-09-30T22:00:00Z'), toMs: Date.parse('2024-10-31T23:00:00Z') });
    expect(monthPeriod(SH, '2024-13')).toBeNull();
    expect(monthPeriod(SH, 'October')).toBeNull();
  });
  it('gives quarters (seed 003: quarterly service reports), across the year boundary', () => {
    expect(monthPeriod(SH, '2026-Q4')).toEqual({ fromMs: Date.parse('2026-09-30T16:00:00Z'), toMs: Date.parse('2026-12-31T16:00:00Z') });
    expect(monthPeriod(SH, '2024-Q1')).toEqual({ fromMs: Date.parse('2023-12-31T16:00:00Z'), toMs: Date.parse('2024-03-31T16:00:00Z') });
    expect(monthPeriod(SH, '2024-Q5')).toBeNull();
  });
});

describe('availability', () => {
  it('worked example: a 30-day 7x24 month allows 14.4 h at 98 % and 43.2 min at 99.9 %', () => {
    expect(month24.scheduledMs).toBe(720 * H);
    expect(computeAvailability(month24, allOk, [], { ...opts, targetPercent: 98 }).allowedDowntimeMs).toBeCloseTo(14.4 * H, 3);
    const r = computeAvailability(month24, allOk, [], opts);
    expect(r.allowedDowntimeMs).toBeCloseTo(43.2 * M, 3);
    expect(r).toMatchObject({ availability: 1, upMs: 720 * H, downMs: 0, coverage: 1, outageCount: 0, mttrMs: null, targetMet: true });
    expect(r.errorBudgetLeftPercent).toBeCloseTo(100, 9);
  });

  it('one hour down: 99.861 %, budget overspent by 16.8 min', () => {
    const r = computeAvailability(month24, withStates(['2024-11-10T10:00', '2024-11-10T11:00', 'crit']), [], opts);
    expect(r.downMs).toBe(H);
    expect(r.availabilityPercent).toBeCloseTo((719 / 720) * 100, 9);
    expect(r.targetMet).toBe(false);
    expect(r.errorBudgetLeftMs).toBeCloseTo(-16.8 * M, 3);
    expect(r.errorBudgetLeftPercent).toBeCloseTo((-16.8 / 43.2) * 100, 6);
    expect(r).toMatchObject({ outageCount: 1, mttrMs: H, mtbfMs: 719 * H });
  });

  it('maintenance overlapping an outage: only the part outside maintenance is downtime', () => {
    const states = withStates(['2024-11-10T10:00', '2024-11-10T12:00', 'crit']);
    const maintenance = [{ startMs: at('2024-11-10T11:00'), endMs: at('2024-11-10T13:00') }];
    const r = computeAvailability(month24, states, maintenance, opts);
    expect(r).toMatchObject({ maintenanceMs: 2 * H, downMs: H, upMs: 717 * H, measuredMs: 718 * H, outageCount: 1 });
    // An outage entirely inside maintenance is no outage at all.
    const hidden = computeAvailability(month24, states, [{ startMs: at('2024-11-10T09:00'), endMs: at('2024-11-10T13:00') }], opts);
    expect(hidden).toMatchObject({ downMs: 0, outageCount: 0, availability: 1 });
  });

  it('unknown time: excluded and reported as coverage, or counted up, or down', () => {
    const states = withStates(['2024-11-10T00:00', '2024-11-10T10:00', 'unknown'], ['2024-11-20T00:00', '2024-11-20T01:00', 'crit']);
    const excluded = computeAvailability(month24, states, [], opts);
    expect(excluded).toMatchObject({ unknownMs: 10 * H, measuredMs: 710 * H, downMs: H });
    expect(excluded.coverage).toBeCloseTo(710 / 720, 12);
    expect(excluded.availability).toBeCloseTo(709 / 710, 12);
    const up = computeAvailability(month24, states, [], { ...opts, unknownPolicy: 'up' });
    expect(up.availability).toBeCloseTo(719 / 720, 12);
    const down = computeAvailability(month24, states, [], { ...opts, unknownPolicy: 'down' });
    expect(down.availability).toBeCloseTo(709 / 720, 12);
    // Time with no interval at all is unknown as well.
    const gap = computeAvailability(month24, [{ startMs: at('2024-11-02T00:00'), endMs: null, state: 'ok' }], [], opts);
    expect(gap.unknownMs).toBe(24 * H);
  });

  it('WARN counts as up by default, as down when configured', () => {
    const states = withStates(['2024-11-10T00:00', '2024-11-10T06:00', 'warn']);
    expect(computeAvailability(month24, states, [], opts).downMs).toBe(0);
    expect(computeAvailability(month24, states, [], { ...opts, warnCountsAsUp: false }).downMs).toBe(6 * H);
  });

  it('counts outages: adjacent down intervals are one outage, an up interval in between splits them', () => {
    const states = withStates(
      ['2024-11-10T10:00', '2024-11-10T10:30', 'crit'],
      ['2024-11-10T10:30', '2024-11-10T11:00', 'crit'],
      ['2024-11-12T10:00', '2024-11-12T11:00', 'crit'],
    );
    const r = computeAvailability(month24, states, [], opts);
    expect(r).toMatchObject({ outageCount: 2, downMs: 2 * H, mttrMs: H, mtbfMs: 359 * H });
  });

  it('uses the contract calendar: October 2024 on 5x8 has 19 working days of 8.5 h; night outages do not count', () => {
    const oct = monthPeriod(SH, '2024-10')!;
    const win = availabilityWindow(cal5x8, oct.fromMs, oct.toMs);
    expect(win.scheduledMs).toBe(19 * 8.5 * H);
    const states: StateInterval[] = [
      { startMs: oct.fromMs, endMs: at('2024-10-08T20:00'), state: 'ok' },
      { startMs: at('2024-10-08T20:00'), endMs: at('2024-10-09T08:00'), state: 'crit' }, // night
      { startMs: at('2024-10-09T08:00'), endMs: at('2024-10-12T17:00'), state: 'ok' },
      { startMs: at('2024-10-12T17:00'), endMs: at('2024-10-12T18:00'), state: 'crit' }, // 30 min inside the make-up Saturday
      { startMs: at('2024-10-12T18:00'), endMs: null, state: 'ok' },
    ];
    const r = computeAvailability(win, states, [], opts);
    expect(r).toMatchObject({ downMs: 30 * M, outageCount: 1 });
  });

  it('stops a running period at now: an open interval counts up to now only', () => {
    const win = availabilityWindow(cal24, nov.fromMs, nov.toMs, at('2024-11-11T00:00'));
    expect(win.scheduledMs).toBe(240 * H);
    const r = computeAvailability(win, [{ startMs: nov.fromMs, endMs: at('2024-11-10T00:00'), state: 'ok' }, { startMs: at('2024-11-10T00:00'), endMs: null, state: 'crit' }], [], opts);
    expect(r).toMatchObject({ downMs: 24 * H, upMs: 216 * H });
  });

  it('reports null availability when nothing was measurable', () => {
    const r = computeAvailability(month24, [{ startMs: nov.fromMs, endMs: null, state: 'unknown' }], [], opts);
    expect(r).toMatchObject({ availability: null, targetMet: null, coverage: 0, errorBudgetLeftPercent: null });
  });
});
