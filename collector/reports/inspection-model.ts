/**
 * The daily inspection report (巡检报告) as JSON: every check of every target with its newest result of the day,
 * each metric judged against the inspection thresholds, changes since the previous inspection (the day before),
 * backups (age, size, trend), SNMP interface errors, certificates, disks with days until full (linear fit over the
 * stored samples) and a findings summary at the top. A check that is not OK inside a maintenance window of its
 * target is `maintenance`, not a failure. Findings carry a code and parameters (rendered in the reader's language
 * by vocabulary.ts); `text` is their English rendering for JSON readers.
 */
import type { FindingParams } from '../../common/protocol.js';
import { DEFAULT_THRESHOLDS, type MetricThreshold } from './config.js';
import type { ReportContext } from './context.js';
import { findingText } from './vocabulary.js';
import { ReportError } from './errors.js';
import { dayRange, iso, type Range } from './period.js';
import type { ResultSample } from './store.js';
import { judge, thresholdText, verdictOfState, worse, type Verdict } from './thresholds.js';
import { daysUntil, linearFit, type Point } from './trend.js';

const DAY_MS = 86_400_000;
/** Samples looked at for trends. */
const TREND_DAYS = 30;

export interface InspectionOptions {
  date: string;
  timeZone?: string;
}

export interface Finding {
  level: 'fail' | 'warn';
  kind: 'check' | 'stale' | 'disk' | 'certificate' | 'backup' | 'interface';
  target: string;
  /** The check (or disk mount / interface) the finding is about. */
  item: string;
  code: string | null;
  params: FindingParams | null;
  message: string;
  /** English rendering (JSON readers); documents render code + params in their own language. */
  text: string;
}

/** One line of the 巡检表: a check, or one of its metrics judged against a threshold. */
export interface SheetRow {
  target: string;
  check_id: string;
  check_type: string;
  /** Metric name (null: the check's own result); `series` names the disk / interface it belongs to. */
  metric: string | null;
  series: string | null;
  threshold: MetricThreshold | null;
  verdict: Verdict;
  value: number | null;
  code: string | null;
  params: FindingParams | null;
  message: string;
  observed_at: string | null;
}

const key = (s: { agentId: string; checkId: string }) => `${s.agentId}/${s.checkId}`;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function seriesLabel(tags: Record<string, string>): string {
  return tags.mount ?? tags.if_name ?? tags.interface ?? tags.name ?? Object.values(tags).join(',');
}

/** Everything the inspection report shows, read from the store (inspectionReportFrom renders it). */
export interface InspectionInputs {
  nowMs: number;
  date: string;
  timeZone: string;
  range: Range;
  thresholds: Record<string, MetricThreshold>;
  diskFullWarnDays: number;
  /** The newest sample of every check up to the end of the day (or now). */
  current: ResultSample[];
  /** The newest sample of every check before the day. */
  previous: ResultSample[];
  /** Samples of the trend window, per check (`agent/check`) of backups and disks. */
  histories: Map<string, ResultSample[]>;
  /** Checks (`agent/check`) whose newest result fell inside a maintenance window of their target. */
  inMaintenance: Set<string>;
}

/** Reads the inspection report's samples and the maintenance state of each result. */
export async function inspectionInputs(ctx: ReportContext, opts: InspectionOptions): Promise<InspectionInputs> {
  const nowMs = ctx.now();
  const q = ctx.store.db;
  const timeZone = opts.timeZone ?? ctx.config.timezone;
  const range = dayRange(timeZone, opts.date, nowMs);
  const current = await ctx.reports.latestBefore(q, Math.min(range.toMs, nowMs + 1));
  if (current.length === 0) throw new ReportError('no_data', `no check results stored up to ${opts.date} (results are sampled while the collector runs)`);
  const previous = await ctx.reports.latestBefore(q, range.fromMs);
  const histories = new Map<string, ResultSample[]>();
  const inMaintenance = new Set<string>();
  for (const s of current) {
    const trend = s.checkType === 'backup' || s.series.some((x) => x.tags.mount !== undefined && x.metrics.used_percent !== undefined);
    if (trend) histories.set(key(s), await ctx.reports.history(q, s.agentId, s.checkId, range.toMs - TREND_DAYS * DAY_MS, range.toMs));
    if (await ctx.sla.inMaintenance(s.target, s.observedMs)) inMaintenance.add(key(s));
  }
  return {
    nowMs,
    date: opts.date,
    timeZone,
    range,
    thresholds: { ...DEFAULT_THRESHOLDS, ...ctx.config.inspection.thresholds },
    diskFullWarnDays: ctx.config.inspection.disk_full_warn_days,
    current,
    previous,
    histories,
    inMaintenance,
  };
}

export async function buildInspectionReport(ctx: ReportContext, opts: InspectionOptions): Promise<InspectionReport> {
  return inspectionReportFrom(await inspectionInputs(ctx, opts));
}

