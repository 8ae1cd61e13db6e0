import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCollectorConfigFile } from '../../../../collector/config.js';
import { heartbeatsConfigSchema } from '../../../../collector/heartbeats/config.js';
import { heartbeatRules } from '../../../../collector/heartbeats/incident-rules.js';

const problems = (list: unknown) => {
  const r = heartbeatsConfigSchema.safeParse(list);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const ok = { name: 'job', token: 'x'.repeat(16), target: 't', period: '1h' };

describe('heartbeats config', () => {
  it('defaults: grace 5m', () => {
    expect(heartbeatsConfigSchema.parse([ok])).toEqual([{ name: 'job', token: 'x'.repeat(16), target: 't', period: 3_600_000, grace: 300_000 }]);
  });
  it.each([
    [[{ ...ok, token: 'short' }], '0.token: token must be at least 16 characters'],
    [[{ ...ok, period: undefined }], '0.period: set exactly one of period, schedule'],
    [[{ ...ok, schedule: '0 3 * * *' }], '0.schedule: set exactly one of period, schedule'],
    [[{ ...ok, period: undefined, schedule: 'every day' }], '0.schedule: invalid cron pattern'],
    [[{ ...ok, timezone: 'Asia/Shanghai' }], '0.timezone: only valid with schedule'],
    [[{ ...ok, name: 'Job One' }], '0.name: must match'],
    [[{ ...ok, severity: 'P9' }], '0.severity'],
    [[ok, { ...ok, token: 'y'.repeat(16) }], '1.name: duplicate heartbeat name "job" (also heartbeats[0])'],
    [[ok, { ...ok, name: 'other' }], '1.token: duplicate token'],
  ])('%j → %s', (list, expected) => {
    expect(problems(list).join('\n')).toContain(expected);
  });

  it('${ENV} tokens in collector.yaml', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outpost-hbcfg-')), 'collector.yaml');
    writeFileSync(file, 'heartbeats:\n  - name: nightly\n    token: ${HB_TOKEN}\n    target: db-1\n    schedule: "0 3 * * *"\n    timezone: Asia/Shanghai\n    grace: 30m\n    severity: P1\n');
    const result = await validateCollectorConfigFile(file, { HB_TOKEN: 'secret-token-0123456789' });
    expect(result.ok && result.config.heartbeats).toEqual([{ name: 'nightly', token: 'secret-token-0123456789', target: 'db-1', schedule: '0 3 * * *', timezone: 'Asia/Shanghai', grace: 1_800_000, severity: 'P1' }]);
  });

  it('severity becomes a leading incident rule', () => {
    expect(heartbeatRules([{ name: 'a', severity: 'P1' }, { name: 'b', severity: null }])).toEqual([
      { match: { check_type: ['heartbeat'], check_id: ['a'], state: ['crit', 'warn', 'unknown'] }, severity: 'P1', open: true },
    ]);
  });
});
