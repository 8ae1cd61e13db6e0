/**
 * The monthly SLA report of one contract as JSON (every other format is rendered from it). Every figure comes from
 * the SLA glue the API uses: availability per member target (availability service, the same JSON as
 * GET /api/v1/availability), incident compliance, MTTA and MTTR (the /api/v1/sla/summary figures), incident timers.
 */
import { availabilityJson } from '../api/availability.js';
import type { Severity } from '../events.js';
import { SEVERITIES } from '../events.js';
import { listIncidents, type IncidentRecord, type TimelineEntry } from '../incidents/repository.js';
import { expandWindow, getCalendar, missingHolidayData, windowApplies, type Contract, type IncidentSla, type MaintenanceWindow, type SlaSetup } from '../sla/index.js';
import { AvailabilityError, type AvailabilityResult } from '../sla-service/availability-service.js';
import type { ReportContext } from './context.js';
import { ReportError } from './errors.js';
import { iso, monthRange, seconds, type Range } from './period.js';
import { evaluationRows, extensionInputs, extensionRows, satisfactionOf, type EvaluationRow, type ExtendedIncident } from './sla-followup.js';
import { slaPictureInputs, slaPicturesFrom, type PictureInput } from './sla-pictures.js';
import type { StateCount } from './store.js';
import type { Lang } from '../../common/humanize.js';
import { presetText } from '../sla/preset-texts.js';
import { incidentTitle, outageCause, resolutionTexts, timelineForTexts } from './incident-texts.js';
import { availabilityFormula, targetRuleText } from './vocabulary.js';

export const AVAILABILITY_FORMULA = 'A = up / (scheduled − maintenance − unknown)';

type Summary = Awaited<ReturnType<ReportContext['sla']['summary']['forPeriod']>>['contracts'][number];
type AvailabilityJson = ReturnType<typeof availabilityJson>;

export interface SlaReportOptions {
  period: string;
  contract: string;
  /** The reader's language: titles, causes and the policy description are rendered in it (default zh-CN). */
  lang?: Lang;
}

function pickContract(ctx: ReportContext, name: string): Contract {
  const contract = ctx.sla.setup.contracts.find((c) => c.name === name);
  if (!contract) {
    const known = ctx.sla.setup.contracts.map((c) => c.name).sort();
    throw new ReportError('not_found', `unknown contract "${name}" (known: ${known.join(', ') || 'none — add sla.contracts to the config'})`);
  }
  return contract;
}

/** Contract names to report on: the one asked for, else every configured contract. */
export function contractNames(ctx: ReportContext, contract?: string): string[] {
  if (contract !== undefined) return [pickContract(ctx, contract).name];
  const all = ctx.sla.setup.contracts.map((c) => c.name);
  if (all.length === 0) throw new ReportError('not_found', 'no contracts configured (sla.contracts)');
  return all;
}

function incidentRow(r: ListedIncident, lang: Lang, timeZone: string) {
  const { sla } = r;
  const { cause, resolution } = resolutionTexts(r.record, lang, timeZone, r.timeline);
  const met = (t: typeof sla.response) => (t === null ? null : t.stoppedAtMs === null ? (t.breached ? false : null) : !t.breached);
  return {
    number: r.record.number,
    severity: r.record.severity,
    title: incidentTitle(r.record, lang, timeZone),
    title_code: r.record.titleCode,
    title_params: r.record.titleParams,
    target: r.record.target,
    status: r.record.status,
    opened_at: iso(r.record.openedAtMs),
    acknowledged_at: iso(sla.response?.stoppedAtMs ?? r.record.acknowledgedAtMs),
    resolved_at: iso(r.record.resolvedAtMs),
    response_s: r.record.acknowledgedAtMs === null ? null : seconds(r.record.acknowledgedAtMs - r.record.openedAtMs),
    resolution_s: r.record.resolvedAtMs === null ? null : seconds(r.record.resolvedAtMs - r.record.openedAtMs),
    response_target_s: sla.response ? seconds(sla.response.targetMs) : null,
    response_business_s: sla.response ? seconds(sla.response.elapsedMs) : null,
    response_met: met(sla.response),
    resolution_target_s: sla.resolution ? seconds(sla.resolution.targetMs) : null,
    resolution_business_s: sla.resolution ? seconds(sla.resolution.elapsedMs) : null,
    resolution_met: met(sla.resolution),
    cause,
    resolution,
  };
}

function outageIncident(byTarget: ReadonlyMap<string | null, readonly ListedIncident[]>, target: string, startMs: number, endMs: number): ListedIncident | undefined {
  // The incident opened for this outage: same target, opened while it lasted (confirmations may delay it a little).
  return byTarget.get(target)?.find((i) => i.record.openedAtMs >= startMs - 60_000 && i.record.openedAtMs <= endMs);
}

/** Incidents per target, in the order given (a month's outages × incidents would be quadratic otherwise). */
function groupByTarget(incidents: readonly ListedIncident[]): Map<string | null, ListedIncident[]> {
  const map = new Map<string | null, ListedIncident[]>();
  for (const i of incidents) {
    const list = map.get(i.record.target);
    if (list) list.push(i);
    else map.set(i.record.target, [i]);
  }
  return map;
}

