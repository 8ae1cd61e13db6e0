/** GET /api/v1/states?target=&from=&to=: state intervals overlapping a window, optionally for one target. */
import { Router } from 'express';
import { z } from 'zod';
import type { SqlStore } from '../store/sql/connect.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';
import { validate } from './errors.js';
import { timeParam } from './params.js';
import { presentInterval } from './checks.js';

export function createStatesRouter(deps: { store: SqlStore; intervals: IntervalsRepo; now: () => number }): Router {
  const router = Router();
  const querySchema = z
    .strictObject({ target: z.string().min(1).max(200).optional(), from: timeParam.optional(), to: timeParam.optional() })
    .transform((q) => {
      const to = q.to ?? deps.now();
      return { target: q.target, from: q.from ?? to - 86_400_000, to };
    })
    .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });
  router.get('/', async (req, res) => {
    const q = validate(querySchema, req.query, 'query');
    const rows = q.target ? await deps.intervals.byTarget(deps.store.db, q.target, q.from, q.to) : await deps.intervals.all(deps.store.db, q.from, q.to);
    res.json({ target: q.target ?? null, from_ms: q.from, to_ms: q.to, intervals: rows.map(presentInterval) });
  });
  return router;
}
