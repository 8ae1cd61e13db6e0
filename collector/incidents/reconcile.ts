/**
 * Start-up reconciliation: the current state of every check (its open interval) is offered to the incident
 * service once more. A state change is committed before incidents react to it, so a kill -9 in between would
 * otherwise leave a failing check without its incident (or a recovered one with its incident open). The engine
 * is idempotent: checks whose incident is already up to date produce no action.
 *
 * Only what can act is offered (`reconciliationChanges`): checks not ok, and ok checks with an active incident of
 * their own or an active "agent lost" incident of their agent. An ok check without either produces no action, and
 * offering all 100,000 checks of a 10,000-agent fleet cost four queries each at every start (issue 13).
 */
import type { StateChange } from '../events.js';
import { agentKey, dedupKeyFor } from './engine.js';
import type { StateInterval } from '../store/sql/intervals-repo.js';

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

/** The start-up reconciliation's changes: `currentStateChanges` of the open intervals that can act. */
export function reconciliationChanges(open: readonly StateInterval[], activeKeys: ReadonlySet<string>): StateChange[] {
  return currentStateChanges(open).filter((change) => change.to !== 'ok' || activeKeys.has(dedupKeyFor(change)) || activeKeys.has(agentKey(change.agentId)));
}
