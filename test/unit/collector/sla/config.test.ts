import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../common/config.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';

const parse = (yaml: string) => parseConfigText(yaml, slaConfigSchema, {});

describe('slaConfigSchema', () => {
  it('defaults to an empty section with the documented defaults', () => {
    const config = slaConfigSchema.parse(undefined);
    expect(config).toMatchObject({ default_policy: 'levels-i-iv', warn_at: 0.8, unknown_policy: 'excluded', warn_counts_as_up: true });
  });

  it('accepts a full section', () => {
    const result = parse(`
default_policy: commitment-004
calendars:
  office: { hours: ['mon-fri 08:00-12:00,13:00-17:00'], extra_holidays: ['2027-01-01'] }
  ops: { hours: 24x7, timezone: Europe/Berlin }
escalations:
  p1-chain:
    levels:
      - { after: 2h, name: project-manager, channels: [dingtalk-pm] }
      - { after: 4h, name: technical-director }
policies:
  gold:
    extends: commitment-004
    calendar: office
    severities:
      P1: { resolution: 4h, resolution_calendar: 24x7, escalation: p1-chain }
      P4: { response: null }
contracts:
  - name: bank
    policy: gold
    calendar: office
    availability_target: 99.9
    members: { targets: [db1], groups: [core] }
maintenance:
  - { name: once, start: '2024-10-01T22:00:00+08:00', end: '2024-10-02T02:00:00+08:00' }
  - { name: weekly, rrule: "DTSTART:20240101T220000\\nRRULE:FREQ=WEEKLY;BYDAY=TU", duration: 2h, groups: [core] }
  - { name: cron, cron: '0 3 * * 0', duration: 1h, targets: [db1] }
`);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('lists every problem with its path', () => {
    const result = parse(`
default_policy: platinum
warn_at: 1.5
unknown_policy: maybe
calendars:
  office: { hours: ['mon-fry 08:00-17:00'], timezone: Mars/Base, makeup_hours: '18:00-08:00', colour: red }
policies:
  gold: { extends: commitment-999, calendar: nowhere, severities: { P1: { escalation: nope, response: 5x } } }
  bare: { severities: { P1: { response: 1h } } }
contracts:
  - { name: bank, policy: silver, calendar: office, members: {} }
maintenance:
  - { name: both, start: '2024-10-01T00:00:00Z', cron: '0 3 * * 0', duration: 1h }
  - { name: rr, rrule: 'RRULE:FREQ=WEEKLY', duration: 1h }
  - { name: backwards, start: '2024-10-02T00:00:00Z', end: '2024-10-01T00:00:00Z' }
  - { name: nodur, cron: '0 3 * * 0' }
  - { name: badcron, cron: 'every sunday', duration: 1h }
`);
    if (result.ok) throw new Error('expected problems');
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(byPath['warn_at']).toMatch(/1/);
    expect(byPath['unknown_policy']).toBeDefined();
    expect(byPath['calendars.office.timezone']).toContain('unknown time zone');
    expect(byPath['calendars.office.colour']).toBe('unknown key');
    expect(byPath['calendars.office.hours']).toContain('bad day range "mon-fry"');
    expect(byPath['calendars.office.makeup_hours']).toContain('bad time window');
    expect(byPath['policies.gold.severities.P1.response']).toContain('invalid duration');
    expect(byPath['maintenance[0]']).toBe('give exactly one of start/end, rrule or cron');
    expect(byPath['maintenance[1].rrule']).toContain('DTSTART');
    expect(byPath['maintenance[2].end']).toBe('end must be after start');
    expect(byPath['maintenance[3].duration']).toBe('a recurring window needs a duration');
    expect(byPath['maintenance[4].cron']).toBeDefined();
  });

  it('reports unknown names once the shapes are valid', () => {
    const result = parse(`
default_policy: platinum
policies:
  gold: { extends: commitment-999, calendar: nowhere, severities: { P1: { escalation: nope } } }
  bare: { severities: { P1: { response: 1h } } }
contracts:
  - { name: bank, policy: silver, calendar: office, members: {} }
`);
    if (result.ok) throw new Error('expected problems');
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(byPath['default_policy']).toMatch(/^unknown policy "platinum" \(known: .*levels-i-iv/);
    expect(byPath['policies.gold.extends']).toContain('unknown preset "commitment-999"');
    expect(byPath['policies.gold.calendar']).toContain('unknown calendar "nowhere"');
    expect(byPath['policies.gold.severities.P1.escalation']).toContain('unknown escalation "nope"');
    expect(byPath['policies.bare.severities.P2']).toBe('required when the policy extends no preset');
    expect(byPath['contracts[0].policy']).toContain('unknown policy "silver"');
    expect(byPath['contracts[0].calendar']).toContain('unknown calendar "office"');
  });
});

describe('sla.holiday_data, compliance_target, resolution_starts', () => {
  it('accepts years with days and ranges; the contract compliance target wins over the policy one', async () => {
    const { createSlaSetup } = await import('../../../../collector/sla/setup.js');
    const result = parse(`
holiday_data:
  cn:
    "2027":
      off: ["2027-01-01", "2027-10-01..2027-10-07"]
      work: ["2027-09-26"]
policies:
  gold: { extends: contract-003, compliance_target: 90, resolution_starts: opened }
contracts:
  - { name: a, policy: gold, members: { targets: [x] } }
  - { name: b, policy: gold, compliance_target: 97, members: { targets: [y] } }
  - { name: c, policy: contract-003, members: { targets: [z] } }
  - { name: d, policy: levels-i-iv, members: { targets: [w] } }
`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const setup = createSlaSetup(result.config);
    expect(setup.contracts.map((c) => c.complianceTarget)).toEqual([90, 97, 95, null]);
    expect(setup.policies.get('gold')?.resolutionStarts).toBe('opened');
    expect(setup.policies.get('contract-003')?.resolutionStarts).toBe('acknowledged');
    const cal = setup.calendars.get('5x8')!;
    const { dayNumber } = await import('../../../../collector/sla/zoned-time.js');
    expect(cal.dayPlan(dayNumber(2027, 10, 4)).kind).toBe('holiday');
    expect(cal.dayPlan(dayNumber(2027, 9, 26)).kind).toBe('makeup');
    expect(cal.dayPlan(dayNumber(2027, 10, 8)).kind).toBe('workday');
  });

  it('names every bad holiday_data entry with its path', () => {
    const result = parse(`
holiday_data:
  cn:
    "2027":
      off: ["2027-10-07..2027-10-01", "27-1-1"]
      work: []
      typo: []
    "27": { off: [] }
  us: {}
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toContain('holiday_data.cn.2027.off[0]: expected YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD');
    expect(messages).toContain('holiday_data.cn.2027.off[1]: expected YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD');
    expect(messages).toContain('holiday_data.cn.2027.typo: unknown key');
    expect(messages.some((m) => m.startsWith('holiday_data.cn.27') && m.includes('year keys are 4 digits'))).toBe(true);
    expect(messages.some((m) => m.startsWith('holiday_data.us'))).toBe(true);
  });

  it('refuses a day filed under another year', () => {
    const result = parse('holiday_data:\n  cn:\n    "2027":\n      off: ["2027-12-31..2028-01-01"]\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ path: 'holiday_data.cn.2027.off[0]', message: '"2027-12-31..2028-01-01" is not in 2027' }]);
  });
});
