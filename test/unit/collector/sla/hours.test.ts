import { describe, expect, it } from 'vitest';
import { parseWeeklyHours, parseWindows } from '../../../../collector/sla/hours.js';

describe('working-hours lines', () => {
  it('parses day ranges, lists and several windows', () => {
    const week = parseWeeklyHours(['mon-fri 08:00-12:00,13:00-17:00', 'sat 09:00-12:00']);
    if (typeof week === 'string') throw new Error(week);
    expect(week[1]).toEqual([
      { startMin: 480, endMin: 720 },
      { startMin: 780, endMin: 1020 },
    ]);
    expect(week[6]).toEqual([{ startMin: 540, endMin: 720 }]);
    expect(week[7]).toEqual([]);
    const daily = parseWeeklyHours(['daily 00:00-24:00']);
    if (typeof daily === 'string') throw new Error(daily);
    expect(daily.slice(1).every((d) => d[0]?.endMin === 1440)).toBe(true);
    const list = parseWeeklyHours(['Mon,Wed 09:00-10:00']);
    if (typeof list === 'string') throw new Error(list);
    expect([list[1]?.length, list[2]?.length, list[3]?.length]).toEqual([1, 0, 1]);
  });

  it('names the bad part', () => {
    expect(parseWeeklyHours(['mon-fry 09:00-17:00'])).toBe('bad day range "mon-fry" (use e.g. mon-fri, sat, mon,wed)');
    expect(parseWeeklyHours(['fri-mon 09:00-17:00'])).toContain('bad day range "fri-mon"');
    expect(parseWeeklyHours(['mon-fri'])).toContain('bad hours line "mon-fri"');
    expect(parseWindows('17:00-09:00')).toContain('bad time window "17:00-09:00"');
    expect(parseWindows('09:00-25:00')).toContain('bad time window');
    expect(parseWindows('9:00-17:00')).toContain('bad time window');
  });
});
