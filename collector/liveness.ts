/**
 * Liveness on the collector's own clock. Silence is measured from when the collector could last have heard the
 * agent: after a start (graceful or kill -9) or a reconnect to an external broker, clocks restart at that moment,
 * so a collector down for 10 minutes does not find every check silent. An agent that goes offline (retained `offline` status: Last Will =
 * "agent lost", or a graceful shutdown) makes its checks UNKNOWN at once (handled by the ingest processor);
 * a check silent for longer than `silenceFactor` × its interval becomes UNKNOWN (cause silence), dated when
 * its next-but-(factor-1) result was due, so the verdict does not depend on how often we scan.
 */
import type { CheckMeta } from './states/tracker.js';
import type { AgentsRepo } from './store/sql/agents-repo.js';
import type { ChecksRepo } from './store/sql/checks-repo.js';
import type { IntervalsRepo } from './store/sql/intervals-repo.js';
import type { Q } from './store/sql/sql-helpers.js';

interface Watched {
  meta: CheckMeta;
  intervalMs: number;
  lastReceivedMs: number;
  /** Already declared UNKNOWN (silence or agent offline) since the last result. */
  quiet: boolean;
}

export interface SilenceVerdict {
  meta: CheckMeta;
  atMs: number;
  silentForMs: number;
}

export function createLivenessMonitor(opts: { silenceFactor: number }) {
  const watched = new Map<string, Watched>();
  const key = (agentId: string, checkId: string) => `${agentId}\u0000${checkId}`;
  return {
    /** A result arrived (collector receive time). */
    seen(meta: CheckMeta, intervalS: number, receivedAtMs: number): void {
      const k = key(meta.agentId, meta.checkId);
      const entry = watched.get(k);
      if (!entry) {
        watched.set(k, { meta, intervalMs: intervalS * 1000, lastReceivedMs: receivedAtMs, quiet: false });
        return;
      }
      // Hot path: update in place.
      entry.meta = meta;
      entry.intervalMs = intervalS * 1000;
      entry.lastReceivedMs = Math.max(entry.lastReceivedMs, receivedAtMs);
      entry.quiet = false;
    },
    /** The agent is offline: its checks are UNKNOWN already; do not also declare them silent. */
    agentOffline(agentId: string): void {
      for (const entry of watched.values()) if (entry.meta.agentId === agentId) entry.quiet = true;
    },
    /** Checks silent past their deadline at `nowMs`; each is reported once until it is heard from again. */
    dueForSilence(nowMs: number): SilenceVerdict[] {
      const due: SilenceVerdict[] = [];
      for (const entry of watched.values()) {
        if (entry.quiet) continue;
        const deadline = entry.lastReceivedMs + opts.silenceFactor * entry.intervalMs;
        if (nowMs > deadline) {
          entry.quiet = true;
          due.push({ meta: entry.meta, atMs: deadline, silentForMs: nowMs - entry.lastReceivedMs });
        }
      }
      return due;
    },
    /**
     * The collector could hear nothing before `atMs` (it was down, or its broker connection was): every check's
     * silence clock starts again there at the latest.
     */
    heardNothingUntil(atMs: number): void {
      for (const entry of watched.values()) entry.lastReceivedMs = Math.max(entry.lastReceivedMs, atMs);
    },
    /** Seeds the monitor at start-up from stored checks. */
    restore(meta: CheckMeta, intervalS: number, lastReceivedMs: number, quiet: boolean): void {
      watched.set(key(meta.agentId, meta.checkId), { meta, intervalMs: intervalS * 1000, lastReceivedMs, quiet });
    },
  };
}
export type LivenessMonitor = ReturnType<typeof createLivenessMonitor>;

/**
 * Seeds liveness from the database: offline agents and checks already UNKNOWN by liveness stay quiet. Silence
 * clocks start at `startedAtMs` at the earliest (the collector heard nothing while it was down).
 */
export async function restoreLiveness(
  q: Q,
  liveness: ReturnType<typeof createLivenessMonitor>,
  checks: ChecksRepo,
  agents: AgentsRepo,
  intervals: IntervalsRepo,
  startedAtMs = 0,
): Promise<void> {
  const offline = new Set((await agents.list(q)).filter((a) => !a.online && a.statusAtMs !== null).map((a) => a.agentId));
  // Only a bad interval can be quiet (ok comes from results): the few open not ok, not every check's (issue 13).
  const open = new Map((await intervals.openNotOk(q)).map((i) => [`${i.agentId}\u0000${i.checkId}`, i]));
  for (const row of await checks.all(q)) {
    const current = open.get(`${row.agentId}\u0000${row.checkId}`);
    const quiet = offline.has(row.agentId) || (current !== undefined && current.cause !== 'result');
    liveness.restore({ agentId: row.agentId, checkId: row.checkId, checkType: row.checkType, target: row.target }, row.intervalS, Math.max(row.lastReceivedMs, startedAtMs), quiet);
  }
}