/** The daily inspection report as JSON, from what inspectionInputs read. Pure. */
export function inspectionReportFrom(input: InspectionInputs) {
  const { nowMs, timeZone, range, thresholds, current } = input;
  const opts = { date: input.date };
  const inMaintenance = (s: ResultSample): boolean => input.inMaintenance.has(key(s));
  const en = (f: Omit<Finding, 'text'>): Finding => ({ ...f, text: `${f.target} ${f.item}: ${findingText(f, { lang: 'en', timeZone })}` });
  const previous = new Map(input.previous.map((s) => [key(s), s]));
  const history = (s: ResultSample): ResultSample[] => input.histories.get(key(s)) ?? [];
  const findings: Finding[] = [];
  // A check's own finding is dropped when a specific one (backup, certificate) already says the same thing.
  const checkFindings: Array<{ key: string; finding: Finding }> = [];
  const covered = new Set<string>();

  const sheet: SheetRow[] = [];
  const checks = current.map((s) => {
    const stale = s.observedMs < range.fromMs;
    const maintenance = !stale && inMaintenance(s);
    const own: Verdict = stale ? 'unknown' : verdictOfState(s.state);
    let verdict: Verdict = own;
    const items: Array<{ item: string; value: number; threshold: string | null; verdict: Verdict | null }> = [];
    const judged: SheetRow[] = [];
    const base = { target: s.target, check_id: s.checkId, check_type: s.checkType, observed_at: iso(s.observedMs) };
    const add = (series: string | null, name: string, value: number) => {
      const t = thresholds[name];
      const v = t && !stale ? judge(value, t) : null;
      if (v) verdict = worse(verdict, v);
      items.push({ item: series === null ? name : `${series} ${name}`, value, threshold: t ? thresholdText(t) : null, verdict: v });
      if (t) judged.push({ ...base, metric: name, series, threshold: t, verdict: v === null ? 'unknown' : maintenance && v !== 'pass' ? 'maintenance' : v, value, code: null, params: null, message: '' });
    };
    for (const [name, value] of Object.entries(s.metrics)) add(null, name, value);
    for (const series of s.series) for (const [name, value] of Object.entries(series.metrics)) add(seriesLabel(series.tags), name, value);
    if (maintenance && verdict !== 'pass') verdict = 'maintenance';
    const remark = stale ? { code: 'report.stale', params: { date: opts.date, last_ms: s.observedMs } } : { code: s.code, params: s.params };
    sheet.push({ ...base, metric: null, series: null, threshold: null, verdict: maintenance && own !== 'pass' ? 'maintenance' : own, value: null, ...remark, message: s.message }, ...judged);
    if (stale) findings.push(en({ level: 'warn', kind: 'stale', target: s.target, item: s.checkId, code: 'report.stale', params: { date: opts.date, last_ms: s.observedMs }, message: `no result on ${opts.date}` }));
    else if (verdict === 'fail' || verdict === 'warn') checkFindings.push({ key: key(s), finding: en({ level: verdict, kind: 'check', target: s.target, item: s.checkId, code: s.code, params: s.params, message: s.message }) });
    return { target: s.target, agent_id: s.agentId, check_id: s.checkId, check_type: s.checkType, observed_at: iso(s.observedMs), state: s.state, verdict, in_maintenance: maintenance, code: s.code, params: s.params, message: s.message, items };
  });

  type Change = { target: string; check_id: string; from: string | null; to: string; code: string | null; params: FindingParams | null; message: string };
  const changes = current.flatMap((s): Change[] => {
    const before = previous.get(key(s));
    const change = { target: s.target, check_id: s.checkId, to: s.state, code: s.code, params: s.params, message: s.message };
    if (!before) return s.observedMs >= range.fromMs ? [{ ...change, from: null }] : [];
    return before.state === s.state ? [] : [{ ...change, from: before.state }];
  });

  const backups = current
    .filter((s) => s.checkType === 'backup')
    .map((s) => {
      const sizes: Point[] = history(s).flatMap((h) => (h.metrics.size_bytes === undefined ? [] : [{ atMs: h.observedMs, value: h.metrics.size_bytes }]));
      const fit = linearFit(sizes);
      const status = s.details.status ?? null;
      if (s.state !== 'ok') covered.add(key(s));
      const quiet = s.observedMs < range.fromMs || inMaintenance(s);
      if (s.state !== 'ok' && !quiet) {
        const params: FindingParams = { status: typeof status === 'string' ? status : s.state, code: s.code, params: s.params ? JSON.stringify(s.params) : null, message: s.message };
        findings.push(en({ level: s.state === 'crit' ? 'fail' : 'warn', kind: 'backup', target: s.target, item: s.checkId, code: 'report.backup', params, message: s.message }));
      }
      return {
        target: s.target,
        check_id: s.checkId,
        state: s.state,
        status: typeof status === 'string' ? status : null,
        age_s: s.metrics.age_s ?? null,
        size_bytes: s.metrics.size_bytes ?? null,
        size_trend_bytes_per_day: fit ? Math.round(fit.slopePerDay) : null,
        observed_at: iso(s.observedMs),
      };
    });

  const interfaces = current.flatMap((s) =>
    s.series.flatMap((series) => {
      const errors = Object.entries(series.metrics).filter(([name, v]) => name.includes('errors') && v > 0);
      if (errors.length === 0) return [];
      const label = seriesLabel(series.tags);
      findings.push(en({ level: 'warn', kind: 'interface', target: s.target, item: label, code: 'report.interface_errors', params: { interface: label, errors: errors.map(([n, v]) => `${n}=${v}`).join(',') }, message: '' }));
      return [{ target: s.target, check_id: s.checkId, interface: label, errors: Object.fromEntries(errors) }];
    }),
  );

  const certThreshold = thresholds.cert_days_left;
  const certificates = current
    .filter((s) => s.metrics.cert_days_left !== undefined)
    .map((s) => {
      const days = s.metrics.cert_days_left as number;
      const verdict = certThreshold ? judge(days, certThreshold) : 'pass';
      if (verdict !== 'pass') covered.add(key(s));
      if (verdict !== 'pass') findings.push(en({ level: verdict === 'fail' ? 'fail' : 'warn', kind: 'certificate', target: s.target, item: s.checkId, code: 'report.cert_expiring', params: { days: round(days, 1) }, message: '' }));
      return { target: s.target, check_id: s.checkId, days_left: days, verdict };
    })
    .sort((a, b) => a.days_left - b.days_left);

  const warnDays = input.diskFullWarnDays;
  const disks = current.flatMap((s) =>
    s.series
      .filter((series) => series.tags.mount !== undefined && series.metrics.used_percent !== undefined)
      .map((series) => {
        const mount = series.tags.mount as string;
        const points: Point[] = history(s).flatMap((h) => {
          const same = h.series.find((x) => x.tags.mount === mount);
          return same?.metrics.used_percent === undefined ? [] : [{ atMs: h.observedMs, value: same.metrics.used_percent }];
        });
        const days = daysUntil(points, 100);
        if (days !== null && days <= warnDays) findings.push(en({ level: days <= 7 ? 'fail' : 'warn', kind: 'disk', target: s.target, item: mount, code: 'report.disk_full', params: { mount, days: round(days, 1) }, message: '' }));
        return {
          target: s.target,
          mount,
          used_percent: series.metrics.used_percent as number,
          used_bytes: series.metrics.used_bytes ?? null,
          // The host check publishes size_bytes (agent/checks/host/disks.ts); total_bytes from other sources.
          total_bytes: series.metrics.size_bytes ?? series.metrics.total_bytes ?? null,
          days_until_full: days === null ? null : round(days, 1),
          samples: points.length,
        };
      }),
  );

  for (const c of checkFindings) if (!covered.has(c.key)) findings.push(c.finding);
  const count = (v: Verdict) => checks.filter((c) => c.verdict === v).length;
  // Problems first (fail, warn, unknown, maintenance, pass), then by target and check; a check's own row before its metrics.
  const order: Record<Verdict, number> = { fail: 0, warn: 1, unknown: 2, maintenance: 3, pass: 4 };
  const indexed = sheet.map((row, i) => ({ row, i }));
  indexed.sort((a, b) => order[a.row.verdict] - order[b.row.verdict] || a.row.target.localeCompare(b.row.target) || a.row.check_id.localeCompare(b.row.check_id) || a.i - b.i);
  const devices = [...new Set(checks.map((c) => c.target))].sort().map((target) => {
    const own = checks.filter((c) => c.target === target);
    const n = (v: Verdict) => own.filter((c) => c.verdict === v).length;
    return { target, checks: own.length, pass: n('pass'), warn: n('warn'), fail: n('fail'), unknown: n('unknown'), maintenance: n('maintenance') };
  });
  const rank = { fail: 0, warn: 1 };
  findings.sort((a, b) => rank[a.level] - rank[b.level] || a.target.localeCompare(b.target) || a.text.localeCompare(b.text));
  return {
    kind: 'inspection' as const,
    date: opts.date,
    time_zone: timeZone,
    generated_at: iso(nowMs) as string,
    from: iso(range.fromMs) as string,
    to: iso(range.toMs) as string,
    summary: {
      targets: new Set(checks.map((c) => c.target)).size,
      checks: checks.length,
      pass: count('pass'),
      warn: count('warn'),
      fail: count('fail'),
      unknown: count('unknown'),
      maintenance: count('maintenance'),
      changes: changes.length,
      findings: findings.length,
    },
    findings,
    sheet: indexed.map((x) => x.row),
    devices,
    checks,
    changes,
    backups,
    interfaces,
    certificates,
    disks,
  };
}
export type InspectionReport = ReturnType<typeof inspectionReportFrom>;
