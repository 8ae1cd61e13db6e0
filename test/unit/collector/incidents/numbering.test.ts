import { describe, expect, it } from 'vitest';
import { contractDay, formatIncidentNumber, parseIncidentNumber } from '../../../../collector/incidents/numbering.js';

describe('contractDay (Asia/Shanghai, UTC+8 without DST)', () => {
  it.each([
    ['2025-03-14T15:59:59.999Z', '20250314'],
    ['2025-03-14T16:00:00.000Z', '20250315'], // midnight in Shanghai
    ['2024-12-31T16:00:00.000Z', '20250101'], // year rollover happens at 16:00 UTC
    ['2024-02-28T16:30:00.000Z', '20240229'], // leap day
    ['2025-07-01T00:00:00.000Z', '20250701'],
  ])('%s → %s', (iso, day) => expect(contractDay(Date.parse(iso))).toBe(day));
});

describe('formatIncidentNumber / parseIncidentNumber', () => {
  it('pads to four digits and grows beyond', () => {
    expect(formatIncidentNumber('20250314', 1)).toBe('INC-20250314-0001');
    expect(formatIncidentNumber('20250314', 9999)).toBe('INC-20250314-9999');
    expect(formatIncidentNumber('20250314', 10000)).toBe('INC-20250314-10000');
  });
  it('round-trips and rejects other text', () => {
    expect(parseIncidentNumber('INC-20250314-0042')).toEqual({ day: '20250314', seq: 42 });
    expect(parseIncidentNumber('INC-2025-0042')).toBeNull();
    expect(parseIncidentNumber('42')).toBeNull();
  });
});
