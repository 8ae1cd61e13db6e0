import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, isActive, transition, type LifecycleAction } from '../../../../collector/incidents/lifecycle.js';

describe('transition', () => {
  const table: Record<LifecycleAction, Record<string, string | null>> = {
    acknowledge: { open: 'acknowledged', acknowledged: null, resolved: null, closed: null },
    resolve: { open: 'resolved', acknowledged: 'resolved', resolved: null, closed: null },
    close: { open: null, acknowledged: null, resolved: 'closed', closed: null },
    reopen: { open: null, acknowledged: null, resolved: 'open', closed: null },
  };
  for (const [action, row] of Object.entries(table)) {
    for (const from of INCIDENT_STATUSES) {
      it(`${action} from ${from} → ${row[from] ?? 'illegal'}`, () => expect(transition(from, action as LifecycleAction)).toBe(row[from]));
    }
  }
  it('only open and acknowledged are active', () => {
    expect(INCIDENT_STATUSES.filter(isActive)).toEqual(['open', 'acknowledged']);
  });
});
