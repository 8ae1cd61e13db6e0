/**
 * Targets and checks: every target with its checks' state and last message; one target in detail with a sparkline
 * of each check's main metric, the state timeline of the last 24 h / 7 d and this month's availability.
 */
import { useState } from 'preact/hooks';
import { renderFinding } from '../../../common/findings.js';
import { api } from '../api';
import { lang, t } from '../i18n';
import { useLive } from '../live';
import { href } from '../route';
import { currentPeriod, fmtDateTime, fmtPercent } from '../time';
import { Field, Loading, Section, Sparkline, StateBadge, StateTimeline, useData, type Interval } from '../ui';
import type { CheckRow } from './types';

const MAIN_METRIC = ['rtt_avg_ms', 'connect_ms', 'response_ms', 'duration_ms', 'total_ms', 'memory_used_percent', 'load5_per_core', 'disk_used_percent_max', 'age_s'];

export function mainMetric(metrics: Record<string, number> | undefined): string | null {
  if (!metrics) return null;
  return MAIN_METRIC.find((m) => typeof metrics[m] === 'number') ?? Object.keys(metrics).find((k) => typeof metrics[k] === 'number' && k !== 'up') ?? null;
}

const messageOf = (c: CheckRow) => (c.last_result ? renderFinding({ code: c.last_result.code ?? null, params: c.last_result.params ?? null, message: c.last_result.message }, lang()) : (c.reason ?? ''));

export function TargetsPage({ focus }: { focus: string | null }) {
  const checks = useData(() => api<{ checks: CheckRow[] }>('/checks'), []);
  const [filter, setFilter] = useState('');
  useLive(['state'], checks.reload);
  if (!checks.data) return <Loading error={checks.error} />;
  const byTarget = new Map<string, CheckRow[]>();
  for (const c of checks.data.checks) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  if (focus) return <TargetDetail target={focus} checks={byTarget.get(focus) ?? []} />;
  const targets = [...byTarget.keys()].sort().filter((x) => x.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div class="stack">
      <h1>{t('tg.title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('tg.filter')}>
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </Field>
      </form>
      {targets.map((target) => (
        <Section title={target} actions={<a href={href(`targets/${encodeURIComponent(target)}`)}>{t('tg.history')} →</a>}>
          <ul class="check-list">
            {byTarget.get(target)!.map((c) => (
              <li data-check={c.check_id}>
                <StateBadge state={c.state} /> <strong>{c.check_id}</strong> <span class="muted">{c.check_type}</span>
                <div class="msg">{messageOf(c)}</div>
              </li>
            ))}
          </ul>
        </Section>
      ))}
    </div>
  );
}

interface Availability {
  availability_percent: number | null;
  target_percent: number | null;
  target_met: boolean | null;
}

function TargetDetail({ target, checks }: { target: string; checks: CheckRow[] }) {
  const [days, setDays] = useState(1);
  const period = currentPeriod();
  const availability = useData(() => api<Availability>(`/availability?target=${encodeURIComponent(target)}&period=${period}`), [target, period]);
  return (
    <div class="stack">
      <p>
        <a href={href('targets')}>← {t('tg.title')}</a>
      </p>
      <h1>{target}</h1>
      <p>
        {t('tg.month')}: <strong>{availability.data ? fmtPercent(availability.data.availability_percent) : availability.error ? '—' : '…'}</strong>
        {availability.data?.target_percent != null && <span class="muted"> / {fmtPercent(availability.data.target_percent)}</span>}
      </p>
      <div class="segmented" role="group" aria-label={t('tg.history')}>
        <button type="button" aria-pressed={days === 1} onClick={() => setDays(1)}>
          {t('tg.h24')}
        </button>
        <button type="button" aria-pressed={days === 7} onClick={() => setDays(7)}>
          {t('tg.d7')}
        </button>
      </div>
      {checks.map((c) => (
        <CheckDetail check={c} days={days} />
      ))}
    </div>
  );
}

function CheckDetail({ check, days }: { check: CheckRow; days: number }) {
  const toMs = Math.floor(Date.now() / 60_000) * 60_000;
  const fromMs = toMs - days * 86_400_000;
  const path = `/checks/${encodeURIComponent(check.agent_id)}/${encodeURIComponent(check.check_id)}`;
  const history = useData(() => api<{ intervals: Interval[] }>(`${path}/history?from=${fromMs}&to=${toMs}`), [path, days]);
  const samples = useData(() => api<{ samples: Array<{ at_ms: number; metrics: Record<string, number> }> }>(`${path}/samples?from=${fromMs}&to=${toMs}`), [path, days]);
  useLive(['state'], history.reload);
  const metric = mainMetric(check.last_result?.metrics);
  const values = metric ? (samples.data?.samples ?? []).map((s) => s.metrics[metric]).filter((v): v is number => typeof v === 'number') : [];
  if (metric && typeof check.last_result?.metrics[metric] === 'number') values.push(check.last_result.metrics[metric]);
  return (
    <Section title={`${check.check_id} (${check.check_type})`}>
      <p>
        <StateBadge state={check.state} /> {check.since_ms && <span class="muted">{t('tg.since')} {fmtDateTime(check.since_ms)}</span>}
      </p>
      <p class="msg">{messageOf(check)}</p>
      {metric && (
        <p class="spark-row">
          <span class="muted">{metric}</span> <Sparkline values={values} label={metric} />
        </p>
      )}
      {history.data ? <StateTimeline intervals={history.data.intervals} fromMs={fromMs} toMs={toMs} label={`${t('tg.history')} ${check.check_id}`} /> : <Loading error={history.error} />}
      <div class="axis">
        <span>{fmtDateTime(fromMs)}</span>
        <span>{fmtDateTime(toMs)}</span>
      </div>
    </Section>
  );
}
