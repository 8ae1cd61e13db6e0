/**
 * GET /api/v1/availability — availability of one subject: `target=`, `group=`, `service=` or `check=` (with `target=`
 * and optionally `agent_id=`), over `from`/`to` (epoch ms or ISO 8601; default the last 30 days) or a calendar month
 * `period=YYYY-MM` in the contract's time zone. Viewer. JSON fields snake_case, durations in seconds.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AvailabilityResult, AvailabilityService, SubjectKind } from '../sla-service/availability-service.js';
import { AvailabilityError } from '../sla-service/availability-service.js';
import { HttpError, validate } from './errors.js';
import { agentIdParam, timeParam } from './params.js';
import { PERIOD_FORMAT, PERIOD_PATTERN } from '../sla/availability.js';

const name = z.string().min(1).max(200);
const querySchema = z
  .strictObject({
    target: name.optional(),
    group: name.optional(),
    service: name.optional(),
    check: name.optional(),
    agent_id: agentIdParam.optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    period: z.string().regex(PERIOD_PATTERN, `expected ${PERIOD_FORMAT}`).optional(),
  })
  .superRefine((q, ctx) => {
    const subjects = [q.group, q.service, q.check ?? q.target].filter((v) => v !== undefined).length;
    if (subjects !== 1) ctx.addIssue({ code: 'custom', path: ['target'], message: 'give exactly one of target, group, service or check (check needs target too)' });
    if (q.check !== undefined && q.target === undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: 'check needs its target' });
    if (q.period !== undefined && (q.from !== undefined || q.to !== undefined)) ctx.addIssue({ code: 'custom', path: ['period'], message: 'give period or from/to, not both' });
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    if (q.agent_id !== undefined && q.check === undefined) ctx.addIssue({ code: 'custom', path: ['agent_id'], message: 'agent_id only applies to check' });
  });

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const iso = (ms: number) => new Date(ms).toISOString();

export function availabilityJson(result: AvailabilityResult) {
  const r = result.report;
  return {
    subject: result.subject,
    contract: result.contract,
    policy: result.policy,
    calendar: result.calendar,
    time_zone: result.timeZone,
    rule: result.rule,
    members: result.members,
    from: iso(r.fromMs),
    to: iso(r.toMs),
    availability_percent: r.availabilityPercent,
    target_percent: r.targetPercent,
    target_met: r.targetMet,
    scheduled_s: seconds(r.scheduledMs),
    up_s: seconds(r.upMs),
    down_s: seconds(r.downMs),
    unknown_s: seconds(r.unknownMs),
    maintenance_s: seconds(r.maintenanceMs),
    measured_s: seconds(r.measuredMs),
    downtime_ms: Math.round(r.downMs),
    allowed_downtime_s: seconds(r.allowedDowntimeMs),
    error_budget_left_s: seconds(r.errorBudgetLeftMs),
    error_budget_left_percent: r.errorBudgetLeftPercent,
    coverage: r.coverage,
    outage_count: r.outageCount,
    mttr_s: seconds(r.mttrMs),
    mtbf_s: seconds(r.mtbfMs),
    outages: result.outages.map((o) => ({
      start: iso(o.startMs),
      end: iso(o.endMs),
      ongoing: o.ongoing,
      duration_s: seconds(o.durationMs),
      downtime_s: seconds(o.downtimeMs),
      maintenance_s: seconds(o.maintenanceMs),
      causes: o.causes,
    })),
  };
}

export function createAvailabilityRouter(deps: { availability: AvailabilityService; now: () => number }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = validate(querySchema, req.query, 'query');
    const kind: SubjectKind = q.group !== undefined ? 'group' : q.service !== undefined ? 'service' : q.check !== undefined ? 'check' : 'target';
    const subject = q.group ?? q.service ?? (q.check !== undefined ? `${q.target}/${q.check}` : (q.target as string));
    let result: AvailabilityResult;
    try {
      const range = q.period !== undefined ? await deps.availability.periodRange(kind, subject, q.period) : null;
      const to = range?.toMs ?? q.to ?? deps.now();
      const from = range?.fromMs ?? q.from ?? to - 30 * 86_400_000;
      if (kind === 'target') result = await deps.availability.forTarget(subject, from, to);
      else if (kind === 'group') result = await deps.availability.forGroup(subject, from, to);
      else if (kind === 'service') result = await deps.availability.forService(subject, from, to);
      else result = await deps.availability.forCheck(q.agent_id, q.target as string, q.check as string, from, to);
    } catch (error) {
      if (error instanceof AvailabilityError) {
        throw new HttpError(error.code === 'not_found' ? 404 : 400, error.message, error.code === 'invalid' ? [{ field: 'query', message: error.message }] : []);
      }
      throw error;
    }
    res.json(availabilityJson(result));
  });
  return router;
}
