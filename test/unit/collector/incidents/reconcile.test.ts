/** Start-up reconciliation offers only the open intervals that can act: bad checks, and ok ones with an active incident. */
import { describe, expect, it } from 'vitest';
import { checkKey } from '../../../../collector/incidents/engine.js';
import { reconciliationChanges } from '../../../../collector/incidents/reconcile.js';
import type { StateInterval } from '../../../../collector/store/sql/intervals-repo.js';

let nextId = 1;
const open = (agentId: string, checkId: string, state: StateInterval['state'], cause: StateInterval['cause'] = 'result', startMs = 1000): StateInterval => ({
  id: nextId++,
  agentId,
  checkId,
  checkType: 'tcp',
  target: `${agentId}.example`,
  state,
  startMs,
  endMs: null,
  reason: state,
  cause,
});

describe('reconciliationChanges', () => {
  it('leaves out ok checks without an incident, whatever the fleet size', () => {
    const fleet = Array.from({ length: 1000 }, (_, i) => open(`a${i}`, 'port', 'ok'));
    expect(reconciliationChanges(fleet, new Set())).toEqual([]);
  });

  it('keeps every bad check, oldest first, and ok checks whose own or agent-lost incident is active', () => {
    const changes = reconciliationChanges(
      [
        open('a1', 'port', 'crit', 'result', 3000),
        open('a2', 'port', 'ok'),
        open('a3', 'port', 'ok'),
        open('a4', 'disk', 'unknown', 'agent_offline', 2000),
        open('a5', 'port', 'ok'),
      ],
      new Set([checkKey('a2.example', 'port'), 'agent:a3']),
    );
    expect(changes.map((c) => [c.agentId, c.to, c.cause])).toEqual([
      ['a2', 'ok', 'result'],
      ['a3', 'ok', 'result'],
      ['a4', 'unknown', 'agent_offline'],
      ['a1', 'crit', 'result'],
    ]);
  });
});
