import { describe, expect, it } from 'vitest';
import { contractAvailability } from '../../../../collector/sla/contract-availability.js';

const H = 3_600_000;
const member = (upH: number, downH: number) => ({ upMs: upH * H, downMs: downH * H, measuredMs: (upH + downH) * H, unknownMs: 0, maintenanceMs: 0, scheduledMs: (upH + downH) * H });

describe('contractAvailability', () => {
  it('is Σ up / Σ measured (time-weighted), not the worst member', () => {
    const a = contractAvailability([member(740, 2), member(743.5, 0.5), null], 98);
    expect(a.availabilityPercent).toBeCloseTo((100 * 1483.5) / 1486, 12);
    expect(a.measuredTargets).toBe(2);
    expect(a.allowedDowntimeMs).toBeCloseTo(0.02 * 1486 * H, 3);
    expect(a.errorBudgetLeftPercent).toBeCloseTo(100 * (1 - 2.5 / (0.02 * 1486)), 9);
    expect(a.targetMet).toBe(true);
  });

  it('nothing measured: null figures, no budget', () => {
    expect(contractAvailability([null], 99.9)).toMatchObject({ availabilityPercent: null, targetMet: null, errorBudgetLeftPercent: null, measuredTargets: 0 });
  });

  it('an overspent budget is negative; the target missed', () => {
    const a = contractAvailability([member(99, 1)], 99.9);
    expect(a.targetMet).toBe(false);
    expect(a.errorBudgetLeftPercent).toBeCloseTo(-900, 9);
  });
});
