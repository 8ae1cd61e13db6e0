/**
 * /api/v1/reports (viewer): GET /sla?period=YYYY-MM&contract=&format=&lang=, GET /inspection?date=YYYY-MM-DD&tz=&format=&lang=,
 * GET /fault/:number?format=&lang= (a preview: no GET writes anything); POST /fault/:number (operator) generates it and
 * records it as generated. JSON by default; pdf/xlsx/csv/html are sent as attachments with their content type.
 * POST /fault/:number/sent {by?, note?} (operator): the fault report went to the customer (timeline; stops the
 * reminder); 201 when recorded, 200 when it was already. GET /schedules: every configured report schedule with its
 * next run and its last run (time, outcome, error, files, where it went), `time_zone` the collector's.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { INCIDENT_NUMBER_PATTERN } from '../incidents/numbering.js';
import { REPORT_FORMATS, REPORT_LANGS } from '../reports/config.js';
import { ReportError } from '../reports/errors.js';
import type { ScheduleState } from '../reports/scheduler.js';
import type { ReportRequest, ReportService } from '../reports/service.js';
import { isValidTimeZone } from '../sla/zoned-time.js';
import { HttpError, validate } from './errors.js';
import { PERIOD_FORMAT, PERIOD_PATTERN } from '../sla/availability.js';

const output = { format: z.enum(REPORT_FORMATS).default('json'), lang: z.enum(REPORT_LANGS).optional() };
const slaSchema = z.strictObject({ period: z.string().regex(PERIOD_PATTERN, `expected ${PERIOD_FORMAT}`), contract: z.string().min(1).max(200), ...output });
const inspectionSchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
  tz: z.string().refine(isValidTimeZone, 'unknown time zone').optional(),
  ...output,
});
const faultSchema = z.strictObject({ number: z.string().regex(INCIDENT_NUMBER_PATTERN, 'expected INC-YYYYMMDD-NNNN') });
const faultQuerySchema = z.strictObject(output);
const sentSchema = z.strictObject({ by: z.string().trim().min(1).max(100).optional(), note: z.string().trim().min(1).max(2000).optional() });

const STATUS = { invalid: 400, future: 400, no_data: 404, not_found: 404 } as const;

export interface ReportsRouterDeps {
  reports: ReportService;
  requireRole: (role: 'operator') => RequestHandler;
  /** The report schedules' state (collector/reports/scheduler.ts); GET /schedules answers [] without it. */
  schedules?: () => ScheduleState[] | Promise<ScheduleState[]>;
  /** The collector's time zone (`timezone`), sent beside the schedules so clients show local times. */
  timeZone?: string;
}

export function createReportsRouter(deps: ReportsRouterDeps): Router {
  const router = Router();

  router.get('/schedules', async (req, res) => {
    validate(z.strictObject({}), req.query, 'query');
    res.json({ items: (await deps.schedules?.()) ?? [], ...(deps.timeZone ? { time_zone: deps.timeZone } : {}) });
  });

  async function send(res: Response, request: ReportRequest, format: (typeof REPORT_FORMATS)[number], lang: (typeof REPORT_LANGS)[number] | undefined, field: string): Promise<void> {
    try {
      const report = await deps.reports.generate(request, format, lang);
      res.type(report.contentType);
      if (format !== 'json' && format !== 'html') res.attachment(report.filename);
      res.send(report.body);
    } catch (error) {
      if (error instanceof ReportError) throw new HttpError(STATUS[error.code], error.message, [{ field, message: error.message }]);
      throw error;
    }
  }

  router.get('/sla', async (req, res) => {
    const q = validate(slaSchema, req.query, 'query');
    await send(res, { kind: 'sla', period: q.period, contract: q.contract }, q.format, q.lang, 'query.contract');
  });
  router.get('/inspection', async (req, res) => {
    const q = validate(inspectionSchema, req.query, 'query');
    await send(res, { kind: 'inspection', date: q.date, ...(q.tz ? { timeZone: q.tz } : {}) }, q.format, q.lang, 'query.date');
  });
  // The asset register against its last verified baseline (read only; `outpost report assets --mark-verified` verifies).
  router.get('/assets', async (req, res) => {
    const q = validate(z.strictObject(output), req.query, 'query');
    await send(res, { kind: 'assets' }, q.format, q.lang, 'query');
  });
  // GET only reads (a preview); POST generates the report and records it as delivered for the fault-report duty.
  router.get('/fault/:number', async (req, res) => {
    const { number } = validate(faultSchema, req.params, 'params');
    const q = validate(faultQuerySchema, req.query, 'query');
    await send(res, { kind: 'fault', number }, q.format, q.lang, 'params.number');
  });
  router.post('/fault/:number', deps.requireRole('operator'), async (req, res) => {
    const { number } = validate(faultSchema, req.params, 'params');
    const q = validate(faultQuerySchema, req.query, 'query');
    const caller = (res.locals.caller as { name?: string } | undefined)?.name ?? 'api';
    await send(res, { kind: 'fault', number, by: caller }, q.format, q.lang, 'params.number');
  });
  // Recording that the report went to the customer (not the same as generating it): operator.
  router.post('/fault/:number/sent', deps.requireRole('operator'), async (req, res) => {
    const { number } = validate(faultSchema, req.params, 'params');
    const body = validate(sentSchema, req.body ?? {}, 'body');
    const by = body.by ?? (res.locals.caller as { name?: string } | undefined)?.name;
    if (!by) throw new HttpError(400, 'invalid body', [{ field: 'body.by', message: 'name the person who sent it (by)' }]);
    try {
      const sent = await deps.reports.markFaultSent(number, by, body.note);
      res.status(sent.recorded ? 201 : 200).json({ number: sent.number, sent_at_ms: sent.sentAtMs, sent_by: sent.sentBy, note: sent.note, recorded: sent.recorded });
    } catch (error) {
      if (error instanceof ReportError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.message, [{ field: 'params.number', message: error.message }]);
      throw error;
    }
  });
  return router;
}
