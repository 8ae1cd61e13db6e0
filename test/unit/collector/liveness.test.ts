import { describe, expect, it } from 'vitest';
import { createLivenessMonitor } from '../../../collector/liveness.js';

const meta = (checkId: string, agentId = 'a1') => ({ agentId, checkId, checkType: 'tcp', target: 't' });

describe('liveness monitor (collector clock)', () => {
  it('declares a check silent after factor × interval, dated at the deadline, once', () => {
    const m = createLivenessMonitor({ silenceFactor: 3 });
    m.seen(meta('c1'), 60, 1_000_000);
    expect(m.dueForSilence(1_000_000 + 180_000)).toEqual([]);
    const due = m.dueForSilence(1_000_000 + 200_000);
    expect(due).toEqual([{ meta: meta('c1'), atMs: 1_180_000, silentForMs: 200_000 }]);
    expect(m.dueForSilence(1_000_000 + 400_000)).toEqual([]);
    m.seen(meta('c1'), 60, 1_500_000);
    expect(m.dueForSilence(1_500_000 + 180_001)).toHaveLength(1);
  });

  it('does not declare silence for checks of an offline agent', () => {
    const m = createLivenessMonitor({ silenceFactor: 3 });
    m.seen(meta('c1'), 10, 0);
    m.seen(meta('c2', 'a2'), 10, 0);
    m.agentOffline('a1');
    expect(m.dueForSilence(100_000).map((v) => v.meta.checkId)).toEqual(['c2']);
  });

  it('restored quiet checks stay quiet until heard from', () => {
    const m = createLivenessMonitor({ silenceFactor: 2 });
    m.restore(meta('c1'), 10, 0, true);
    m.restore(meta('c2'), 10, 0, false);
    expect(m.dueForSilence(50_000).map((v) => v.meta.checkId)).toEqual(['c2']);
  });

  it('heard nothing until a moment (start, broker reconnect): every silence clock restarts there', () => {
    const m = createLivenessMonitor({ silenceFactor: 3 });
    m.seen(meta('c1'), 60, 0);
    m.seen(meta('c2'), 60, 900_000);
    m.heardNothingUntil(600_000);
    expect(m.dueForSilence(600_000 + 180_000)).toEqual([]);
    expect(m.dueForSilence(600_000 + 180_001)).toEqual([{ meta: meta('c1'), atMs: 780_000, silentForMs: 180_001 }]);
    // A clock already past the moment keeps its own last result.
    expect(m.dueForSilence(900_000 + 180_001).map((v) => v.meta.checkId)).toEqual(['c2']);
  });
});
