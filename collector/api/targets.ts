/**
 * GET /api/v1/targets: every target with its checks' current states, the worst of them, and whether the target is in
 * a maintenance window now (one-off, recurring RRULE or cron, config or API: the SLA service's predicate).
 */
import { Router } from 'express';
import type { CheckState } from '../../common/protocol.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { ChecksRepo } from '../store/sql/checks-repo.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';

const SEVERITY: Record<CheckState, number> = { ok: 0, unknown: 1, warn: 2, crit: 3 };

export interface TargetsRouterDeps {
  store: SqlStore;
  checks: ChecksRepo;
  intervals: IntervalsRepo;
  now: () => number;
  /** Whether a target is in a maintenance window at an instant (SlaService.inMaintenance); false for all without. */
  inMaintenance?: (target: string, atMs: number) => boolean | Promise<boolean>;
}

export function createTargetsRouter(deps: TargetsRouterDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const nowMs = deps.now();
    const open = new Map((await deps.intervals.openAll(deps.store.db)).map((i) => [`${i.agentId}\u0000${i.checkId}`, i]));
    const targets = new Map<string, { target: string; agents: Set<string>; checks: Array<{ agent_id: string; check_id: string; state: CheckState | null }>; worst: CheckState | null }>();
    for (const c of await deps.checks.all(deps.store.db)) {
      const state = open.get(`${c.agentId}\u0000${c.checkId}`)?.state ?? null;
      let t = targets.get(c.target);
      if (!t) {
        t = { target: c.target, agents: new Set(), checks: [], worst: null };
        targets.set(c.target, t);
      }
      t.agents.add(c.agentId);
      t.checks.push({ agent_id: c.agentId, check_id: c.checkId, state });
      if (state && (t.worst === null || SEVERITY[state] > SEVERITY[t.worst])) t.worst = state;
    }
    const sorted = [...targets.values()].sort((a, b) => a.target.localeCompare(b.target));
    const shown = [];
    for (const t of sorted) {
      shown.push({ target: t.target, state: t.worst, maintenance: (await deps.inMaintenance?.(t.target, nowMs)) ?? false, agents: [...t.agents].sort(), checks: t.checks });
    }
    res.json({ targets: shown });
  });
  return router;
}
