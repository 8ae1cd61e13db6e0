/**
 * /api/v1/incidents — list, show (with timeline), manual tickets and the people's lifecycle actions.
 * Closing may record the customer's evaluation (score 0–100, comment, evaluator); /evaluate records it later, on
 * a resolved or closed incident (a second one replaces the first, with an `evaluation_replaced` timeline entry).
 * Reading needs viewer, every POST needs operator. Errors as {"error","details"}: 400 invalid input (each bad
 * field named), 404 unknown number, 409 illegal transition. JSON fields are snake_case.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { SEVERITIES, SEVERITY_LABEL_ZH, type Severity } from '../events.js';
import { INCIDENT_STATUSES } from '../incidents/lifecycle.js';
import { CONTRACT_TIME_ZONE, INCIDENT_NUMBER_PATTERN } from '../incidents/numbering.js';
import { localized } from '../incidents/texts.js';
import { LANGS, type Lang } from '../../common/humanize.js';
import { IncidentError, type IncidentDetail, type IncidentRecord, type IncidentService, type TimelineEntry } from '../incidents/service.js';
import { HttpError, validate } from './errors.js';
import { timeParam } from './params.js';

export type IncidentsRole = 'viewer' | 'operator' | 'admin';

export interface IncidentsRouterDeps {
  /** The one incident service, shared with the ingest path (state changes) and the dispatcher (deliveries). */
  incidents: IncidentService;
  /** Role guard (collector/api/auth.ts `requireRole`). */
  requireRole: (role: IncidentsRole) => RequestHandler;
  logger: Logger;
  /** Name of the authenticated caller; by default `res.locals.caller.name` as set by collector/api/auth.ts. */
  actorOf?: (res: Response) => string | undefined;
  /** SLA timers of an incident (collector/sla-service), shown as `sla` in list and show when present. */
  slaOf?: (record: IncidentRecord) => unknown;
  /** The collector's time zone (config `timezone`), sent as `time_zone` so clients show local times. */
  timeZone?: string;
  /** The collector's language (config `lang`): titles and notes are rendered in it unless the request asks `?lang=`. */
  lang?: Lang;
}

/** How titles and timeline notes are rendered for one request. */
export interface Reader {
  lang: Lang;
  timeZone: string;
}

const DEFAULT_READER: Reader = { lang: 'zh-CN', timeZone: CONTRACT_TIME_ZONE };

const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

/** `a,b` or a repeated parameter, split into a list of values. */
const csvList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean));

const listQuerySchema = z
  .strictObject({
    status: csvList.pipe(z.array(z.enum(INCIDENT_STATUSES))).optional(),
    severity: csvList.pipe(z.array(severitySchema)).optional(),
    target: z.string().min(1).max(200).optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
    lang: z.enum(LANGS).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] });

