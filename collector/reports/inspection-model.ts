/**
 * The daily inspection report (巡检报告) as JSON: every check of every target with its newest result of the day,
 * each metric judged against the inspection thresholds, changes since the previous inspection (the day before),
 * backups (age, size, trend), SNMP interface errors, certificates, disks with days until full (linear fit over the
 * stored samples) and a findings summary at the top.
 */
import { DEFAULT_TIME_ZONE } from '../sla/index.js';
import { DEFAULT_THRESHOLDS, type MetricThreshold } from './config.js';
import type { ReportContext } from './context.js';
import { ReportError } from './errors.js';
import { dayRange, iso } from './period.js';
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
  text: string;
}

const key = (s: { agentId: string; checkId: string }) => `${s.agentId}/${s.checkId}`;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function seriesLabel(tags: Record<string, string>): string {
  return tags.mount ?? tags.if_name ?? tags.interface ?? tags.name ?? Object.values(tags).join(',');
}

export function buildInspectionReport(ctx: ReportContext, opts: InspectionOptions) {
  const nowMs = ctx.now();
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const range = dayRange(timeZone, opts.date, nowMs);
  const thresholds: Record<string, MetricThreshold> = { ...DEFAULT_THRESHOLDS, ...ctx.config.inspection.thresholds };
  const current = ctx.store.latestBefore(Math.min(range.toMs, nowMs + 1));
  if (current.length === 0) throw new ReportError('no_data', `no check results stored up to ${opts.date} (results are sampled while the collector runs)`);
  const previous = new Map(ctx.store.latestBefore(range.fromMs).map((s) => [key(s), s]));
  const history = (s: ResultSample) => ctx.store.history(s.agentId, s.checkId, range.toMs - TREND_DAYS * DAY_MS, range.toMs);
  const findings: Finding[] = [];
  // A check's own finding is dropped when a specific one (backup, certificate) already says the same thing.
  const checkFindings: Array<{ key: string; finding: Finding }> = [];
  const covered = new Set<string>();

  const checks = current.map((s) => {
    const stale = s.observedMs < range.fromMs;
    let verdict: Verdict = stale ? 'unknown' : verdictOfState(s.state);
    const items: Array<{ item: string; value: number; threshold: string | null; verdict: Verdict | null }> = [];
    const add = (item: string, name: string, value: number) => {
      const t = thresholds[name];
      const v = t ? judge(value, t) : null;
      if (v) verdict = worse(verdict, v);
      items.push({ item, value, threshold: t ? thresholdText(t) : null, verdict: v });
    };
    for (const [name, value] of Object.entries(s.metrics)) add(name, name, value);
    for (const series of s.series) for (const [name, value] of Object.entries(series.metrics)) add(`${seriesLabel(series.tags)} ${name}`, name, value);
    if (stale) findings.push({ level: 'warn', kind: 'stale', target: s.target, text: `${s.target} ${s.checkId}: no result on ${opts.date} (last ${iso(s.observedMs)})` });
    else if (verdict === 'fail' || verdict === 'warn') checkFindings.push({ key: key(s), finding: { level: verdict, kind: 'check', target: s.target, text: `${s.target} ${s.checkId}: ${s.message}` } });
    return { target: s.target, agent_id: s.agentId, check_id: s.checkId, check_type: s.checkType, observed_at: iso(s.observedMs), state: s.state, verdict, message: s.message, items };
  });

  const changes = current.flatMap((s): Array<{ target: string; check_id: string; from: string | null; to: string; message: string }> => {
    const before = previous.get(key(s));
    if (!before) return s.observedMs >= range.fromMs ? [{ target: s.target, check_id: s.checkId, from: null, to: s.state, message: s.message }] : [];
    return before.state === s.state ? [] : [{ target: s.target, check_id: s.checkId, from: before.state, to: s.state, message: s.message }];
  });

  const backups = current
    .filter((s) => s.checkType === 'backup')
    .map((s) => {
      const sizes: Point[] = history(s).flatMap((h) => (h.metrics.size_bytes === undefined ? [] : [{ atMs: h.observedMs, value: h.metrics.size_bytes }]));
      const fit = linearFit(sizes);
      const status = s.details.status ?? null;
      if (s.state !== 'ok') covered.add(key(s));
      if (s.state !== 'ok') findings.push({ level: s.state === 'crit' ? 'fail' : 'warn', kind: 'backup', target: s.target, text: `${s.target} ${s.checkId}: backup ${status ?? s.state} — ${s.message}` });
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
      findings.push({ level: 'warn', kind: 'interface', target: s.target, text: `${s.target} ${label}: ${errors.map(([n, v]) => `${n}=${v}`).join(', ')}` });
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
      if (verdict !== 'pass') findings.push({ level: verdict === 'fail' ? 'fail' : 'warn', kind: 'certificate', target: s.target, text: `${s.target} ${s.checkId}: certificate expires in ${round(days, 1)} days` });
      return { target: s.target, check_id: s.checkId, days_left: days, verdict };
    })
    .sort((a, b) => a.days_left - b.days_left);

  const warnDays = ctx.config.inspection.disk_full_warn_days;
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
        if (days !== null && days <= warnDays) findings.push({ level: days <= 7 ? 'fail' : 'warn', kind: 'disk', target: s.target, text: `${s.target} ${mount}: full in ${round(days, 1)} days at the current rate` });
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
      changes: changes.length,
      findings: findings.length,
    },
    findings,
    checks,
    changes,
    backups,
    interfaces,
    certificates,
    disks,
  };
}
export type InspectionReport = ReturnType<typeof buildInspectionReport>;
