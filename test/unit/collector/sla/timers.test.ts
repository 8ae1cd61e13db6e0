import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { compileCalendar } from '../../../../collector/sla/calendar.js';
import { clockStartMs, computeTimer, type IncidentFacts } from '../../../../collector/sla/timers.js';
import { formatZoned, parseInstant } from '../../../../collector/sla/zoned-time.js';

const M = 60_000;
const H = 60 * M;
const SH = 'Asia/Shanghai';
const at = (t: string) => parseInstant(t, SH)!;
const iso = (ms: number | null) => (ms === null ? null : formatZoned(SH, ms));
const cal5x8 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);

function facts(over: Partial<IncidentFacts> = {}): IncidentFacts {
  return { openedAtMs: at('2024-11-04T16:00'), acknowledgedAtMs: null, resolvedAtMs: null, pauses: [], maintenance: [], ...over };
}

const resolution4h = { afterMs: 4 * H, calendar: '5x8' };

describe('SLA timers', () => {
  it('runs, warns at 80 % and breaches at the due instant', () => {
    // Mon 16:00 + 4 h on 09:00–17:30 → Tue 11:30; warning at 3 h 12 min → Tue 10:42.
    const running = computeTimer('resolution', resolution4h, cal5x8, facts(), 0.8, at('2024-11-05T10:00'));
    expect(running).toMatchObject({ state: 'running', warning: false, breached: false, elapsedMs: 2.5 * H, remainingMs: 1.5 * H });
    expect(iso(running.dueAtMs)).toBe('2024-11-05T11:30:00+08:00');
    expect(iso(running.warnAtMs)).toBe('2024-11-05T10:42:00+08:00');
    const warned = computeTimer('resolution', resolution4h, cal5x8, facts(), 0.8, at('2024-11-05T10:42'));
    expect(warned).toMatchObject({ state: 'running', warning: true, breached: false });
    const breached = computeTimer('resolution', resolution4h, cal5x8, facts(), 0.8, at('2024-11-05T11:30'));
    expect(breached).toMatchObject({ state: 'breached', breached: true, remainingMs: 0 });
    const later = computeTimer('resolution', resolution4h, cal5x8, facts(), 0.8, at('2024-11-05T12:00'));
    expect(later.remainingMs).toBe(-30 * M);
  });

  it('does not count the night: elapsed overnight is zero', () => {
    const night = computeTimer('resolution', resolution4h, cal5x8, facts({ openedAtMs: at('2024-11-04T20:00') }), 0.8, at('2024-11-05T08:00'));
    expect(night.elapsedMs).toBe(0);
    expect(iso(night.dueAtMs)).toBe('2024-11-05T13:00:00+08:00');
  });

  it('stops the response clock at acknowledgement: met or breached', () => {
    const target = { afterMs: 30 * M, calendar: '24x7' };
    const met = computeTimer('response', target, cal24, facts({ acknowledgedAtMs: at('2024-11-04T16:30') }), 0.8, at('2024-11-06T00:00'));
    expect(met).toMatchObject({ state: 'met', breached: false, elapsedMs: 30 * M, stoppedAtMs: at('2024-11-04T16:30') });
    const late = computeTimer('response', target, cal24, facts({ acknowledgedAtMs: at('2024-11-04T16:31') }), 0.8, at('2024-11-06T00:00'));
    expect(late).toMatchObject({ state: 'breached', breached: true });
    // Resolving without acknowledging stops the response clock too.
    const resolved = computeTimer('response', target, cal24, facts({ resolvedAtMs: at('2024-11-04T16:10') }), 0.8, at('2024-11-06T00:00'));
    expect(resolved.state).toBe('met');
    // An acknowledgement in the future of `now` has not happened yet.
    const before = computeTimer('response', target, cal24, facts({ acknowledgedAtMs: at('2024-11-04T16:20') }), 0.8, at('2024-11-04T16:10'));
    expect(before).toMatchObject({ state: 'running', stoppedAtMs: null, elapsedMs: 10 * M });
  });

  it('excludes paused time and reports the paused state', () => {
    const paused = facts({ pauses: [{ startMs: at('2024-11-05T09:00'), endMs: null, reason: 'waiting for customer' }] });
    const during = computeTimer('resolution', resolution4h, cal5x8, paused, 0.8, at('2024-11-05T12:00'));
    expect(during).toMatchObject({ state: 'paused', elapsedMs: 1.5 * H, dueAtMs: null, breached: false });
    const closed = facts({ pauses: [{ startMs: at('2024-11-05T09:00'), endMs: at('2024-11-05T10:00'), reason: 'customer' }] });
    const after = computeTimer('resolution', resolution4h, cal5x8, closed, 0.8, at('2024-11-05T12:00'));
    expect(after).toMatchObject({ state: 'running', elapsedMs: 3.5 * H });
    expect(iso(after.dueAtMs)).toBe('2024-11-05T12:30:00+08:00');
  });

  it('a pause during non-working time changes nothing', () => {
    const nightPause = facts({ pauses: [{ startMs: at('2024-11-04T18:00'), endMs: at('2024-11-05T08:30'), reason: 'vendor' }] });
    const t = computeTimer('resolution', resolution4h, cal5x8, nightPause, 0.8, at('2024-11-05T10:00'));
    expect(t.elapsedMs).toBe(2.5 * H);
    expect(iso(t.dueAtMs)).toBe('2024-11-05T11:30:00+08:00');
  });

  it('an incident opened during maintenance starts its clocks when the window ends', () => {
    const maintenance = [
      { startMs: at('2024-11-04T15:00'), endMs: at('2024-11-04T16:30') },
      { startMs: at('2024-11-04T16:30'), endMs: at('2024-11-04T17:00') }, // touching windows merge
    ];
    const f = facts({ maintenance });
    expect(clockStartMs(f)).toBe(at('2024-11-04T17:00'));
    const pending = computeTimer('resolution', resolution4h, cal5x8, f, 0.8, at('2024-11-04T16:45'));
    expect(pending).toMatchObject({ state: 'pending', elapsedMs: 0 });
    expect(iso(pending.dueAtMs)).toBe('2024-11-05T12:30:00+08:00');
    // Maintenance that starts after the incident opened does not stop the clock.
    const laterWindow = facts({ maintenance: [{ startMs: at('2024-11-04T17:00'), endMs: at('2024-11-05T12:00') }] });
    expect(clockStartMs(laterWindow)).toBe(at('2024-11-04T16:00'));
  });
});

