import { describe, expect, it } from 'vitest';
import { burnRateKey, burnRateSeverity } from '../../../../collector/sla-service/burn-rate-monitor.js';
import { calendarsInUse } from '../../../../collector/sla-service/service.js';
import { createSlaSetup, DEFAULT_BURN_RATE_RULES, slaConfigSchema } from '../../../../collector/sla/index.js';

describe('burn-rate incident identity', () => {
  it('P2 for the paging rules (14.4×, 6×), P3 for the ticket rules (3×, 1×)', () => {
    expect(DEFAULT_BURN_RATE_RULES.map((r) => [r.factor, burnRateSeverity(r)])).toEqual([
      [14.4, 'P2'],
      [6, 'P2'],
      [3, 'P3'],
      [1, 'P3'],
    ]);
  });
  it('one dedup key per contract and target, unambiguous whatever the names contain', () => {
    expect(burnRateKey('acme', 'web-1')).toBe('burn-rate:["acme","web-1"]');
    expect(burnRateKey('a","b', 'c')).not.toBe(burnRateKey('a', 'b","c'));
  });
});

describe('calendarsInUse (which calendars raise holiday-data warnings)', () => {
  it('the default setup uses only 24x7 (levels-i-iv runs 7x24)', () => {
    expect([...calendarsInUse(createSlaSetup(slaConfigSchema.parse({})), []).keys()]).toEqual(['24x7']);
  });
  it('contract policies, contract calendars and configured calendars count', () => {
    const setup = createSlaSetup(
      slaConfigSchema.parse({
        calendars: { office: { hours: ['mon-fri 09:00-18:00'] } },
        contracts: [{ name: 'c', policy: 'commitment-004', calendar: '5x8-0800', members: { targets: ['t'] } }],
      }),
    );
    expect([...calendarsInUse(setup, ['office']).keys()].sort()).toEqual(['24x7', '5x8', '5x8-0800', 'office']);
  });
});
