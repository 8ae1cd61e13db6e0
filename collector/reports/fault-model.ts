/**
 * The fault report (故障处理报告) of a resolved incident as JSON: type, timeline, cause, resolution method, impact
 * (wall-clock duration, downtime of the target from the state history), SLA response/resolution met or breached.
 */
import { getIncidentByNumber, listChildren, listTimeline, type IncidentRecord, type TimelineEntry } from '../incidents/repository.js';
import type { IncidentSla, SlaPolicy } from '../sla/index.js';
import { AvailabilityError, type AvailabilityResult } from '../sla-service/availability-service.js';
import type { ReportContext } from './context.js';
import { ReportError } from './errors.js';
import { iso, seconds } from './period.js';
import type { Lang } from '../../common/humanize.js';
import { incidentTitle, resolutionTexts, timelineNote } from './incident-texts.js';

/** The zone a fault report's times are read in: its contract's calendar zone, else the collector's. */
export function faultTimeZone(ctx: ReportContext, contractName: string | null): string {
  const contract = ctx.sla.setup.contracts.find((c) => c.name === contractName);
  return (contract ? ctx.sla.setup.calendars.get(contract.calendar)?.spec.timeZone : undefined) ?? ctx.config.timezone;
}

/** What a fault report is made of, read from the store (faultReportFrom renders it). */
export interface FaultInputs {
  nowMs: number;
  lang: Lang;
  record: IncidentRecord & { resolvedAtMs: number };
  policy: SlaPolicy;
  contract: string | null;
  timeZone: string;
  timeline: TimelineEntry[];
  sla: IncidentSla;
  /** The target's availability over the incident (null: no target, or no figures for it). */
  availability: AvailabilityResult | null;
  folded: string[];
}

/** Reads everything a fault report shows. */
export async function faultInputs(ctx: ReportContext, number: string, lang: Lang = 'zh-CN'): Promise<FaultInputs> {
  const nowMs = ctx.now();
  const q = ctx.store.db;
  const record = await getIncidentByNumber(q, number);
  if (!record) throw new ReportError('not_found', `unknown incident "${number}"`);
  if (record.resolvedAtMs === null) throw new ReportError('invalid', `incident ${number} is not resolved yet (status ${record.status}); a fault report is written after resolution`);
  const resolvedAtMs = record.resolvedAtMs;
  const { policy, contract } = await ctx.sla.timers.policyOf(record);
  const timeline = await listTimeline(q, record.id);
  const sla = await ctx.sla.timers.compute(record, nowMs);
  let availability: AvailabilityResult | null = null;
  if (record.target) {
    try {
      availability = await ctx.sla.availability.forTarget(record.target, record.startedAtMs, Math.max(resolvedAtMs, record.startedAtMs + 1));
    } catch (error) {
      if (!(error instanceof AvailabilityError)) throw error;
    }
  }
  const folded = (await listChildren(q, record.id)).map((c) => c.number);
  return { nowMs, lang, record: { ...record, resolvedAtMs }, policy, contract, timeZone: faultTimeZone(ctx, contract), timeline, sla, availability, folded };
}

/** The fault report as JSON, from what faultInputs read. Pure. */
export function faultReportFrom(i: FaultInputs) {
  const { record, sla, lang, timeZone, timeline } = i;
  const words = resolutionTexts(record, lang, timeZone, timeline);
  const timer = (t: typeof sla.response) =>
    t === null ? null : { target_s: seconds(t.targetMs), elapsed_business_s: seconds(t.elapsedMs), due_at: iso(t.dueAtMs), stopped_at: iso(t.stoppedAtMs), met: t.stoppedAtMs === null ? (t.breached ? false : null) : !t.breached };
  const downtimeS = i.availability ? seconds(i.availability.report.downMs) : null;
  const outages = i.availability ? i.availability.outages.map((o) => ({ start: iso(o.startMs), end: iso(o.endMs), downtime_s: seconds(o.downtimeMs) })) : [];
  const response = timer(sla.response);
  const resolution = timer(sla.resolution);
  const breached = [response, resolution].some((t) => t?.met === false);
  return {
    kind: 'fault' as const,
    lang,
    generated_at: iso(i.nowMs) as string,
    incident: {
      number: record.number,
      title: incidentTitle(record, lang, timeZone),
      title_code: record.titleCode,
      title_params: record.titleParams,
      description: record.description,
      severity: record.severity,
      status: record.status,
      type: record.checkType ?? (record.source === 'manual' ? 'manual' : 'other'),
      source: record.source,
      rule: record.rule,
      target: record.target,
      check_id: record.checkId,
      reporter: record.reporter,
      started_at: iso(record.startedAtMs),
      opened_at: iso(record.openedAtMs),
      acknowledged_at: iso(record.acknowledgedAtMs),
      acknowledged_by: record.acknowledgedBy,
      resolved_at: iso(record.resolvedAtMs),
      resolved_by: record.resolvedBy,
      cause: words.cause,
      resolution: words.resolution,
      folded: i.folded,
    },
    impact: {
      duration_s: seconds(record.resolvedAtMs - record.startedAtMs),
      downtime_s: downtimeS,
      outages,
    },
    sla: { policy: i.policy.name, contract: i.contract, response, resolution, met: response === null && resolution === null ? null : !breached },
    timeline: timeline.map((e) => ({ at: iso(e.atMs), actor: e.actor, kind: e.kind, note: timelineNote(e, lang, timeZone), note_code: e.noteCode ?? null })),
  };
}
export type FaultReport = ReturnType<typeof faultReportFrom>;

export async function buildFaultReport(ctx: ReportContext, number: string, lang: Lang = 'zh-CN'): Promise<FaultReport> {
  return faultReportFrom(await faultInputs(ctx, number, lang));
}

/**
 * Builds the report; with `by`, records that it was generated (POST, `outpost report fault N`): a log of who produced
 * it. Neither generating nor reading counts as sending it to the customer: the reminder stops only when someone
 * records that it was sent (fault-sent.ts).
 */
export async function generateFaultReport(ctx: ReportContext, number: string, by?: string, lang: Lang = 'zh-CN'): Promise<FaultReport> {
  const inputs = await faultInputs(ctx, number, lang);
  if (by !== undefined) await ctx.reports.recordFaultReport(ctx.store.db, inputs.record.id, inputs.record.number, ctx.now(), by);
  return faultReportFrom(inputs);
}
