/** 总览: per contract availability month to date vs target, error budget, open incidents by severity, agents, target grid. */
import { api } from '../api';
import { lang, t } from '../i18n';
import { useLive } from '../live';
import { href } from '../route';
import { currentPeriod, fmtPercent } from '../time';
import { Loading, Section, useData } from '../ui';
import type { Agent, Incident, MaintenanceWindow, SlaSummary, TargetRow } from './types';
import { activeMaintenanceTargets } from './types';

interface Health {
  warnings: string[];
}

export function OverviewPage() {
  const period = currentPeriod();
  const summary = useData(() => api<SlaSummary>(`/sla/summary?period=${period}`), [period]);
  const targets = useData(() => api<{ targets: TargetRow[] }>('/targets'), []);
  const agents = useData(() => api<{ agents: Agent[] }>('/agents'), []);
  const open = useData(() => api<{ items: Incident[]; total: number }>(`/incidents?status=open,acknowledged&limit=500&lang=${lang()}`), []);
  const maintenance = useData(() => api<{ items: MaintenanceWindow[] }>('/maintenance'), []);
  const health = useData(() => fetch('/healthz').then((r) => r.json() as Promise<Health>), []);
  useLive(['state'], () => (targets.reload(), summary.reload()));
  useLive(['incident'], () => (open.reload(), summary.reload()));
  useLive(['agent'], agents.reload);

  const inMaintenance = activeMaintenanceTargets(maintenance.data?.items ?? [], Date.now());
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
              const measured = c.members.filter((m) => m.availability_percent !== null);
              const worst = measured.length ? Math.min(...measured.map((m) => m.availability_percent as number)) : null;
              const allowed = c.members.reduce((s, m) => s + (m.allowed_downtime_s ?? 0), 0);
              const used = c.members.reduce((s, m) => s + (m.downtime_s ?? 0), 0);
              const budget = allowed > 0 ? Math.max(0, (1 - used / allowed) * 100) : null;
              const openOf = (open.data?.items ?? []).filter((i) => i.sla?.contract === c.name);
              const ok = worst === null || worst >= c.availability_target;
              return (
                <section class={`card contract ${ok ? 'ok' : 'bad'}`} aria-label={t('ov.contract', { name: c.name })}>
                  <h2>{t('ov.contract', { name: c.name })}</h2>
                  <div class="kpi">
                    <span class="kpi-label">{t('ov.availability')}</span>
                    <span class="kpi-value">{fmtPercent(worst)}</span>
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
              const state = inMaintenance.has(tg.target) ? 'maintenance' : (tg.state ?? 'none');
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
