import { describe, expect, it } from 'vitest';
import { findOutages, isDown } from '../../../../collector/sla-service/outages.js';

const base = { scheduled: [{ startMs: 0, endMs: 1000 }], maintenance: [], fromMs: 0, toMs: 1000, warnCountsAsUp: true };

describe('findOutages', () => {
  it('merges touching down intervals into one outage with the members\' reasons', () => {
    const out = findOutages({
      ...base,
      derived: [
        { startMs: 0, endMs: 100, state: 'ok' },
        { startMs: 100, endMs: 200, state: 'crit' },
        { startMs: 200, endMs: 300, state: 'crit' },
        { startMs: 300, endMs: null, state: 'ok' },
      ],
      members: [[{ startMs: 100, endMs: 300, state: 'crit', reason: 'refused' }]],
    });
    expect(out).toEqual([{ startMs: 100, endMs: 300, ongoing: false, durationMs: 200, downtimeMs: 200, maintenanceMs: 0, causes: ['refused'], findings: [{ code: null, params: null, message: 'refused' }] }]);
  });

  it('warn is down only when it does not count as up; an open crit at the end is ongoing', () => {
    const derived = [
      { startMs: 0, endMs: 100, state: 'warn' as const },
      { startMs: 900, endMs: null, state: 'crit' as const },
    ];
    expect(findOutages({ ...base, derived, members: [] }).map((o) => [o.startMs, o.endMs, o.ongoing])).toEqual([[900, 1000, true]]);
    expect(findOutages({ ...base, warnCountsAsUp: false, derived, members: [] })).toHaveLength(2);
    expect(isDown('unknown', false)).toBe(false);
  });

  it('maintenance reclassifies: a run fully inside maintenance is left out, a partial one counts the rest', () => {
    const derived = [
      { startMs: 100, endMs: 200, state: 'crit' as const },
      { startMs: 500, endMs: 700, state: 'crit' as const },
    ];
    const out = findOutages({ ...base, maintenance: [{ startMs: 50, endMs: 250 }, { startMs: 600, endMs: 800 }], derived, members: [] });
    expect(out).toEqual([{ startMs: 500, endMs: 700, ongoing: false, durationMs: 200, downtimeMs: 100, maintenanceMs: 100, causes: [], findings: [] }]);
  });

  it('time outside service hours is not downtime', () => {
    const out = findOutages({ ...base, scheduled: [{ startMs: 0, endMs: 150 }], derived: [{ startMs: 100, endMs: 400, state: 'crit' }], members: [] });
    expect(out[0]).toMatchObject({ durationMs: 300, downtimeMs: 50 });
  });
});
