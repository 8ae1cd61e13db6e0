import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createNotifyMetrics } from '../../../../collector/notify/metrics.js';

describe('notification metrics', () => {
  it('counts final results per channel and the requests they took', async () => {
    const registry = new Registry();
    const metrics = createNotifyMetrics(registry);
    const base = { incidentId: 1, number: 'INC-1', kind: 'opened' as const, atMs: 0 };
    metrics.record({ ...base, channel: 'dt', ok: true, attempts: 3 });
    metrics.record({ ...base, channel: 'dt', ok: false, attempts: 5, error: 'x' });
    metrics.record({ ...base, channel: 'mail', ok: false, attempts: 0, error: 'queue full' });
    const text = await registry.metrics();
    expect(text).toContain('outpost_notifications_total{channel="dt",result="ok"} 1');
    expect(text).toContain('outpost_notifications_total{channel="dt",result="failed"} 1');
    expect(text).toContain('outpost_notifications_total{channel="mail",result="failed"} 1');
    expect(text).toContain('outpost_notification_attempts_total{channel="dt"} 8');
    expect(text).not.toContain('outpost_notification_attempts_total{channel="mail"}');
  });
});