/** An incident of the contract and period with what its row needs: its SLA clocks and (resolved) its timeline. */
interface ListedIncident {
  record: IncidentRecord;
  sla: IncidentSla;
  timeline: TimelineEntry[];
}

/** Everything the SLA report shows, read from the store and the SLA glue (slaReportFrom renders it). */
export interface SlaInputs {
  nowMs: number;
  lang: Lang;
  period: string;
  contract: Contract;
  setup: SlaSetup;
  timeZone: string;
  range: Range;
  summary: Summary;
  members: string[];
  results: AvailabilityResult[];
  incidents: ListedIncident[];
  sampleCounts: StateCount[];
  windows: MaintenanceWindow[];
  groups: Record<string, string[]>;
  extended: ExtendedIncident[];
  evaluations: EvaluationRow[];
  pictures: PictureInput[];
}

/** Reads the SLA report's figures: every read happens here, before anything is rendered. */
export async function slaInputs(ctx: ReportContext, opts: SlaReportOptions): Promise<SlaInputs> {
  const nowMs = ctx.now();
  const q = ctx.store.db;
  const lang = opts.lang ?? 'zh-CN';
  // One setup for the whole report (a reload in the middle of the reads must not mix two).
  const setup = ctx.sla.setup;
  const contract = pickContract(ctx, opts.contract);
  const timeZone = getCalendar(setup, contract.calendar).spec.timeZone;
  const range = monthRange(timeZone, opts.period, nowMs);
  const summary: Summary | undefined = (await ctx.sla.summary.forPeriod(opts.period)).contracts.find((c) => c.name === contract.name);
  if (!summary) throw new ReportError('not_found', `contract "${contract.name}" has no summary`);

  const members = await ctx.sla.availability.contractMembers(contract);
  const results: AvailabilityResult[] = [];
  for (const target of members) {
    try {
      results.push(await ctx.sla.availability.forTarget(target, range.fromMs, range.toMs));
    } catch (error) {
      if (!(error instanceof AvailabilityError)) throw error;
    }
  }

  const { items } = await listIncidents(q, { fromMs: range.fromMs, toMs: range.toMs, limit: 1_000_000, offset: 0 });
  const incidents: ListedIncident[] = [];
  for (const record of items) {
    if (record.parentId !== null || (await ctx.sla.timers.policyOf(record)).contract !== contract.name) continue;
    incidents.push({ record, sla: await ctx.sla.timers.compute(record, nowMs), timeline: await timelineForTexts(q, record) });
  }
  incidents.sort((a, b) => a.record.openedAtMs - b.record.openedAtMs || a.record.id - b.record.id);
  const sampleCounts = (await ctx.reports.stateCounts(q, range.fromMs, range.toMs)).filter((c) => members.includes(c.target));
  const windows = await ctx.sla.maintenanceWindows();
  const groups = Object.fromEntries(members.map((t) => [t, ctx.sla.availability.groupsOf(t)]));
  return {
    nowMs,
    lang,
    period: opts.period,
    contract,
    setup,
    timeZone,
    range,
    summary,
    members,
    results,
    incidents,
    sampleCounts,
    windows,
    groups,
    extended: await extensionInputs(ctx, incidents.map((i) => i.record)),
    evaluations: await evaluationRows(ctx, contract, range.fromMs, range.toMs),
    pictures: await slaPictureInputs(ctx, members, range, timeZone, nowMs),
  };
}

export async function buildSlaReport(ctx: ReportContext, opts: SlaReportOptions): Promise<SlaReport> {
  return slaReportFrom(await slaInputs(ctx, opts));
}

