/** The per-table report of `store migrate`: aligned columns, a failed check in words, the total, both languages. */
import { describe, expect, it } from 'vitest';
import { formatMigrate } from '../../../bin/store-migrate.js';
import type { MigrateOutcome } from '../../../collector/store/migrate-store/migrate.js';

const outcome: MigrateOutcome = {
  source: 'sqlite:/var/lib/outpost/outpost.db',
  target: 'postgres://[redacted]@db1:5432/outpost',
  dryRun: false,
  ok: false,
  tables: [
    { table: 'agents', rows: 12, copied: 12, ms: 3.2, mismatch: null },
    { table: 'observation_runs', rows: 1000000, copied: 999999, ms: 41234, mismatch: '1000000 rows in the source, 999999 in the target' },
  ],
};

describe('formatMigrate', () => {
  it('names the mismatch and says nothing was written', () => {
    expect(formatMigrate(outcome, 'en')).toBe(
      [
        'sqlite:/var/lib/outpost/outpost.db → postgres://[redacted]@db1:5432/outpost: verification failed, rolled back: nothing was written to the target',
        'table                rows     time  check',
        'agents                 12   0.00 s  ok',
        'observation_runs  1000000  41.23 s  1000000 rows in the source, 999999 in the target',
        'total             1000012  41.24 s',
        '',
      ].join('\n'),
    );
  });

  it('in Chinese, aligned by display width (a CJK character takes two columns)', () => {
    const text = formatMigrate({ ...outcome, ok: true, tables: [{ table: 'agents', rows: 12, copied: 12, ms: 1500, mismatch: null }] }, 'zh-CN');
    expect(text).toBe(['已从 sqlite:/var/lib/outpost/outpost.db 迁移到 postgres://[redacted]@db1:5432/outpost，各表行数与校验和一致', '表      行数     用时  校验', 'agents    12  1.50 秒  一致', '合计      12  1.50 秒', ''].join('\n'));
  });
});
