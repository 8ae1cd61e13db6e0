/** 总览: per contract availability month to date vs target, error budget, open incidents by severity, agents, target grid. */
import { api } from '../api';
import { lang, t } from '../i18n';
import { useLive } from '../live';
import { href } from '../route';
import { currentPeriod, fmtPercent } from '../time';
import { useEffect } from 'preact/hooks';
import { Loading, Section, useData } from '../ui';
import type { Agent, Incident, SlaSummary, TargetRow } from './types';

/** Maintenance windows start and end by themselves (no state event): the grid is re-read this often. */
const MAINTENANCE_REFRESH_MS = 60_000;

interface Health {
  warnings: string[];
}

export function OverviewPage() {
  const period = currentPeriod();
  const summary = useData(() => api<SlaSummary>(`/sla/summary?period=${period}`), [period]);
  const targets = useData(() => api<{ targets: TargetRow[] }>('/targets'), []);
  const agents = useData(() => api<{ agents: Agent[] }>('/agents'), []);
  const open = useData(() => api<{ items: Incident[]; total: number }>(`/incidents?status=open,acknowledged&limit=500&lang=${lang()}`), []);
  const health = useData(() => fetch('/healthz').then((r) => r.json() as Promise<Health>), []);
  useLive(['state'], () => (targets.reload(), summary.reload()));
  useLive(['incident'], () => (open.reload(), summary.reload()));
  useLive(['agent'], agents.reload);
  useEffect(() => {
    const timer = setInterval(targets.reload, MAINTENANCE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [targets.reload]);
  const bySeverity = (items: Incident[]) => ['P1', 'P2', 'P3', 'P4'].map((s) => [s, items.filter((i) => i.severity === s).length] as const);
  const warnings = (health.data?.warnings ?? []).filter((w) => /holiday|节假日|calendar/i.test(w));

  return (
    <div class="stack">
      <h1>{t('nav.overview')}</h1>
      {warnings.length > 0 && (
        <div class="notice warn" role="note">
          <strong>{t('ov.warnings')}</strong>
          <ul>
            {warnings.map((w) => (
              <li>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="grid cards">
        {summary.data ? (
          summary.data.contracts.length === 0 ? (
            <p class="muted">{t('ov.noContracts')}</p>
          ) : (
            summary.data.contracts.map((c) => {
              // The contract as a whole (Σ up / Σ measured of its members), the figure of the SLA report.
              const whole = c.availability.availability_percent;
              const left = c.availability.error_budget_left_percent;
              const budget = left === null ? null : Math.max(0, left);
              const openOf = (open.data?.items ?? []).filter((i) => i.sla?.contract === c.name);
              const ok = c.availability.target_met !== false;
              return (
                <section class={`card contract ${ok ? 'ok' : 'bad'}`} aria-label={t('ov.contract', { name: c.name })}>
                  <h2>{t('ov.contract', { name: c.name })}</h2>
                  <div class="kpi">
                    <span class="kpi-label">{t('ov.availability')}</span>
                    <span class="kpi-value">{fmtPercent(whole)}</span>
                    <span class="kpi-sub">{t('ov.target', { target: fmtPercent(c.availability_target) })}</span>
                  </div>
                  <div class="kpi">
                    <span class="kpi-label">{t('ov.budget')}</span>
                    <span class="kpi-value">{budget === null ? '—' : `${budget.toFixed(1)} %`}</span>
                    <meter min={0} max={100} value={budget ?? 0} aria-label={t('ov.budget')} />
                  </div>
                  <div class="sev-row" aria-label={t('ov.openBySeverity')}>
                    {bySeverity(openOf).map(([s, n]) => (
                      <a class={`badge sev-${s}`} href={href(`incidents?severity=${s}&contract=${encodeURIComponent(c.name)}`)}>
                        {s} {n}
                      </a>
                    ))}
                  </div>
                </section>
              );
            })
          )
        ) : (
          <Loading error={summary.error} />
        )}
        <section class="card">
          <h2>{t('ov.openBySeverity')}</h2>
          <div class="sev-row">
            {bySeverity(open.data?.items ?? []).map(([s, n]) => (
              <a class={`badge sev-${s}`} href={href(`incidents?severity=${s}`)}>
                {s} {n}
              </a>
            ))}
          </div>
          <h2>{t('ov.agents')}</h2>
          {agents.data ? (
            <p>
              <a href={href('agents')}>
                <span class="badge state-ok">{t('ov.online', { n: agents.data.agents.filter((a) => a.online).length })}</span>{' '}
                <span class="badge state-crit">{t('ov.offline', { n: agents.data.agents.filter((a) => !a.online).length })}</span>
              </a>
            </p>
          ) : (
            <Loading error={agents.error} />
          )}
        </section>
      </div>
      <Section title={t('ov.targets')}>
        {targets.data ? (
          <ul class="tiles">
            {targets.data.targets.map((tg) => {
              const state = tg.maintenance ? 'maintenance' : (tg.state ?? 'none');
              return (
                <li>
                  <a class={`tile state-${state}`} href={href(`targets/${encodeURIComponent(tg.target)}`)} data-target={tg.target} data-state={state} title={t(`state.${state}` as 'state.ok')}>
                    <span class="tile-name">{tg.target}</span>
                    <span class="tile-state">{t(`state.${state}` as 'state.ok')}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        ) : (
          <Loading error={targets.error} />
        )}
      </Section>
    </div>
  );
}
