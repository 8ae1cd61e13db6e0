/**
 * Start-up reconciliation: the current state of every check (its open interval) is offered to the incident
 * service once more. A state change is committed before incidents react to it, so a kill -9 in between would
 * otherwise leave a failing check without its incident (or a recovered one with its incident open). The engine
 * is idempotent: checks whose incident is already up to date produce no action.
 */
import type { StateChange } from '../events.js';
import type { StateInterval } from '../store/intervals-store.js';

export function currentStateChanges(open: readonly StateInterval[]): StateChange[] {
  return [...open]
    // Oldest first: a host that went down first is open before the checks that fold under it.
    .sort((a, b) => a.startMs - b.startMs || a.id - b.id)
    .map((interval) => ({
      agentId: interval.agentId,
      target: interval.target,
      checkId: interval.checkId,
      checkType: interval.checkType,
      from: null,
      to: interval.state,
      atMs: interval.startMs,
      reason: interval.reason,
      ...(interval.finding ? { finding: interval.finding } : {}),
      cause: interval.cause,
    }));
}