describe('clock rules (issue: SLA figures a provider can bill by)', () => {
  const resolution8h = { afterMs: 8 * H, calendar: '24x7' };
  const response30m = { afterMs: 30 * M, calendar: '24x7' };

  it('seed 003: the resolution clock starts at acknowledgement when the policy says so', () => {
    // Opened 10:00, acknowledged 10:20: resolution < 8 h counts from 10:20 → due 18:20 (from opening it would be 18:00).
    const f = facts({ openedAtMs: at('2024-11-04T10:00'), acknowledgedAtMs: at('2024-11-04T10:20'), resolutionStarts: 'acknowledged' });
    const t = computeTimer('resolution', resolution8h, cal24, f, 0.8, at('2024-11-04T18:10'));
    expect(iso(t.startedAtMs)).toBe('2024-11-04T10:20:00+08:00');
    expect(iso(t.dueAtMs)).toBe('2024-11-04T18:20:00+08:00');
    expect(t).toMatchObject({ state: 'running', breached: false, elapsedMs: 7 * H + 50 * M });
    const fromOpening = computeTimer('resolution', resolution8h, cal24, { ...f, resolutionStarts: 'opened' }, 0.8, at('2024-11-04T18:10'));
    expect(fromOpening.breached).toBe(true);
    // Before the acknowledgement the clock waits: pending, nothing due, never breached.
    const waiting = computeTimer('resolution', resolution8h, cal24, { ...f, acknowledgedAtMs: null }, 0.8, at('2024-11-05T10:00'));
    expect(waiting).toMatchObject({ state: 'pending', startedAtMs: null, dueAtMs: null, elapsedMs: 0, breached: false });
  });

  it('a reopened incident does not count the time it spent resolved', () => {
    // Opened 10:00, acked 10:10, resolved 12:00 (2 h used), reopened 20:00 → 6 h left → due 02:00 next day.
    const f = facts({
      openedAtMs: at('2024-11-04T10:00'),
      acknowledgedAtMs: at('2024-11-04T10:10'),
      resolvedAtMs: null,
      resolvedGaps: [{ startMs: at('2024-11-04T12:00'), endMs: at('2024-11-04T20:00') }],
    });
    const now = at('2024-11-04T21:00');
    const resolution = computeTimer('resolution', resolution8h, cal24, f, 0.8, now);
    expect(resolution).toMatchObject({ state: 'running', breached: false, elapsedMs: 3 * H });
    expect(iso(resolution.dueAtMs)).toBe('2024-11-05T02:00:00+08:00');
    const response = computeTimer('response', response30m, cal24, f, 0.8, now);
    expect(response).toMatchObject({ state: 'met', breached: false });
  });

  it('a response met by the first resolution (no acknowledgement) stays met after a reopen', () => {
    const f = facts({ openedAtMs: at('2024-11-04T10:00'), resolvedGaps: [{ startMs: at('2024-11-04T10:20'), endMs: at('2024-11-04T15:00') }] });
    const response = computeTimer('response', response30m, cal24, f, 0.8, at('2024-11-04T16:00'));
    expect(response).toMatchObject({ state: 'met', breached: false, elapsedMs: 20 * M });
    expect(iso(response.stoppedAtMs)).toBe('2024-11-04T10:20:00+08:00');
  });

  it('an incident that opens after the window its failure began in starts its clocks at the window end', () => {
    // Failure at 01:30 inside the 01:00–02:00 window; the watcher opened the incident at 02:00:40.
    const f = facts({
      startedAtMs: at('2024-11-04T01:30'),
      openedAtMs: at('2024-11-04T02:00:40'),
      maintenance: [{ startMs: at('2024-11-04T01:00'), endMs: at('2024-11-04T02:00') }],
    });
    expect(iso(clockStartMs(f))).toBe('2024-11-04T02:00:00+08:00');
    expect(iso(computeTimer('response', response30m, cal24, f, 0.8, at('2024-11-04T02:10')).dueAtMs)).toBe('2024-11-04T02:30:00+08:00');
    // A failure that began outside any window keeps the opening instant.
    expect(iso(clockStartMs({ ...f, startedAtMs: at('2024-11-04T00:30') }))).toBe('2024-11-04T02:00:40+08:00');
  });

  it('a clock paused after its due instant stays breached', () => {
    const f = facts({ openedAtMs: at('2024-11-04T10:00'), pauses: [{ startMs: at('2024-11-04T19:00'), endMs: null, reason: 'waiting for vendor' }] });
    const t = computeTimer('resolution', resolution8h, cal24, f, 0.8, at('2024-11-04T20:00'));
    expect(t).toMatchObject({ breached: true, state: 'breached' });
    expect(iso(t.dueAtMs)).toBe('2024-11-04T18:00:00+08:00');
  });
});
