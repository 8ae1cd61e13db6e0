import { describe, expect, it } from 'vitest';
import { monthPeriod } from '../../../../collector/sla/availability.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import { targetAvailability } from '../../../../collector/sla/target-availability.js';
import { parseInstant } from '../../../../collector/sla/zoned-time.js';

const H = 3_600_000;
const at = (t: string) => parseInstant(t, 'Asia/Shanghai')!;
const nov = monthPeriod('Asia/Shanghai', '2024-11')!;
const setup = createSlaSetup(
  slaConfigSchema.parse({
    contracts: [{ name: 'shop', policy: 'contract-003', members: { groups: ['web'] } }],
    maintenance: [{ name: 'patch', groups: ['web'], start: '2024-11-10T10:00:00+08:00', end: '2024-11-10T11:00:00+08:00' }],
  }),
);
const intervals = [
  { startMs: nov.fromMs, endMs: at('2024-11-10T10:00'), state: 'ok' as const },
  { startMs: at('2024-11-10T10:00'), endMs: at('2024-11-10T12:00'), state: 'crit' as const },
  { startMs: at('2024-11-10T12:00'), endMs: null, state: 'ok' as const },
];

describe('target availability under its contract', () => {
  it('uses the contract target (contract-003: 98 %) and its maintenance windows', () => {
    const r = targetAvailability(setup, { target: 'web1', groups: ['web'], intervals, ...nov, nowMs: nov.toMs });
    expect(r.contract).toBe('shop');
    expect(r.report).toMatchObject({ targetPercent: 98, maintenanceMs: H, downMs: H, measuredMs: 719 * H });
  });

  it('falls back to 24x7 at 99.9 % without a contract; maintenance of other groups does not apply', () => {
    const r = targetAvailability(setup, { target: 'db1', groups: ['db'], intervals, ...nov, nowMs: nov.toMs });
    expect(r.contract).toBeNull();
    expect(r.calendar).toBe('24x7');
    expect(r.report).toMatchObject({ targetPercent: 99.9, maintenanceMs: 0, downMs: 2 * H });
  });
});
