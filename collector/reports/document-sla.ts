/** The SLA report's JSON laid out as a document (sections, facts, tables) in one language. */
import { SEVERITY_LABEL_ZH, SEVERITIES } from '../events.js';
import type { ReportDocument, Section } from './document.js';
import { t, type Lang } from './i18n.js';
import type { SlaReport } from './sla-model.js';
import { presetText } from '../sla/preset-texts.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';
import type { Chart } from './document.js';
import { availabilityFormula, targetRuleText, unknownPolicyText, yesNo } from './vocabulary.js';

/** The two pictures: daily availability per target against its target line, and the state timeline. */
export function slaCharts(r: SlaReport, lang: Lang): Chart[] {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const p = r.pictures;
  const lowest = Math.min(...p.targets.flatMap((x) => [...x.daily_percent.filter((v): v is number => v !== null), x.target_percent ?? 100]));
  // The axis starts a little below the lowest bar or target (whole percent), so small misses stay visible.
  const min = Number.isFinite(lowest) ? Math.max(0, Math.min(95, Math.floor(lowest - (100 - lowest) * 0.25))) : 90;
  const fromMs = Date.parse(r.from);
  const toMs = Date.parse(r.to);
  const ticks = p.days.flatMap((day, i) => {
    if (i % (p.days.length > 16 ? 5 : 1) !== 0) return [];
    const atMs = fromMs + i * 86_400_000;
    return [{ atMs, label: formatLocalDateTime(r.contract.time_zone, atMs).slice(5, 10) }];
  });
  // Each chart fits one A4 landscape page: at most BAR_PANELS targets per bar chart, TIMELINE_ROWS per timeline.
  const bars = chunks(p.targets, BAR_PANELS);
  const rows = chunks(p.targets, TIMELINE_ROWS);
  const part = (title: string, i: number, n: number) => (n > 1 ? `${title} (${i + 1}/${n})` : title);
  return [
    ...bars.map(
      (group, i): Chart => ({
        kind: 'bars',
        title: part(L('daily_availability'), i, bars.length),
        labels: p.days.map((d) => String(Number(d.slice(8, 10)))),
        series: group.map((x) => ({ name: `${x.target}${x.target_percent === null ? '' : `（${L('target_line')} ${x.target_percent}%）`}`, values: x.daily_percent, target: x.target_percent })),
        min,
        futureFrom: p.future_from,
        legend: { target: L('target_line'), met: L('met'), missed: L('below_target'), none: L('state_unknown'), future: L('not_yet') },
      }),
    ),
    ...rows.map(
      (group, i): Chart => ({
        kind: 'timeline',
        title: part(L('state_timeline'), i, rows.length),
        fromMs,
        toMs,
        ticks,
        rows: group.map((x) => ({ name: x.target, spans: x.spans.map((sp) => ({ fromMs: sp.from_ms, toMs: sp.to_ms, state: sp.state })) })),
        untilMs: p.measured_until_ms,
        legend: { up: L('state_up'), down: L('state_down'), maintenance: L('state_maintenance'), unknown: L('state_unknown'), future: L('not_yet') },
      }),
    ),
  ];
}

const BAR_PANELS = 4;
const TIMELINE_ROWS = 24;