/** The monthly SLA report of one contract as JSON, from what slaInputs read. Pure. */
export function slaReportFrom(input: SlaInputs) {
  const { nowMs, lang, contract, setup, timeZone, range, summary, members, results, incidents, sampleCounts } = input;
  const policy = setup.policies.get(contract.policy);
  const availability: AvailabilityJson[] = results.map((r) => availabilityJson(r));
  const hasData = availability.some((a) => (a.scheduled_s ?? 0) > 0 && a.coverage > 0) || incidents.length > 0 || sampleCounts.length > 0;
  if (!hasData) throw new ReportError('no_data', `no data for contract "${contract.name}" in ${input.period} (no state history, incidents or results for its targets)`);

  const incidentsByTarget = groupByTarget(incidents);
  const outages = results
    .flatMap((a) =>
      a.outages.map((o) => {
        const incident = outageIncident(incidentsByTarget, a.subject.name, o.startMs, o.endMs);
        return {
          target: a.subject.name,
          start: iso(o.startMs),
          end: iso(o.endMs),
          ongoing: o.ongoing,
          duration_s: seconds(o.durationMs),
          downtime_s: seconds(o.downtimeMs),
          cause: incident ? resolutionTexts(incident.record, lang, timeZone, incident.timeline).cause : outageCause(o.findings, lang),
          incident: incident?.record.number ?? null,
        };
      }),
    )
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.target.localeCompare(b.target));

  const maintenance = input.windows
    .flatMap((w) => {
      const applies = members.filter((t) => windowApplies(w, t, input.groups[t] ?? []));
      if (applies.length === 0) return [];
      return expandWindow(w, range.fromMs, range.toMs).map((iv) => ({ name: w.name, start: iso(iv.startMs), end: iso(iv.endMs), duration_s: seconds(iv.endMs - iv.startMs), targets: applies }));
    })
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));

  const goal = summary.compliance_target;
  const s = summary.incidents;
  const bySeverity = Object.fromEntries(SEVERITIES.map((sev: Severity) => [sev, s.by_severity[sev]])) as Record<Severity, (typeof s.by_severity)[string]>;
  const compliance = {
    goal_percent: goal,
    /** met / (met + breached); clocks without an outcome are `pending`, beside. */
    response_percent: s.response.compliance_percent,
    response_met: s.response.met,
    response_breached: s.response.breached,
    response_pending: s.response.pending,
    resolution_percent: s.resolution.compliance_percent,
    resolution_met: s.resolution.met,
    resolution_breached: s.resolution.breached,
    resolution_pending: s.resolution.pending,
    resolution_met_goal: s.resolution_met_target,
    by_severity: Object.fromEntries(
      SEVERITIES.map((sev) => [sev, { response_percent: bySeverity[sev].response.compliance_percent, resolution_percent: bySeverity[sev].resolution.compliance_percent }]),
    ) as Record<Severity, { response_percent: number | null; resolution_percent: number | null }>,
  };

  const backups = countStates(sampleCounts.filter((c) => c.check_type === 'backup'));
  const inspection = countStates(sampleCounts);
  const targetsMet = availability.filter((a) => a.target_met === true).length;

  return {
    kind: 'sla' as const,
    lang,
    period: input.period,
    generated_at: iso(nowMs) as string,
    from: iso(range.fromMs) as string,
    to: iso(range.toMs) as string,
    contract: {
      name: contract.name,
      policy: contract.policy,
      policy_title: presetText(contract.policy, lang)?.title ?? contract.policy,
      policy_description: presetText(contract.policy, lang)?.description ?? policy?.description ?? '',
      calendar: contract.calendar,
      time_zone: timeZone,
      availability_target: contract.availabilityTarget,
      compliance_goal: goal,
      targets: members,
    },
    calculation: {
      formula: availabilityFormula(lang),
      unknown_policy: setup.unknownPolicy,
      warn_counts_as_up: setup.warnCountsAsUp,
      calendar: contract.calendar,
      time_zone: timeZone,
      target_rule: targetRuleText(lang),
      /** Where the resolution clock starts under the contract's policy: `opened` or `acknowledged`. */
      resolution_starts: policy?.resolutionStarts ?? 'opened',
      /** Calendars of the contract without holiday data for a year of the period: its figures count weekends only. */
      holiday_data_missing: missingHolidayData(setup, range.fromMs, range.toMs, [contract]).map((m) => ({ calendar: m.calendar, year: m.year })),
    },
    overview: {
      targets: availability.length,
      targets_met: targetsMet,
      /** The contract as a whole: Σ up / Σ measured of its members (the /api/v1/sla/summary figure, one code path). */
      availability_percent: summary.availability.availability_percent,
      error_budget_left_percent: summary.availability.error_budget_left_percent,
      lowest_availability_percent: min(availability.map((a) => a.availability_percent)),
      downtime_s: availability.reduce((sum, a) => sum + (a.down_s ?? 0), 0),
      outages: outages.length,
      incidents: s.total,
      mtta_s: s.mtta_s,
      mttr_s: s.mttr_s,
      resolution_compliance_percent: s.resolution.compliance_percent,
      resolution_pending: s.resolution.pending,
      compliance_goal: goal,
      backup_success_percent: backups.success_percent,
    },
    availability,
    outages,
    maintenance,
    incidents: { total: s.total, by_severity: bySeverity, response: s.response, resolution: s.resolution, mtta_s: s.mtta_s, mttr_s: s.mttr_s, list: incidents.map((r) => incidentRow(r, lang, timeZone)) },
    compliance,
    /** Every resolution-time extension the customer agreed to, for the incidents listed. */
    extensions: extensionRows(input.extended),
    /** The customer's evaluations recorded in the period, against the contract's satisfaction target. */
    satisfaction: satisfactionOf(contract, input.evaluations),
    backups,
    inspection,
    pictures: slaPicturesFrom(input.pictures, setup, range, timeZone, nowMs),
  };
}
export type SlaReport = ReturnType<typeof slaReportFrom>;

function min(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
}

/** Samples by state; success = ok share of the samples with a verdict. */
export function countStates(rows: ReadonlyArray<{ state: string; n: number }>) {
  const by = { ok: 0, warn: 0, crit: 0, unknown: 0 };
  for (const r of rows) if (r.state in by) by[r.state as keyof typeof by] += r.n;
  const total = by.ok + by.warn + by.crit + by.unknown;
  const judged = by.ok + by.warn + by.crit;
  return { samples: total, ...by, success_percent: judged ? (by.ok / judged) * 100 : null };
}
