/**
 * The fault report (故障处理报告) of a resolved incident as JSON: type, timeline, cause, resolution method, impact
 * (wall-clock duration, downtime of the target from the state history), SLA response/resolution met or breached.
 */
import { getIncidentByNumber, listChildren, listTimeline } from '../incidents/repository.js';
import { AvailabilityError } from '../sla-service/availability-service.js';
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

export function buildFaultReport(ctx: ReportContext, number: string, lang: Lang = 'zh-CN') {
  const nowMs = ctx.now();
  const record = getIncidentByNumber(ctx.db, number);
  if (!record) throw new ReportError('not_found', `unknown incident "${number}"`);
  if (record.resolvedAtMs === null) throw new ReportError('invalid', `incident ${number} is not resolved yet (status ${record.status}); a fault report is written after resolution`);
  const { policy, contract } = ctx.sla.timers.policyOf(record);
  const timeZone = faultTimeZone(ctx, contract);
  const timeline = listTimeline(ctx.db, record.id);
  const words = resolutionTexts(ctx.db, record, lang, timeZone, timeline);
  const sla = ctx.sla.timers.compute(record, nowMs);
  const timer = (t: typeof sla.response) =>
    t === null ? null : { target_s: seconds(t.targetMs), elapsed_business_s: seconds(t.elapsedMs), due_at: iso(t.dueAtMs), stopped_at: iso(t.stoppedAtMs), met: t.stoppedAtMs === null ? (t.breached ? false : null) : !t.breached };

  let downtimeS: number | null = null;
  let outages: Array<{ start: string | null; end: string | null; downtime_s: number | null }> = [];
  if (record.target) {
    try {
      const a = ctx.sla.availability.forTarget(record.target, record.startedAtMs, Math.max(record.resolvedAtMs, record.startedAtMs + 1));
      downtimeS = seconds(a.report.downMs);
      outages = a.outages.map((o) => ({ start: iso(o.startMs), end: iso(o.endMs), downtime_s: seconds(o.downtimeMs) }));
    } catch (error) {
      if (!(error instanceof AvailabilityError)) throw error;
    }
  }
  const response = timer(sla.response);
  const resolution = timer(sla.resolution);
  const breached = [response, resolution].some((t) => t?.met === false);
  return {
    kind: 'fault' as const,
    lang,
    generated_at: iso(nowMs) as string,
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
      folded: listChildren(ctx.db, record.id).map((c) => c.number),
    },
    impact: {
      duration_s: seconds(record.resolvedAtMs - record.startedAtMs),
      downtime_s: downtimeS,
      outages,
    },
    sla: { policy: policy.name, contract, response, resolution, met: response === null && resolution === null ? null : !breached },
    timeline: timeline.map((e) => ({ at: iso(e.atMs), actor: e.actor, kind: e.kind, note: timelineNote(e, lang, timeZone), note_code: e.noteCode ?? null })),
  };
}
export type FaultReport = ReturnType<typeof buildFaultReport>;

/**
 * Builds the report; with `by`, records that it was generated (POST, `outpost report fault N`): a log of who produced
 * it. Neither generating nor reading counts as sending it to the customer: the reminder stops only when someone
 * records that it was sent (fault-sent.ts).
 */
export function generateFaultReport(ctx: ReportContext, number: string, by?: string, lang: Lang = 'zh-CN'): FaultReport {
  const report = buildFaultReport(ctx, number, lang);
  const record = by === undefined ? undefined : getIncidentByNumber(ctx.db, number);
  if (record && by !== undefined) ctx.store.recordFaultReport(record.id, record.number, ctx.now(), by);
  return report;
}
