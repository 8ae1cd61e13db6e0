/**
 * /api/v1/maintenance — maintenance windows: GET list (viewer; `include_deleted=true` shows deleted ones for audit)
 * and one; POST (admin) a one-off `{start, end}` or recurring `{rrule | cron, duration}` window scoped to targets /
 * groups (neither = everything) with a reason; DELETE (admin) marks it deleted (kept with who/when). A window that
 * began in the past must say `retroactive: true`: it reclassifies past outages and is recorded as such.
 * Config windows (`sla.maintenance`) are listed with `source: "config"` and cannot be deleted here.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import type { MaintenanceSchedule, SlaSetup } from '../sla/index.js';
import { validateSchedule } from '../sla/maintenance.js';
import { isValidTimeZone } from '../sla/zoned-time.js';
import type { MaintenanceStore, StoredMaintenance } from '../sla-service/maintenance-store.js';
import type { ApiRole } from '../config.js';
import type { SqlStore } from '../store/sql/connect.js';
import { HttpError, validate } from './errors.js';
import { timeParam } from './params.js';

/** A window may start this much before "now" without being retroactive (clock differences, slow typing). */
const RETROACTIVE_GRACE_MS = 5 * 60_000;

const names = z.array(z.string().min(1).max(200)).max(1000).default([]);
const instant = z.union([z.number().int().min(0), timeParam]);
const createSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    reason: z.string().trim().min(1, 'reason is required').max(2000),
    targets: names,
    groups: names,
    start: instant.optional(),
    end: instant.optional(),
    rrule: z.string().min(1).max(2000).optional(),
    cron: z.string().min(1).max(200).optional(),
    duration: durationSchema({ min: '1m', max: '31d' }).optional(),
    timezone: z.string().refine(isValidTimeZone, { message: 'unknown time zone (use an IANA name such as Asia/Shanghai)' }).default('Asia/Shanghai'),
    retroactive: z.boolean().default(false),
    by: z.string().trim().min(1).max(100).optional(),
  })
  .superRefine((m, ctx) => {
    const kinds = [m.start !== undefined || m.end !== undefined, m.rrule !== undefined, m.cron !== undefined].filter(Boolean).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', path: ['start'], message: 'give exactly one of start/end, rrule or cron' });
    if ((m.start === undefined) !== (m.end === undefined)) ctx.addIssue({ code: 'custom', path: [m.start === undefined ? 'start' : 'end'], message: 'a one-off window needs both start and end' });
    if (m.start !== undefined && m.end !== undefined && m.end <= m.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    if ((m.rrule !== undefined || m.cron !== undefined) && m.duration === undefined) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a recurring window needs a duration' });
    if (m.rrule !== undefined || m.cron !== undefined) {
      const problem = validateSchedule(scheduleOf({ ...m, duration: m.duration ?? 60_000 }));
      if (problem) ctx.addIssue({ code: 'custom', path: [m.rrule !== undefined ? 'rrule' : 'cron'], message: problem });
    }
  });
type CreateBody = z.output<typeof createSchema>;

const idSchema = z.strictObject({ id: z.coerce.number().int().min(1) });
const listSchema = z.strictObject({ include_deleted: z.enum(['true', 'false']).optional() });
const deleteSchema = z.strictObject({ by: z.string().trim().min(1).max(100).optional() });

function scheduleOf(m: Pick<CreateBody, 'start' | 'end' | 'rrule' | 'cron' | 'duration' | 'timezone'>): MaintenanceSchedule {
  if (m.rrule !== undefined) return { kind: 'rrule', rule: m.rrule, durationMs: m.duration ?? 0, timeZone: m.timezone };
  if (m.cron !== undefined) return { kind: 'cron', pattern: m.cron, durationMs: m.duration ?? 0, timeZone: m.timezone };
  return { kind: 'once', startMs: m.start ?? 0, endMs: m.end ?? 0 };
}

function scheduleJson(s: MaintenanceSchedule) {
  if (s.kind === 'once') return { kind: s.kind, start: new Date(s.startMs).toISOString(), end: new Date(s.endMs).toISOString() };
  return { kind: s.kind, ...(s.kind === 'rrule' ? { rrule: s.rule } : { cron: s.pattern }), duration_s: Math.round(s.durationMs / 1000), timezone: s.timeZone };
}

export function maintenanceJson(m: StoredMaintenance) {
  return {
    id: m.id,
    source: 'api' as const,
    name: m.name,
    reason: m.reason,
    targets: m.targets,
    groups: m.groups,
    ...scheduleJson(m.schedule),
    retroactive: m.retroactive,
    created_by: m.createdBy,
    created_at: new Date(m.createdAtMs).toISOString(),
    deleted_by: m.deletedBy,
    deleted_at: m.deletedAtMs === null ? null : new Date(m.deletedAtMs).toISOString(),
  };
}

export interface MaintenanceRouterDeps {
  store: SqlStore;
  /** The maintenance_windows table (sla-service/maintenance-store.ts), asked with `store.db`. */
  maintenance: MaintenanceStore;
  /** The SLA setup in force (asked per request: a reload swaps it). */
  setup: () => SlaSetup;
  now: () => number;
  requireRole: (role: ApiRole) => RequestHandler;
  /** Re-evaluates SLA timers after a change (a window can move when an incident's clocks start). */
  changed: () => void | Promise<void>;
}

const callerName = (res: Response): string | undefined => (res.locals.caller as { name?: string } | undefined)?.name;

export function createMaintenanceRouter(deps: MaintenanceRouterDeps): Router {
  const { maintenance, requireRole } = deps;
  const router = Router();

  const q = deps.store.db;

  router.get('/', requireRole('viewer'), async (req, res) => {
    const query = validate(listSchema, req.query, 'query');
    const fromConfig = deps.setup().maintenance.map((w) => ({ id: null, source: 'config' as const, name: w.name, reason: null, targets: w.targets, groups: w.groups, ...scheduleJson(w.schedule) }));
    res.json({ items: [...fromConfig, ...(await maintenance.list(q, query.include_deleted === 'true')).map(maintenanceJson)] });
  });

  router.get('/:id', requireRole('viewer'), async (req, res) => {
    const { id } = validate(idSchema, req.params, 'params');
    const found = await maintenance.get(q, id);
    if (!found) throw new HttpError(404, `maintenance window ${id} not found`);
    res.json(maintenanceJson(found));
  });

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = validate(createSchema, req.body ?? {}, 'body');
    const nowMs = deps.now();
    const schedule = scheduleOf(body);
    const past = schedule.kind === 'once' && schedule.startMs < nowMs - RETROACTIVE_GRACE_MS;
    if (past && !body.retroactive) {
      throw new HttpError(400, 'invalid body', [{ field: 'body.retroactive', message: 'the window began in the past: set retroactive: true to reclassify past outages' }]);
    }
    if (body.retroactive && !past) throw new HttpError(400, 'invalid body', [{ field: 'body.retroactive', message: 'only a one-off window that began in the past is retroactive' }]);
    const createdBy = body.by ?? callerName(res) ?? 'unknown';
    const created = await maintenance.add(q, { name: body.name, reason: body.reason, targets: body.targets, groups: body.groups, schedule, retroactive: body.retroactive, createdBy, createdAtMs: nowMs });
    await deps.changed();
    res.status(201).json(maintenanceJson(created));
  });

  router.delete('/:id', requireRole('admin'), async (req, res) => {
    const { id } = validate(idSchema, req.params, 'params');
    const body = validate(deleteSchema, req.body ?? {}, 'body');
    const found = await maintenance.get(q, id);
    if (!found) throw new HttpError(404, `maintenance window ${id} not found`);
    if (!(await maintenance.remove(q, id, body.by ?? callerName(res) ?? 'unknown', deps.now()))) throw new HttpError(409, `maintenance window ${id} is already deleted`);
    await deps.changed();
    res.json(maintenanceJson((await maintenance.get(q, id)) as StoredMaintenance));
  });

  return router;
}
