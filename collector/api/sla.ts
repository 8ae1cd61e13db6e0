/**
 * /api/v1/sla/summary?period=YYYY-MM (viewer): per contract, availability of each member against its target and
 * incidents by severity with response/resolution compliance, MTTA and MTTR.
 * /api/v1/incidents/:number/pause {reason} and /resume (operator): stop and restart an incident's SLA clocks
 * (waiting on the customer or a vendor), audited on its timeline; /extend {for, approved_by, reason} (operator): more
 * resolution time with the customer's consent, for the severities the policy lists. All answer with the `sla` block.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { ApiRole } from '../config.js';
import { INCIDENT_NUMBER_PATTERN } from '../incidents/numbering.js';
import { getIncidentByNumber } from '../incidents/repository.js';
import { IncidentError } from '../incidents/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import { AvailabilityError } from '../sla-service/availability-service.js';
import type { IncidentTimers } from '../sla-service/incident-timers.js';
import type { Extensions } from '../sla-service/extensions.js';
import type { Pauses } from '../sla-service/pauses.js';
import { durationSchema } from '../../common/duration.js';
import type { SlaSummary } from '../sla-service/summary.js';
import { HttpError, validate } from './errors.js';
import { PERIOD_FORMAT, PERIOD_PATTERN } from '../sla/availability.js';

const summarySchema = z.strictObject({ period: z.string().regex(PERIOD_PATTERN, `expected ${PERIOD_FORMAT}`) });
const numberSchema = z.strictObject({ number: z.string().regex(INCIDENT_NUMBER_PATTERN, 'expected INC-YYYYMMDD-NNNN') });
const by = z.string().trim().min(1).max(100).optional();
const pauseSchema = z.strictObject({ reason: z.string().trim().min(1, 'reason is required (e.g. waiting on customer)').max(2000), by });
const extendSchema = z.strictObject({
  for: durationSchema({ min: '1m', max: '30d' }),
  approved_by: z.string().trim().min(1, 'approved_by is required: the customer representative who agreed').max(200),
  reason: z.string().trim().min(1, 'reason is required').max(2000),
  by,
});
const resumeSchema = z.strictObject({ note: z.string().trim().min(1).max(2000).optional(), by });

const callerName = (res: Response): string | undefined => (res.locals.caller as { name?: string } | undefined)?.name;

export function createSlaRouter(deps: { summary: SlaSummary }): Router {
  const router = Router();
  router.get('/summary', async (req, res) => {
    const { period } = validate(summarySchema, req.query, 'query');
    try {
      res.json(await deps.summary.forPeriod(period));
    } catch (error) {
      if (error instanceof AvailabilityError) throw new HttpError(400, error.message, [{ field: 'query.period', message: error.message }]);
      throw error;
    }
  });
  return router;
}

export interface IncidentPauseRouterDeps {
  store: SqlStore;
  pauses: Pauses;
  extensions: Extensions;
  timers: IncidentTimers;
  now: () => number;
  requireRole: (role: ApiRole) => RequestHandler;
}

export function createIncidentPauseRouter(deps: IncidentPauseRouterDeps): Router {
  const router = Router();

  async function act(res: Response, number: string, who: string | undefined, work: (actor: string) => unknown): Promise<void> {
    const actor = who ?? callerName(res);
    if (!actor) throw new HttpError(400, 'invalid body', [{ field: 'body.by', message: 'name the person acting (by)' }]);
    try {
      await work(actor);
    } catch (error) {
      if (error instanceof IncidentError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.message);
      throw error;
    }
    const record = await getIncidentByNumber(deps.store.db, number);
    if (!record) throw new HttpError(404, `incident ${number} not found`);
    res.json({ number, status: record.status, sla: await deps.timers.json(record, deps.now()) });
  }

  router.post('/:number/pause', deps.requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(pauseSchema, req.body ?? {}, 'body');
    await act(res, number, body.by, (actor) => deps.pauses.pause(number, actor, body.reason));
  });

  router.post('/:number/resume', deps.requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(resumeSchema, req.body ?? {}, 'body');
    await act(res, number, body.by, (actor) => deps.pauses.resume(number, actor, body.note));
  });

  /** Extends the resolution time with the customer's consent (policy `extensions`). */
  router.post('/:number/extend', deps.requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(extendSchema, req.body ?? {}, 'body');
    await act(res, number, body.by, (actor) => deps.extensions.extend(number, actor, { extendMs: body.for, approvedBy: body.approved_by, reason: body.reason }));
  });

  return router;
}