const byField = z.string().trim().min(1).max(100).optional();
const manualSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  severity: severitySchema,
  description: z.string().max(10_000).optional(),
  target: z.string().min(1).max(200).optional(),
  check_id: z.string().min(1).max(200).optional(),
  reporter: z.string().trim().min(1).max(200).optional(),
  started_at: z.union([z.number().int().min(0), timeParam]).optional(),
  by: byField,
});
const noteOptional = z.strictObject({ by: byField, note: z.string().trim().min(1).max(10_000).optional() });
/** Closing may record the customer's evaluation (seed 002 服务评价): score 0–100, comment, who gave it. */
const closeSchema = z
  .strictObject({
    by: byField,
    note: z.string().trim().min(1).max(10_000).optional(),
    score: z.number().int('score must be a whole number 0-100').min(0, 'score must be 0-100').max(100, 'score must be 0-100').optional(),
    comment: z.string().trim().min(1).max(5_000).optional(),
    evaluator: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((b, ctx) => {
    for (const key of ['comment', 'evaluator'] as const) {
      if (b[key] !== undefined && b.score === undefined) ctx.addIssue({ code: 'custom', path: ['score'], message: `score is required with ${key}` });
    }
  });
const scoreField = z
  .number({ error: (issue) => (issue.input === undefined ? 'score is required' : 'score must be a whole number 0-100') })
  .int('score must be a whole number 0-100')
  .min(0, 'score must be 0-100')
  .max(100, 'score must be 0-100');
/** The customer's evaluation after the fact: `evaluator` is the customer's representative who gave it, `by` who enters it. */
const evaluateSchema = z.strictObject({
  by: byField,
  score: scoreField,
  evaluator: z.string({ error: 'evaluator is required (who gave the evaluation)' }).trim().min(1, 'evaluator is required (who gave the evaluation)').max(200),
  comment: z.string().trim().min(1).max(5_000).optional(),
});
const resolveSchema = z.strictObject({
  by: byField,
  cause: z.string().trim().min(1, 'cause is required').max(5_000),
  resolution: z.string().trim().min(1, 'resolution is required').max(10_000),
});
const noteSchema = z.strictObject({ by: byField, text: z.string().trim().min(1, 'text is required').max(10_000) });
const numberSchema = z.strictObject({ number: z.string().regex(INCIDENT_NUMBER_PATTERN, 'expected INC-YYYYMMDD-NNNN') });

/**
 * An incident as JSON. `title` is rendered in the reader's language from `title_code` + `title_params` (kept beside
 * it for clients that render themselves); a person's title, or one older than codes, is shown as stored.
 */
export function incidentJson(record: IncidentRecord, reader: Reader = DEFAULT_READER) {
  return {
    id: record.id,
    number: record.number,
    title: localized(record.title, record.titleCode, record.titleParams, reader.lang, reader.timeZone) ?? record.title,
    title_code: record.titleCode,
    title_params: record.titleParams,
    description: record.description,
    severity: record.severity,
    severity_label: SEVERITY_LABEL_ZH[record.severity],
    status: record.status,
    source: record.source,
    agent_id: record.agentId,
    target: record.target,
    check_id: record.checkId,
    check_type: record.checkType,
    last_state: record.lastState,
    is_host: record.isHost,
    auto_resolve: record.autoResolve,
    rule: record.rule,
    parent_id: record.parentId,
    sla_policy: record.slaPolicy,
    reporter: record.reporter,
    started_at_ms: record.startedAtMs,
    opened_at_ms: record.openedAtMs,
    acknowledged_at_ms: record.acknowledgedAtMs,
    acknowledged_by: record.acknowledgedBy,
    resolved_at_ms: record.resolvedAtMs,
    resolved_by: record.resolvedBy,
    cause: record.cause,
    resolution: record.resolution,
    closed_at_ms: record.closedAtMs,
    closed_by: record.closedBy,
    updated_at_ms: record.updatedAtMs,
  };
}

/** A timeline entry: `note` rendered in the reader's language when the collector wrote it (code + params beside). */
function timelineJson(entry: TimelineEntry, reader: Reader) {
  return {
    at_ms: entry.atMs,
    actor: entry.actor,
    kind: entry.kind,
    note: localized(entry.note, entry.noteCode, entry.noteParams, reader.lang, reader.timeZone),
    note_code: entry.noteCode ?? null,
    note_params: entry.noteParams ?? null,
    data: entry.data,
  };
}

export function incidentDetailJson(detail: IncidentDetail, reader: Reader = DEFAULT_READER) {
  const e = detail.evaluation;
  const evaluation = e && { score: e.score, comment: e.comment, evaluator: e.evaluator, at_ms: e.atMs, recorded_by: e.recordedBy };
  return { ...incidentJson(detail, reader), parent_number: detail.parentNumber, children: detail.children, timeline: detail.timeline.map((t) => timelineJson(t, reader)), evaluation };
}

const defaultActorOf = (res: Response): string | undefined => (res.locals.caller as { name?: string } | undefined)?.name;

export function createIncidentsRouter(deps: IncidentsRouterDeps): Router {
  const { incidents, requireRole } = deps;
  const actorOf = deps.actorOf ?? defaultActorOf;
  const logger = deps.logger.child({ component: 'api.incidents' });
  const router = Router();
  const zone = deps.timeZone ? { time_zone: deps.timeZone } : {};
  const withSla = async <T extends object>(json: T, record: IncidentRecord): Promise<T> => (deps.slaOf ? { ...json, sla: await deps.slaOf(record) } : json);

  /** The person acting: `by` in the body (a named user behind a shared token) or the token's own name. */
  function actor(by: string | undefined, res: Response): string {
    const name = by ?? actorOf(res);
    if (!name) throw new HttpError(400, 'invalid body', [{ field: 'body.by', message: 'name the person acting (by)' }]);
    return name;
  }

  /** Runs a person's action; service errors become 404 / 409. */
  async function guarded(action: string, number: string, who: string, work: () => unknown): Promise<void> {
    try {
      await work();
      logger.info({ number, action, actor: who }, 'incident action');
    } catch (error) {
      if (error instanceof IncidentError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.message);
      throw error;
    }
  }

  const defaultReader: Reader = { lang: deps.lang ?? 'zh-CN', timeZone: deps.timeZone ?? CONTRACT_TIME_ZONE };
  /** `?lang=zh-CN|en` of the request; the collector's language otherwise (an unknown value is a 400 on GET lists). */
  function readerOf(req: Request): Reader {
    const lang = (req.query as Record<string, unknown>).lang;
    return lang === 'zh-CN' || lang === 'en' ? { ...defaultReader, lang } : defaultReader;
  }

  async function detailOf(number: string, reader: Reader) {
    const detail = await incidents.get(number);
    if (!detail) throw new HttpError(404, `incident ${number} not found`);
    return { ...(await withSla(incidentDetailJson(detail, reader), detail)), ...zone };
  }

  router.get('/', requireRole('viewer'), async (req, res) => {
    const q = validate(listQuerySchema, req.query, 'query');
    const { items, total } = await incidents.list({
      status: q.status,
      severity: q.severity,
      target: q.target,
      fromMs: q.from,
      toMs: q.to,
      limit: q.limit,
      offset: q.offset,
    });
    const reader = q.lang ? { ...defaultReader, lang: q.lang } : defaultReader;
    // One at a time: each SLA block may read the store, and a page of 500 must not take every connection at once.
    const shown = [];
    for (const r of items) shown.push(await withSla(incidentJson(r, reader), r));
    res.json({ items: shown, total, limit: q.limit, offset: q.offset, ...zone });
  });

  router.get('/:number', requireRole('viewer'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    res.json(await detailOf(number, readerOf(req)));
  });

  router.post('/', requireRole('operator'), async (req, res) => {
    const body = validate(manualSchema, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    const record = await incidents.createManual(
      {
        title: body.title,
        severity: body.severity,
        description: body.description,
        target: body.target,
        checkId: body.check_id,
        reporter: body.reporter,
        startedAtMs: body.started_at,
      },
      who,
    );
    logger.info({ number: record.number, action: 'create', actor: who }, 'incident action');
    res.status(201).json(await detailOf(record.number, readerOf(req)));
  });

  router.post('/:number/ack', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(noteOptional, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    await guarded('acknowledge', number, who, () => incidents.acknowledge(number, who, body.note));
    res.json(await detailOf(number, readerOf(req)));
  });

  router.post('/:number/resolve', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(resolveSchema, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    await guarded('resolve', number, who, () => incidents.resolve(number, who, body.cause, body.resolution));
    res.json(await detailOf(number, readerOf(req)));
  });

  router.post('/:number/note', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(noteSchema, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    await guarded('note', number, who, () => incidents.addNote(number, who, body.text));
    res.status(201).json(await detailOf(number, readerOf(req)));
  });

  router.post('/:number/close', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(closeSchema, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    const evaluation = body.score === undefined ? undefined : { score: body.score, comment: body.comment, evaluator: body.evaluator };
    await guarded('close', number, who, () => incidents.close(number, who, body.note, evaluation));
    res.json(await detailOf(number, readerOf(req)));
  });

  router.post('/:number/evaluate', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(evaluateSchema, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    await guarded('evaluate', number, who, () => incidents.evaluate(number, who, { score: body.score, comment: body.comment, evaluator: body.evaluator }));
    res.json(await detailOf(number, readerOf(req)));
  });

  router.post('/:number/reopen', requireRole('operator'), async (req, res) => {
    const { number } = validate(numberSchema, req.params, 'params');
    const body = validate(noteOptional, req.body ?? {}, 'body');
    const who = actor(body.by, res);
    await guarded('reopen', number, who, () => incidents.reopen(number, who, body.note));
    res.json(await detailOf(number, readerOf(req)));
  });

  return router;
}
