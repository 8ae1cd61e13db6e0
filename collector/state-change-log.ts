/**
 * State changes in the log without flooding it: the first `perSecond` changes of each second are logged one by one;
 * beyond that they are counted and one summary line per second says how many, to which states and why (a fleet's
 * first connect is 100,000 first states; a mass outage is thousands at once). The state history and the metrics
 * keep every change; the log is for reading.
 */
import type { Logger } from '../common/logger.js';
import type { StateChange } from './events.js';

export interface StateChangeLog {
  record(change: StateChange): void;
  /** Writes the pending summary (shutdown). */
  flush(): void;
}

export function createStateChangeLog(logger: Logger, opts: { perSecond?: number; now?: () => number } = {}): StateChangeLog {
  const perSecond = opts.perSecond ?? 50;
  const now = opts.now ?? Date.now;
  let second = -1;
  let logged = 0;
  let summarised = 0;
  let counts = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (summarised > 0) {
      logger.info({ state_changes: summarised, by_state_and_cause: Object.fromEntries(counts) }, `${summarised} more state changes in one second (not logged one by one)`);
    }
    summarised = 0;
    counts = new Map();
  }

  return {
    record(change) {
      const s = Math.floor(now() / 1000);
      if (s !== second) {
        flush();
        second = s;
        logged = 0;
      }
      if (logged < perSecond) {
        logged++;
        logger.info({ agent_id: change.agentId, check_id: change.checkId, target: change.target, from: change.from, to: change.to, at_ms: change.atMs, cause: change.cause }, 'state change');
        return;
      }
      // The summary is written when the second is over, even if no further change comes.
      if (summarised++ === 0) timer = setTimeout(flush, 1000 - (now() % 1000)).unref();
      const key = `${change.to}/${change.cause}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    flush,
  };
}
