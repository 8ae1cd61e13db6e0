/**
 * GET /api/v1/checks/:agent/:check/samples?from=&to= (viewer): the stored result samples of one check (one per
 * sample period, kept for inspection trends by collector/reports), oldest first — the console's sparklines.
 * Default window: the last 24 h.
 */
import { Router } from 'express';
import { z } from 'zod';
import { createReportStore } from '../reports/store.js';
import type { SqlStore } from '../store/sql/connect.js';
import { validate } from './errors.js';
import { timeParam } from './params.js';

const paramsSchema = z.strictObject({ agent: z.string().min(1).max(200), check: z.string().min(1).max(200) });
const querySchema = z.strictObject({ from: timeParam.optional(), to: timeParam.optional() });

export function createSamplesRouter(deps: { store: SqlStore; now: () => number }): Router {
  const samples = createReportStore();
  const router = Router();
  router.get('/:agent/:check/samples', async (req, res) => {
    const p = validate(paramsSchema, req.params, 'params');
    const q = validate(querySchema, req.query, 'query');
    const toMs = q.to ?? deps.now();
    const fromMs = q.from ?? toMs - 86_400_000;
    const rows = await samples.history(deps.store.db, p.agent, p.check, fromMs, toMs);
    res.json({ agent_id: p.agent, check_id: p.check, from_ms: fromMs, to_ms: toMs, samples: rows.map((s) => ({ at_ms: s.observedMs, state: s.state, metrics: s.metrics })) });
  });
  return router;
}
