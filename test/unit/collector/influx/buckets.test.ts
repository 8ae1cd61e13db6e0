import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minuteBuckets, MINUTE_MS } from '../../../../collector/influx/buckets.js';
import { availabilityWindow, computeAvailability, type StateInterval } from '../../../../collector/sla/availability.js';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { compileCalendar } from '../../../../collector/sla/calendar.js';

const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);
const cal58 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const T0 = Date.UTC(2025, 2, 3, 0, 0); // Monday 08:00 Asia/Shanghai
const at = (min: number, sec = 0): number => T0 + min * MINUTE_MS + sec * 1000;

describe('minute buckets', () => {
  it('worked example: down from 00:01:30 to 00:02:15, maintenance over minute 3, no data after 00:04', () => {
    const intervals: StateInterval[] = [
      { startMs: at(0), endMs: at(1, 30), state: 'ok' },
      { startMs: at(1, 30), endMs: at(2, 15), state: 'crit' },
      { startMs: at(2, 15), endMs: at(4), state: 'warn' },
    ];
    const b = minuteBuckets(cal24, intervals, [{ startMs: at(3), endMs: at(4) }], at(0), at(5), true);
    expect(b.map((x) => [x.upMs / 1000, x.downMs / 1000, x.unknownMs / 1000, x.maintenanceMs / 1000, x.scheduledMs / 1000, x.stateCode])).toEqual([
      [60, 0, 0, 0, 60, 0],
      [30, 30, 0, 0, 60, 3],
      [45, 15, 0, 0, 60, 3],
      [0, 0, 0, 60, 60, 1],
      [0, 0, 60, 0, 60, 2],
    ]);
  });

  it('warn counts as down when the policy says so', () => {
    const b = minuteBuckets(cal24, [{ startMs: at(0), endMs: null, state: 'warn' }], [], at(0), at(1), false);
    expect(b[0]).toMatchObject({ upMs: 0, downMs: MINUTE_MS });
  });

  it('outside a 5x8 calendar nothing is scheduled (state code still shows the wall clock)', () => {
    const night = Date.UTC(2025, 2, 3, 14, 0); // 22:00 Shanghai
    const b = minuteBuckets(cal58, [{ startMs: night, endMs: null, state: 'crit' }], [], night, night + MINUTE_MS, true);
    expect(b[0]).toMatchObject({ scheduledMs: 0, downMs: 0, stateCode: 3 });
  });

  it('property: sums over the buckets equal computeAvailability over the whole minute-aligned window', () => {
    const states = ['ok', 'warn', 'crit', 'unknown'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 900 }), fc.constantFrom(...states)), { maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 300 })), { maxLength: 2 }),
        fc.integer({ min: 1, max: 12 }),
        (raw, rawMaint, minutes) => {
          let t = at(0) - 60_000;
          const intervals: StateInterval[] = raw.map(([gap, len, state]) => {
            const startMs = t + gap * 1000;
            t = startMs + len * 1000;
            return { startMs, endMs: t, state };
          });
          const maintenance = rawMaint.map(([s, len]) => ({ startMs: at(0) + s * 1000, endMs: at(0) + (s + len) * 1000 }));
          const from = at(0);
          const to = at(minutes);
          const buckets = minuteBuckets(cal24, intervals, maintenance, from, to, true);
          const whole = computeAvailability(availabilityWindow(cal24, from, to), intervals, maintenance, { targetPercent: 99.9, unknownPolicy: 'excluded', warnCountsAsUp: true });
          const sum = (k: 'upMs' | 'downMs' | 'unknownMs' | 'maintenanceMs' | 'scheduledMs') => buckets.reduce((s, b) => s + b[k], 0);
          expect(sum('upMs')).toBe(whole.upMs);
          expect(sum('downMs')).toBe(whole.downMs);
          expect(sum('unknownMs')).toBe(whole.unknownMs);
          expect(sum('maintenanceMs')).toBe(whole.maintenanceMs);
          expect(sum('scheduledMs')).toBe(whole.scheduledMs);
        },
      ),
    );
  });
});