/** `items` in groups of `size`; one (empty) group for no items, so an empty report still shows its axes. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length ? out : [[]];
}

export function slaDocument(r: SlaReport, lang: Lang): ReportDocument {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const sevLabel = (s: (typeof SEVERITIES)[number]) => (lang === 'zh-CN' ? `${s} ${SEVERITY_LABEL_ZH[s]}` : s);
  const o = r.overview;
  const policy = presetText(r.contract.policy, lang);
  const sections: Section[] = [
    {
      id: 'overview',
      title: L('overview'),
      facts: [
        { label: L('contract'), value: r.contract.name, type: 'text' },
        { label: L('period'), value: r.period, type: 'text' },
        { label: L('availability_target'), value: r.contract.availability_target, type: 'percent' },
        { label: L('contract_availability'), value: o.availability_percent, type: 'percent' },
        { label: L('error_budget_left'), value: o.error_budget_left_percent, type: 'percent' },
        { label: L('targets_met'), value: `${o.targets_met} / ${o.targets}`, type: 'text' },
        { label: L('lowest_availability'), value: o.lowest_availability_percent, type: 'percent' },
        { label: L('downtime'), value: o.downtime_s, type: 'duration' },
        { label: L('outage_count'), value: o.outages, type: 'integer' },
        { label: L('incidents'), value: o.incidents, type: 'integer' },
        { label: L('resolution_compliance'), value: o.resolution_compliance_percent, type: 'percent' },
        { label: L('compliance_goal'), value: o.compliance_goal, type: 'percent' },
        { label: L('mtta'), value: o.mtta_s, type: 'duration' },
        { label: L('mttr'), value: o.mttr_s, type: 'duration' },
        { label: L('backup_success'), value: o.backup_success_percent, type: 'percent' },
        { label: L('generated_at'), value: r.generated_at, type: 'datetime' },
      ],
    },
    { id: 'pictures', title: L('charts'), charts: slaCharts(r, lang) },
    {
      id: 'availability',
      title: L('availability'),
      table: {
        columns: [
          { label: L('target'), type: 'text' },
          { label: L('availability_percent'), type: 'percent' },
          { label: L('target_percent'), type: 'percent' },
          { label: L('target_met'), type: 'text' },
          { label: L('downtime'), type: 'duration' },
          { label: L('allowed_downtime'), type: 'duration' },
          { label: L('maintenance_time'), type: 'duration' },
          { label: L('unknown_time'), type: 'duration' },
          { label: L('coverage'), type: 'percent' },
          { label: L('outage_count'), type: 'integer' },
        ],
        rows: r.availability.map((a) => [
          a.subject.name,
          a.availability_percent,
          a.target_percent,
          a.target_met === null ? null : a.target_met ? L('met') : L('breached'),
          a.down_s,
          a.allowed_downtime_s,
          a.maintenance_s,
          a.unknown_s,
          a.coverage * 100,
          a.outage_count,
        ]),
      },
    },
    {
      id: 'outages',
      title: L('outages'),
      table: {
        columns: [
          { label: L('target'), type: 'text' },
          { label: L('start'), type: 'datetime' },
          { label: L('end'), type: 'datetime' },
          { label: L('duration'), type: 'duration' },
          { label: L('downtime'), type: 'duration' },
          { label: L('cause'), type: 'text' },
          { label: L('incident'), type: 'text' },
        ],
        rows: r.outages.map((x) => [x.target, x.start, x.end, x.duration_s, x.downtime_s, x.cause, x.incident]),
      },
    },
    {
      id: 'maintenance',
      title: L('maintenance'),
      table: {
        columns: [
          { label: L('name'), type: 'text' },
          { label: L('start'), type: 'datetime' },
          { label: L('end'), type: 'datetime' },
          { label: L('duration'), type: 'duration' },
          { label: L('targets'), type: 'text' },
        ],
        rows: r.maintenance.map((m) => [m.name, m.start, m.end, m.duration_s, m.targets.join(', ')]),
      },
    },
    {
      id: 'incidents',
      title: L('incidents'),
      table: {
        columns: [
          { label: L('incident'), type: 'text' },
          { label: L('severity'), type: 'text' },
          { label: L('target'), type: 'text' },
          { label: L('opened_at'), type: 'datetime' },
          { label: L('response_time'), type: 'duration' },
          { label: L('response_target'), type: 'duration' },
          { label: L('response_met'), type: 'text' },
          { label: L('resolution_time'), type: 'duration' },
          { label: L('resolution_target'), type: 'duration' },
          { label: L('resolution_met'), type: 'text' },
          { label: L('cause'), type: 'text' },
        ],
        rows: r.incidents.list.map((i) => [
          i.number,
          sevLabel(i.severity),
          i.target,
          i.opened_at,
          i.response_s,
          i.response_target_s,
          metText(i.response_met, lang),
          i.resolution_s,
          i.resolution_target_s,
          metText(i.resolution_met, lang),
          i.cause,
        ]),
      },
    },
    {
      id: 'compliance',
      title: L('compliance'),
      facts: [
        { label: L('resolution_compliance'), value: r.compliance.resolution_percent, type: 'percent' },
        { label: L('resolution_outcomes'), value: `${r.compliance.resolution_met} / ${r.compliance.resolution_met + r.compliance.resolution_breached}`, type: 'text' },
        { label: L('resolution_pending'), value: r.compliance.resolution_pending, type: 'integer' },
        { label: L('compliance_goal'), value: r.compliance.goal_percent, type: 'percent' },
        { label: L('goal_met'), value: r.compliance.resolution_met_goal, type: 'text' },
        { label: L('response_compliance'), value: r.compliance.response_percent, type: 'percent' },
        { label: L('mtta'), value: r.incidents.mtta_s, type: 'duration' },
        { label: L('mttr'), value: r.incidents.mttr_s, type: 'duration' },
      ],
      table: {
        columns: [
          { label: L('severity'), type: 'text' },
          { label: L('total'), type: 'integer' },
          { label: L('response_met'), type: 'integer' },
          { label: L('response_compliance'), type: 'percent' },
          { label: L('resolution_met'), type: 'integer' },
          { label: L('breached'), type: 'integer' },
          { label: L('pending'), type: 'integer' },
          { label: L('resolution_compliance'), type: 'percent' },
        ],
        rows: SEVERITIES.map((s) => {
          const b = r.incidents.by_severity[s];
          return [sevLabel(s), b.total, b.response.met, b.response.compliance_percent, b.resolution.met, b.resolution.breached, b.resolution.pending, b.resolution.compliance_percent];
        }),
      },
    },
    {
      id: 'extensions',
      title: L('extensions'),
      ...(r.extensions.length
        ? {
            table: {
              columns: [
                { label: L('incident'), type: 'text' as const },
                { label: L('severity'), type: 'text' as const },
                { label: L('extension_granted_at'), type: 'datetime' as const },
                { label: L('extended_by'), type: 'duration' as const },
                { label: L('new_resolution_due'), type: 'datetime' as const },
                { label: L('approved_by'), type: 'text' as const },
                { label: L('reason'), type: 'text' as const, width: 2.5 },
              ],
              rows: r.extensions.map((e) => [e.number, sevLabel(e.severity), e.at, e.extend_s, e.resolution_due_at, e.approved_by, e.reason]),
            },
          }
        : { paragraphs: [L('extensions_none')] }),
    },
    {
      id: 'backups',
      title: `${L('backups')} / ${L('inspection_summary')}`,
      table: {
        columns: [
          { label: L('name'), type: 'text' },
          { label: L('samples'), type: 'integer' },
          { label: L('ok'), type: 'integer' },
          { label: L('warn'), type: 'integer' },
          { label: L('crit'), type: 'integer' },
          { label: L('unknown'), type: 'integer' },
          { label: L('backup_success'), type: 'percent' },
        ],
        rows: [
          [L('backups'), r.backups.samples, r.backups.ok, r.backups.warn, r.backups.crit, r.backups.unknown, r.backups.success_percent],
          [L('inspection_summary'), r.inspection.samples, r.inspection.ok, r.inspection.warn, r.inspection.crit, r.inspection.unknown, r.inspection.success_percent],
        ],
      },
    },
    {
      id: 'satisfaction',
      title: L('satisfaction'),
      facts: [
        { label: L('satisfaction_average'), value: r.satisfaction.average === null ? null : Math.round(r.satisfaction.average * 10) / 10, type: 'number' },
        { label: L('satisfaction_count'), value: r.satisfaction.count, type: 'integer' },
        { label: L('satisfaction_target'), value: r.satisfaction.target, type: 'number' },
        { label: L('goal_met'), value: metText(r.satisfaction.met, lang), type: 'text' },
      ],
      table: {
        columns: [
          { label: L('incident'), type: 'text' },
          { label: L('severity'), type: 'text' },
          { label: L('opened_at'), type: 'datetime' },
          { label: L('score'), type: 'integer' },
          { label: L('evaluator'), type: 'text' },
          { label: L('evaluated_at'), type: 'datetime' },
          { label: L('comment'), type: 'text' },
        ],
        rows: r.satisfaction.evaluations.map((e) => [e.number, sevLabel(e.severity), e.opened_at, e.score, e.evaluator, e.at, e.comment]),
      },
    },
    {
      id: 'calculation',
      title: L('calculation'),
      facts: [
        { label: L('formula'), value: availabilityFormula(lang), type: 'text' },
        { label: L('unknown_policy'), value: unknownPolicyText(r.calculation.unknown_policy, lang), type: 'text' },
        { label: L('warn_counts_as_up'), value: yesNo(r.calculation.warn_counts_as_up, lang), type: 'text' },
        { label: L('calendar'), value: r.calculation.calendar, type: 'text' },
        { label: L('time_zone'), value: r.calculation.time_zone, type: 'text' },
        { label: L('policy'), value: policy?.title ?? r.contract.policy, type: 'text' },
        { label: L('policy_description'), value: policy?.description ?? r.contract.policy_description, type: 'text' },
        { label: L('resolution_starts'), value: L(r.calculation.resolution_starts === 'acknowledged' ? 'resolution_starts_acknowledged' : 'resolution_starts_opened'), type: 'text' },
        { label: L('compliance_rule'), value: L('compliance_rule_text'), type: 'text' },
        { label: L('satisfaction_rule'), value: L('satisfaction_rule_text'), type: 'text' },
        ...r.calculation.holiday_data_missing.map((m) => ({
          label: L('holiday_data'),
          value: L('holiday_data_missing').replaceAll('{year}', String(m.year)).replaceAll('{calendar}', m.calendar),
          type: 'text' as const,
        })),
        { label: L('target_rule'), value: targetRuleText(lang), type: 'text' },
      ],
    },
  ];
  return { title: L(/-Q\d$/.test(r.period) ? 'sla_title_quarter' : 'sla_title'), subtitle: `${L('contract')} ${r.contract.name} · ${r.period}`, lang, timeZone: r.contract.time_zone, sections };
}

export function metText(met: boolean | null, lang: Lang): string | null {
  return met === null ? null : met ? t(lang, 'met') : t(lang, 'breached');
}
