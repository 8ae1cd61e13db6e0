import { describe, expect, it } from 'vitest';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { computeIncidentSla, nextChangeAt } from '../../../../collector/sla/incident-sla.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import type { IncidentFacts } from '../../../../collector/sla/timers.js';
import { parseInstant } from '../../../../collector/sla/zoned-time.js';

const at = (t: string) => parseInstant(t, 'Asia/Shanghai')!;
const setup = createSlaSetup(slaConfigSchema.parse({}));
const facts: IncidentFacts = { openedAtMs: at('2024-11-04T10:00'), acknowledgedAtMs: null, resolvedAtMs: null, pauses: [], maintenance: [] };

describe('incident SLA', () => {
  it('computes both timers and the escalation of commitment-004 P1', () => {
    const sla = computeIncidentSla(setup, setup.policies.get('commitment-004')!, 'P1', facts, at('2024-11-04T10:05'));
    expect(sla.response?.dueAtMs).toBe(at('2024-11-04T10:15'));
    expect(sla.resolution).toBeNull();
    expect(sla.escalation?.chain).toBe('commitment-004-p1');
    // Next change: the response warning at 80 % of 15 min = 10:12.
    expect(sla.nextChangeAtMs).toBe(at('2024-11-04T10:12'));
  });

  it('walks the next-change instants: warning → breach → escalation levels → nothing', () => {
    const policy = setup.policies.get('commitment-004')!;
    const seen: number[] = [];
    let now = at('2024-11-04T10:00');
    for (let i = 0; i < 10; i++) {
      const next = computeIncidentSla(setup, policy, 'P1', facts, now).nextChangeAtMs;
      if (next === null) break;
      seen.push(next);
      now = next;
    }
    expect(seen).toEqual([at('2024-11-04T10:12'), at('2024-11-04T10:15'), at('2024-11-04T12:00'), at('2024-11-04T14:00'), at('2024-11-04T18:00')]);
  });

  it('schedules nothing for a stopped or paused timer', () => {
    expect(nextChangeAt([], [], 0)).toBeNull();
    const policy = setup.policies.get('levels-i-iv')!;
    const resolved = { ...facts, acknowledgedAtMs: at('2024-11-04T10:01'), resolvedAtMs: at('2024-11-04T10:30') };
    expect(computeIncidentSla(setup, policy, 'P3', resolved, at('2024-11-04T11:00')).nextChangeAtMs).toBeNull();
    const paused = { ...facts, pauses: [{ startMs: at('2024-11-04T10:01'), endMs: null, reason: 'customer' }] };
    const sla = computeIncidentSla(setup, policy, 'P3', paused, at('2024-11-04T11:00'));
    expect(sla.response?.state).toBe('paused');
    expect(sla.nextChangeAtMs).toBeNull();
  });
});
