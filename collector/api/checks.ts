/** GET /api/v1/checks (current state, since, last result) and /api/v1/checks/:agent/:check/history. */
import { Router } from 'express';
import { z } from 'zod';
import type { SqlStore } from '../store/sql/connect.js';
import type { CheckRow, ChecksRepo } from '../store/sql/checks-repo.js';
import type { IntervalsRepo, StateInterval } from '../store/sql/intervals-repo.js';
import { HttpError, validate } from './errors.js';
import { agentIdParam, windowQuery } from './params.js';

export function presentInterval(i: StateInterval) {
  return {
    agent_id: i.agentId,
    check_id: i.checkId,
    check_type: i.checkType,
    target: i.target,
    state: i.state,
    start_ms: i.startMs,
    end_ms: i.endMs,
    reason: i.reason,
    cause: i.cause,
  };
}

function presentCheck(row: CheckRow, open: StateInterval | undefined) {
  return {
    agent_id: row.agentId,
    check_id: row.checkId,
    check_type: row.checkType,
    target: row.target,
    interval_s: row.intervalS,
    state: open?.state ?? null,
    since_ms: open?.startMs ?? null,
    reason: open?.reason ?? null,
    cause: open?.cause ?? null,
    last_result: {
      state: row.lastState,
      message: row.lastMessage,
      observed_at_ms: row.lastObservedMs,
      received_at_ms: row.lastReceivedMs,
      metrics: row.lastMetrics,
    },
  };
}

export function createChecksRouter(deps: { store: SqlStore; checks: ChecksRepo; intervals: IntervalsRepo; now: () => number }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = validate(
      z.strictObject({ agent: agentIdParam.optional(), target: z.string().min(1).optional(), state: z.enum(['ok', 'warn', 'crit', 'unknown']).optional() }),
      req.query,
      'query',
    );
    const open = new Map((await deps.intervals.openAll(deps.store.db)).map((i) => [`${i.agentId}\u0000${i.checkId}`, i]));
    const checks = (await deps.checks.all(deps.store.db))
      .filter((c) => (!q.agent || c.agentId === q.agent) && (!q.target || c.target === q.target))
      .map((c) => presentCheck(c, open.get(`${c.agentId}\u0000${c.checkId}`)))
      .filter((c) => !q.state || c.state === q.state);
    res.json({ checks });
  });
  router.get('/:agent/:check/history', async (req, res) => {
    const p = validate(z.strictObject({ agent: agentIdParam, check: z.string().min(1).max(200) }), req.params, 'params');
    const w = validate(windowQuery(deps.now), req.query, 'query');
    if (!(await deps.checks.get(deps.store.db, p.agent, p.check))) throw new HttpError(404, `check ${p.agent}/${p.check} not found`);
    const intervals = (await deps.intervals.history(deps.store.db, p.agent, p.check, w.from, w.to)).map(presentInterval);
    res.json({ agent_id: p.agent, check_id: p.check, from_ms: w.from, to_ms: w.to, intervals });
  });
  return router;
}
