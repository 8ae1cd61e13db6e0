import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../common/config.js';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { PRESET_POLICIES } from '../../../../collector/sla/presets.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import { parseSlaDuration, resolveSlaDuration, workingDayMs } from '../../../../collector/sla/working-days.js';

const H = 3_600_000;
const parse = (yaml: string) => parseConfigText(yaml, slaConfigSchema, {});
const resolve = (text: string, calendar: string) => resolveSlaDuration(parseSlaDuration(text)!, BUILTIN_CALENDARS[calendar]!);

describe('working days (wd)', () => {
  it('parses wd apart from clock durations and remembers day units', () => {
    expect(parseSlaDuration('2wd')).toEqual({ kind: 'wd', days: 2, text: '2wd' });
    expect(parseSlaDuration('1h30m')).toMatchObject({ kind: 'time', ms: 1.5 * H, usesDays: false });
    expect(parseSlaDuration('2d')).toMatchObject({ kind: 'time', ms: 48 * H, usesDays: true });
    expect(parseSlaDuration('1w')).toMatchObject({ kind: 'time', usesDays: true });
    expect(parseSlaDuration(1800)).toMatchObject({ kind: 'time', ms: 30 * 60_000, usesDays: false });
    expect(parseSlaDuration('2 days')).toBeNull();
  });

  it('N wd = N × the Monday–Friday working-hours length (5x8 8.5 h, 5x8-0800 9 h)', () => {
    expect(resolve('2wd', '5x8')).toBe(17 * H);
    expect(resolve('5wd', '5x8-0800')).toBe(45 * H);
    expect(resolve('0.5wd', '5x8')).toBe(4.25 * H);
  });

  it('refuses d and w on a business calendar with the hint', () => {
    expect(resolve('2d', '5x8')).toBe('"2d" is ambiguous on business calendar "5x8": use 2wd for working days, or 48h');
    expect(resolve('1w', '5x8-0800')).toBe('"1w" is ambiguous on business calendar "5x8-0800": use 7wd for working days, or 168h');
    expect(resolve('48h', '5x8')).toBe(48 * H);
  });

  it('on 24x7 refuses wd and takes d as 24 h', () => {
    expect(resolve('2wd', '24x7')).toBe('"2wd" counts working days, but calendar "24x7" runs around the clock: use 2d (= 48h)');
    expect(resolve('5d', '24x7')).toBe(120 * H);
  });

  it('refuses wd on a calendar whose weekdays differ, naming them', () => {
    const week = [[], [{ startMin: 540, endMin: 1050 }], [{ startMin: 540, endMin: 1050 }], [{ startMin: 540, endMin: 1050 }], [{ startMin: 540, endMin: 1050 }], [{ startMin: 540, endMin: 900 }], [], []];
    expect(workingDayMs({ name: 'short-friday', week })).toBe(
      'calendar "short-friday" has Monday–Friday working hours of different lengths (Mon 8.5 h, Tue 8.5 h, Wed 8.5 h, Thu 8.5 h, Fri 6 h), so a working day has no single length: give working hours instead (e.g. 16h)',
    );
  });

  it('presets say what they mean: four-level-001 L3 5 working days, L4 5 / 10 working days (seed 001); commitment-004 P3 2 working days', () => {
    const four = PRESET_POLICIES['four-level-001']!.severities;
    expect(four.P3.resolution).toEqual({ afterMs: 5 * 9 * H, calendar: '5x8-0800' });
    expect(four.P4.response).toEqual({ afterMs: 5 * 9 * H, calendar: '5x8-0800' });
    expect(four.P4.resolution).toEqual({ afterMs: 10 * 9 * H, calendar: '5x8-0800' });
    expect(PRESET_POLICIES['commitment-004']!.severities.P3.resolution).toEqual({ afterMs: 17 * H, calendar: '5x8' });
    expect(PRESET_POLICIES['four-level-001']!.description).toContain('5 working days');
  });

  it('config: wd resolves on the timer calendar; d on a business calendar and wd on 24x7 are errors with paths', () => {
    const ok = parse(`
policies:
  office:
    extends: commitment-004
    severities:
      P3: { resolution: 3wd }
      P1: { resolution: 2d, resolution_calendar: 24x7 }
`);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const setup = createSlaSetup(ok.config);
    expect(setup.policies.get('office')?.severities.P3.resolution).toEqual({ afterMs: 3 * 8.5 * H, calendar: '5x8' });
    expect(setup.policies.get('office')?.severities.P1.resolution).toEqual({ afterMs: 48 * H, calendar: '24x7' });

    const bad = parse(`
calendars:
  short-friday: { hours: ['mon-thu 09:00-17:30', 'fri 09:00-15:00'] }
policies:
  a:
    extends: commitment-004
    severities:
      P3: { resolution: 2d }
      P1: { response: 1wd }
  b:
    extends: levels-i-iv
    calendar: short-friday
    severities:
      P2: { resolution: 2wd }
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const messages = bad.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toContain('policies.a.severities.P3.resolution: "2d" is ambiguous on business calendar "5x8": use 2wd for working days, or 48h');
    expect(messages).toContain('policies.a.severities.P1.response: "1wd" counts working days, but calendar "24x7" runs around the clock: use 1d (= 24h)');
    expect(messages.find((m) => m.startsWith('policies.b.severities.P2.resolution'))).toContain('different lengths');
  });
});
