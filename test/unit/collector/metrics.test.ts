/** The agents-online gauge reads the store at each scrape, asynchronously; a failed read keeps the last value. */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createCollectorMetrics } from '../../../collector/metrics.js';

const online = async (registry: Registry) => (await registry.getSingleMetric('outpost_agents_online')!.get()).values[0]?.value;

describe('outpost_agents_online', () => {
  it('is counted at each scrape by an async reader; a failed read keeps the last value', async () => {
    const registry = new Registry();
    const metrics = createCollectorMetrics(registry);
    expect(await online(registry)).toBe(0);
    let answer: () => Promise<number> = async () => 3;
    metrics.countAgentsOnlineWith(() => answer());
    expect(await online(registry)).toBe(3);
    expect(await registry.metrics()).toContain('outpost_agents_online 3');
    answer = async () => {
      throw new Error('connection terminated');
    };
    expect(await online(registry)).toBe(3);
    answer = async () => 5;
    expect(await online(registry)).toBe(5);
  });
});
