import { describe, expect, it } from 'vitest';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { createSlaSetup, getCalendar, resolvePolicy, setupWarnings } from '../../../../collector/sla/setup.js';
import { PRESET_POLICIES } from '../../../../collector/sla/presets.js';

const M = 60_000;
const H = 60 * M;

const setup = createSlaSetup(
  slaConfigSchema.parse({
    calendars: { office: { hours: ['mon-fri 08:00-17:00'] } },
    escalations: { quick: { timer: 'response', levels: [{ after: '10m', name: 'duty-manager' }] } },
    policies: {
      gold: {
        extends: 'commitment-004',
        calendar: 'office',
        severities: { P1: { resolution: '4h', resolution_calendar: '24x7' }, P2: { escalation: 'quick' }, P4: { response: null } },
      },
      custom: {
        severities: {
          P1: { response: '5m', resolution: '1h' },
          P2: { response: '10m', resolution: '2h' },
          P3: { response: '1h', resolution: '8h', resolution_calendar: 'office' },
          P4: { response: '1d', resolution: null },
        },
      },
    },
    contracts: [
      { name: 'bank', policy: 'gold', members: { targets: ['db1'], groups: ['core'] } },
      { name: 'shop', policy: 'contract-003', members: { groups: ['web', 'core'] } },
    ],
  }),
);

describe('presets (DESIGN.md §5)', () => {
  it('ships all six by name', () => {
    expect(Object.keys(PRESET_POLICIES).sort()).toEqual(
      ['commitment-000', 'commitment-004', 'contract-003', 'emergency-001', 'four-level-001', 'levels-i-iv'].sort(),
    );
  });

  it('levels-i-iv: 30 min response, 12/24/48/120 h resolution, P1 contingency plan due at 16 h (seed 004)', () => {
    const p = PRESET_POLICIES['levels-i-iv']!;
    expect(p.severities.P1.response).toEqual({ afterMs: 30 * M, calendar: '24x7' });
    expect([p.severities.P1, p.severities.P2, p.severities.P3, p.severities.P4].map((s) => (s.resolution?.afterMs ?? 0) / H)).toEqual([12, 24, 48, 120]);
    expect(setup.escalations.get('levels-i-iv-p1')?.levels.map((l) => [l.afterMs / H, l.name])).toEqual([
      [2, 'handling-plan-due'],
      [16, 'contingency-plan-due'],
    ]);
  });

  it('commitment-004: P1 15 min on 7x24, escalating after 2 h to PM → technical director → deputy GM', () => {
    const p = PRESET_POLICIES['commitment-004']!;
    expect(p.severities.P1.response).toEqual({ afterMs: 15 * M, calendar: '24x7' });
    expect(p.severities.P1.resolution).toBeNull();
    const chain = setup.escalations.get(p.severities.P1.escalation!)!;
    expect(chain.timer).toBe('resolution');
    expect(chain.levels.map((l) => l.name)).toEqual(['project-manager', 'technical-director', 'deputy-general-manager']);
    expect(chain.levels[0]?.afterMs).toBe(2 * H);
    expect(p.severities.P3.resolution).toEqual({ afterMs: 17 * H, calendar: '5x8' }); // 2 working days of 8.5 h
  });

  it('contract-003, emergency-001, four-level-001, commitment-000 carry their figures', () => {
    expect(PRESET_POLICIES['contract-003']!.availabilityTarget).toBe(98);
    expect(PRESET_POLICIES['contract-003']!.complianceTarget).toBe(95);
    expect(PRESET_POLICIES['contract-003']!.severities.P3.resolution?.afterMs).toBe(24 * H);
    expect(PRESET_POLICIES['emergency-001']!.severities.P1.resolution?.afterMs).toBe(8 * H);
    expect(PRESET_POLICIES['emergency-001']!.severities.P3.resolution?.afterMs).toBe(2 * H);
    expect(PRESET_POLICIES['four-level-001']!.severities.P4.resolution).toEqual({ afterMs: 90 * H, calendar: '5x8-0800' });
    expect(PRESET_POLICIES['commitment-000']!.availabilityTarget).toBe(99.9);
  });
});

describe('config policies and resolution', () => {
  it('applies extends with overrides and a policy-wide calendar', () => {
    const gold = setup.policies.get('gold')!;
    expect(gold.severities.P1.resolution).toEqual({ afterMs: 4 * H, calendar: '24x7' });
    expect(gold.severities.P1.response).toEqual({ afterMs: 15 * M, calendar: 'office' });
    expect(gold.severities.P1.escalation).toBe('commitment-004-p1');
    expect(gold.severities.P2.escalation).toBe('quick');
    expect(gold.severities.P4.response).toBeNull();
    const custom = setup.policies.get('custom')!;
    expect(custom.severities.P3.resolution).toEqual({ afterMs: 8 * H, calendar: 'office' });
    expect(custom.severities.P4.resolution).toBeNull();
  });

  it('resolves by target first, then by group, then the default policy', () => {
    expect(resolvePolicy(setup, 'db1', ['web']).contract?.name).toBe('bank');
    expect(resolvePolicy(setup, 'web1', ['web']).contract?.name).toBe('shop');
    expect(resolvePolicy(setup, 'web1', ['web']).policy.name).toBe('contract-003');
    expect(resolvePolicy(setup, 'app1', ['core']).contract?.name).toBe('bank'); // first contract listing the group
    const none = resolvePolicy(setup, 'lonely', []);
    expect(none.contract).toBeNull();
    expect(none.policy.name).toBe('levels-i-iv');
  });

  it('takes the availability target from the contract, the policy, or 99.9', () => {
    expect(setup.contracts.find((c) => c.name === 'shop')?.availabilityTarget).toBe(98);
    expect(setup.contracts.find((c) => c.name === 'bank')?.availabilityTarget).toBe(99.9);
  });

  it('names known calendars when asked for an unknown one, and warns for uncovered years', () => {
    expect(() => getCalendar(setup, 'nope')).toThrow('unknown calendar "nope" (known: 24x7, 5x8, 5x8-0800, office)');
    const warnings = setupWarnings(setup, [2027]);
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['calendar "5x8"', 'calendar "5x8-0800"', 'calendar "office"']);
  });
});

describe('missing holiday data of contract calendars', () => {
  it('lists calendar and year for periods the data lacks, from contract and policy calendars only', async () => {
    const { missingHolidayData } = await import('../../../../collector/sla/setup.js');
    const s = createSlaSetup(
      slaConfigSchema.parse({ contracts: [{ name: 'gov', policy: 'four-level-001', calendar: '5x8', members: { targets: ['a'] } }] }),
    );
    const dec = Date.parse('2026-12-01T00:00:00+08:00');
    expect(missingHolidayData(s, dec, dec + 60 * 86_400_000).map((m) => [m.calendar, m.year])).toEqual([
      ['5x8', 2027],
      ['5x8-0800', 2027],
    ]);
    expect(missingHolidayData(s, dec, dec + 20 * 86_400_000)).toEqual([]);
    const covered = createSlaSetup(
      slaConfigSchema.parse({
        holiday_data: { cn: { '2027': { off: ['2027-01-01'] } } },
        contracts: [{ name: 'gov', policy: 'four-level-001', calendar: '5x8', members: { targets: ['a'] } }],
      }),
    );
    expect(missingHolidayData(covered, dec, dec + 60 * 86_400_000)).toEqual([]);
  });
});
