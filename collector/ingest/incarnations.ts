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
import type { AgentsRepo } from '../store/sql/agents-repo.js';
import type { SeqMarksRepo } from '../store/sql/seq-marks.js';
import type { Q } from '../store/sql/sql-helpers.js';

const CONFLICT_NOTICE_EVERY_MS = 600_000;

export type IncarnationClass = 'same' | 'new' | 'superseded';

export interface IncarnationDeps {
  agents: Pick<AgentsRepo, 'incarnations' | 'setIncarnation'>;
  seqMarks: Pick<SeqMarksRepo, 'knows'>;
  metrics: Pick<CollectorMetrics, 'agentIdConflicts' | 'newIncarnations'>;
  logger: Logger;
  warn(key: string, obj: object, msg: string): void;
  /** Puts a collector-side event on the agent's timeline (inside the same transaction). */
  notice?(q: Q, agentId: string, kind: string, message: string, data: Record<string, string | number | boolean | null>, atMs: number): Promise<void> | void;
}

export function createIncarnationTracker(deps: IncarnationDeps) {
  const current = new Map<string, string | null>();
  const lastConflictNotice = new Map<string, number>();

  async function currentOf(q: Q, agentId: string): Promise<string | null> {
    let value = current.get(agentId);
    if (value === undefined) {
      value = (await deps.agents.incarnations(q, [agentId])).get(agentId) ?? null;
      current.set(agentId, value);
    }
    return value;
  }

  return {
    /** Caches the current incarnation of these agents in a few statements (a batch's, before `classify` asks one by one). */
    async prefetch(q: Q, agentIds: Iterable<string>): Promise<void> {
      const missing = [...new Set(agentIds)].filter((id) => !current.has(id));
      if (missing.length === 0) return;
      const found = await deps.agents.incarnations(q, missing);
      for (const id of missing) current.set(id, found.get(id) ?? null);
    },

    /** Before the seq dedupe: is this the agent's current incarnation, a new one, or one it already left? */
    async classify(q: Q, agentId: string, incarnation: string): Promise<IncarnationClass> {
      if ((await currentOf(q, agentId)) === incarnation) return 'same';
      return (await deps.seqMarks.knows(q, agentId, incarnation)) ? 'superseded' : 'new';
    },

    /** After the dedupe accepted a message of a `new` or `superseded` incarnation. */
    async accepted(q: Q, agentId: string, incarnation: string, cls: IncarnationClass, atMs: number): Promise<void> {
      if (cls === 'same') return;
      const previous = await currentOf(q, agentId);
      if (cls === 'new') {
        if (previous === incarnation) return; // a second message of the same batch
        current.set(agentId, incarnation);
        await deps.agents.setIncarnation(q, agentId, incarnation, atMs);
        deps.metrics.newIncarnations.inc();
        if (previous === null) {
          deps.logger.info({ agent_id: agentId, incarnation }, 'agent sends seq incarnations');
          return;
        }
        deps.logger.info({ agent_id: agentId, incarnation, previous_incarnation: previous }, 'agent started with a new state (re-installed or state_dir wiped): new incarnation accepted at once');
        await deps.notice?.(
          q,
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
      await deps.notice?.(
        q,
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
      lastConflictNotice.clear();
    },
  };
}
export type IncarnationTracker = ReturnType<typeof createIncarnationTracker>;
