import { describe, expect, it } from 'vitest';
import { hostCheck } from '../../../../../agent/checks/host/check.js';
import { observationSchema } from '../../../../../common/protocol.js';
import { waitUntil } from '../../../../helpers/wait.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

describe('host check on this machine', () => {
  it('first run has no cpu %/rates; a later run has both; output is a valid observation', async () => {
    // exclude_types: [] so the root mount is reported even in a container where / is overlay.
    const cfg = hostCheck.configSchema.parse({ mounts: { exclude_types: [] }, interfaces: { exclude: [] } });
    const check = hostCheck.create(cfg, testDeps());

    const first = observationSchema.parse(await check.run(neverAbort()));
    expect(first.metrics.cpu_used_percent).toBeUndefined();
    expect(first.metrics.memory_used_percent).toBeGreaterThan(0);
    expect(first.metrics.memory_used_percent).toBeLessThan(100);
    expect(first.metrics.cpu_cores).toBeGreaterThanOrEqual(1);
    expect(first.metrics.uptime_s).toBeGreaterThan(0);
    const root = first.series?.find((s) => s.tags.mount === '/');
    expect(root?.metrics.used_percent).toBeGreaterThan(0);
    expect(root?.metrics.size_bytes).toBeGreaterThan(0);
    const lo = first.series?.find((s) => s.tags.interface === 'lo');
    expect(lo?.metrics.rx_bytes).toBeGreaterThanOrEqual(0);
    expect(lo?.metrics.rx_bytes_per_s).toBeUndefined();

    // CPU % needs the kernel's jiffy counters to move between samples: poll, don't sleep.
    const later = await waitUntil(async () => {
      const o = await check.run(neverAbort());
      return o.metrics.cpu_used_percent !== undefined ? o : undefined;
    }, 10_000, 'a second cpu sample');
    expect(observationSchema.safeParse(later).success).toBe(true);
    expect(later.metrics.cpu_used_percent).toBeGreaterThanOrEqual(0);
    expect(later.metrics.cpu_used_percent).toBeLessThanOrEqual(100);
    expect(later.series?.find((s) => s.tags.interface === 'lo')?.metrics.rx_bytes_per_s).toBeGreaterThanOrEqual(0);
    expect(['ok', 'warn', 'crit']).toContain(later.state);
  });

  it('default selection skips lo', async () => {
    const check = hostCheck.create(hostCheck.configSchema.parse({}), testDeps());
    const o = await check.run(neverAbort());
    expect(o.series?.some((s) => s.tags.interface === 'lo') ?? false).toBe(false);
  });
});
