import { describe, expect, it } from 'vitest';
import { formatContractTime, formatIncidentDetail, formatIncidentList } from '../../../../collector/incidents/format.js';

const T0 = Date.parse('2025-03-14T16:30:05Z'); // 00:30:05 next day in Shanghai
const item = { number: 'INC-20250315-0001', title: 'db-1 disk: crit', severity: 'P1', status: 'open', target: 'db-1', check_id: 'disk', opened_at_ms: T0 };

describe('formatContractTime', () => {
  it('shows Asia/Shanghai wall time', () => expect(formatContractTime(T0)).toBe('2025-03-15 00:30:05'));
  it('shows - for missing times', () => {
    expect(formatContractTime(null)).toBe('-');
    expect(formatContractTime(undefined)).toBe('-');
  });
});

describe('formatIncidentList', () => {
  it('aligns columns and says how to page on', () => {
    const text = formatIncidentList({ items: [item, { ...item, number: 'INC-20250315-0002', target: null, status: 'acknowledged' }], total: 5, limit: 2, offset: 0 });
    expect(text).toBe(
      [
        'NUMBER             SEV  STATUS        OPENED (Asia/Shanghai)  TARGET  TITLE',
        'INC-20250315-0001  P1   open          2025-03-15 00:30:05     db-1    db-1 disk: crit',
        'INC-20250315-0002  P1   acknowledged  2025-03-15 00:30:05     -       db-1 disk: crit',
        '1-2 of 5 (use --offset 2 for more)',
        '',
      ].join('\n'),
    );
  });
  it('a complete page shows the total; an empty one says so', () => {
    expect(formatIncidentList({ items: [item], total: 1, limit: 50, offset: 0 }).endsWith('1 incident(s)\n')).toBe(true);
    expect(formatIncidentList({ items: [], total: 0, limit: 50, offset: 0 })).toBe('no incidents (total 0)\n');
  });
});

describe('formatIncidentDetail', () => {
  it('prints the header, the fields that are set, and the timeline', () => {
    const text = formatIncidentDetail({
      ...item,
      status: 'resolved',
      parent_number: null,
      resolved_at_ms: T0 + 60_000,
      resolved_by: 'wang',
      cause: 'disk full',
      resolution: 'rotated logs',
      timeline: [
        { at_ms: T0, actor: 'system', kind: 'opened', note: 'disk 97%' },
        { at_ms: T0 + 60_000, actor: 'wang', kind: 'resolved', note: null },
      ],
    });
    expect(text).toBe(
      [
        'INC-20250315-0001  P1  resolved  db-1 disk: crit',
        '  target:          db-1',
        '  check:           disk',
        '  opened:          2025-03-15 00:30:05',
        '  resolved:        2025-03-15 00:31:05',
        '  resolved by:     wang',
        '  cause:           disk full',
        '  resolution:      rotated logs',
        'timeline:',
        '  2025-03-15 00:30:05  system      opened  disk 97%',
        '  2025-03-15 00:31:05  wang        resolved',
        '',
      ].join('\n'),
    );
  });
});
