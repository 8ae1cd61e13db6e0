/**
 * Seq incarnations per agent (inside the ingest transaction). An agent's state (seq file) gets a new incarnation
 * when it is created; the collector dedupes per (agent, incarnation), so:
 * - an unknown incarnation is a fresh start (re-install, wiped state_dir): accepted at once, logged, and put on the
 *   agent's timeline (agent event `agent_new_incarnation`);
 * - a message of an incarnation that was already superseded, with a seq never seen, means two running agents use
 *   the same id: counted (`outpost_agent_id_conflicts_total`), warned, and put on the timeline (`agent_id_conflict`,
 *   at most every 10 minutes per agent) instead of being silently interleaved.
 * Agents without an incarnation keep per-agent seq marks, as before.
 */
import type { Logger } from '../../common/logger.js';
import type { CollectorMetrics } from '../metrics.js';
import type { AgentsStore } from '../store/agents-store.js';
import type { SeqMarks } from '../store/seq-marks.js';

const CONFLICT_NOTICE_EVERY_MS = 600_000;

export type IncarnationClass = 'same' | 'new' | 'superseded';

export interface IncarnationDeps {
  agents: Pick<AgentsStore, 'incarnation' | 'setIncarnation'>;
  seqMarks: Pick<SeqMarks, 'knows'>;
  metrics: Pick<CollectorMetrics, 'agentIdConflicts' | 'newIncarnations'>;
  logger: Logger;
  warn(key: string, obj: object, msg: string): void;
  /** Puts a collector-side event on the agent's timeline (inside the same transaction). */
  notice?(agentId: string, kind: string, message: string, data: Record<string, string | number | boolean | null>, atMs: number): void;
}

export function createIncarnationTracker(deps: IncarnationDeps) {
  const current = new Map<string, string | null>();
  const lastConflictNotice = new Map<string, number>();

  function currentOf(agentId: string): string | null {
    let value = current.get(agentId);
    if (value === undefined) {
      value = deps.agents.incarnation(agentId);
      current.set(agentId, value);
    }
    return value;
  }

  return {
    /** Before the seq dedupe: is this the agent's current incarnation, a new one, or one it already left? */
    classify(agentId: string, incarnation: string): IncarnationClass {
      if (currentOf(agentId) === incarnation) return 'same';
      return deps.seqMarks.knows(agentId, incarnation) ? 'superseded' : 'new';
    },

    /** After the dedupe accepted a message of a `new` or `superseded` incarnation. */
    accepted(agentId: string, incarnation: string, cls: IncarnationClass, atMs: number): void {
      if (cls === 'same') return;
      const previous = currentOf(agentId);
      if (cls === 'new') {
        if (previous === incarnation) return; // a second message of the same batch
        current.set(agentId, incarnation);
        deps.agents.setIncarnation(agentId, incarnation, atMs);
        deps.metrics.newIncarnations.inc();
        if (previous === null) {
          deps.logger.info({ agent_id: agentId, incarnation }, 'agent sends seq incarnations');
          return;
        }
        deps.logger.info({ agent_id: agentId, incarnation, previous_incarnation: previous }, 'agent started with a new state (re-installed or state_dir wiped): new incarnation accepted at once');
        deps.notice?.(
          agentId,
          'agent_new_incarnation',
          `agent ${agentId} started with a new state (re-installed, or its state_dir was wiped): incarnation ${incarnation} replaces ${previous}; its seq starts again`,
          { incarnation, previous_incarnation: previous },
          atMs,
        );
        return;
      }
      deps.metrics.agentIdConflicts.inc({ agent_id: agentId });
      deps.warn(`id-conflict:${agentId}`, { agent_id: agentId, incarnation, current_incarnation: previous }, 'two running agents publish with the same agent id (different incarnations): give each its own id');
      const last = lastConflictNotice.get(agentId) ?? Number.NEGATIVE_INFINITY;
      if (atMs - last < CONFLICT_NOTICE_EVERY_MS) return;
      lastConflictNotice.set(agentId, atMs);
      deps.notice?.(
        agentId,
        'agent_id_conflict',
        `two running agents publish as ${agentId} (incarnations ${incarnation} and ${previous ?? 'unknown'}): their results interleave; give each agent its own id`,
        { incarnation, current_incarnation: previous },
        atMs,
      );
    },

    /** After a rolled-back transaction. */
    resetCache(): void {
      current.clear();
    },
  };
}
export type IncarnationTracker = ReturnType<typeof createIncarnationTracker>;
