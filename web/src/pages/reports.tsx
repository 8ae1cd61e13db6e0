/** SLA and reports: per contract and month, availability per target vs target, downtime used vs allowed, compliance by severity; downloads; the report schedules' state. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { lang, t } from '../i18n';
import { currentPeriod, fmtDate, fmtDuration, fmtPercent } from '../time';
import { Field, Loading, Section, useData } from '../ui';
import { ReportSchedules } from './report-schedules';
import type { Compliance, SlaSummary } from './types';

const FORMATS = ['pdf', 'xlsx', 'csv', 'html'] as const;

const pct = (c: Compliance) => (c.compliance_percent === null ? '—' : `${c.compliance_percent.toFixed(1)} % (${c.met}/${c.with_target})`);

export function ReportsPage() {
  const [period, setPeriod] = useState(currentPeriod());
  const [date, setDate] = useState(fmtDate(Date.now()));
  const [number, setNumber] = useState('');
  const summary = useData(() => api<SlaSummary>(`/sla/summary?period=${period}`), [period]);
  const l = lang();
  return (
    <div class="stack">
      <h1>{t('rp.title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('rp.period')}>
          <input type="month" value={period} onChange={(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)} />
        </Field>
      </form>
      {!summary.data ? (
        <Loading error={summary.error} />
      ) : (
        summary.data.contracts.map((c) => (
          <Section
            title={`${c.name} · ${period}`}
            actions={
              <span class="buttons">
                {FORMATS.map((f) => (
                  <a class="button" href={`/api/v1/reports/sla?period=${period}&contract=${encodeURIComponent(c.name)}&format=${f}&lang=${l}`} download data-report="sla" data-format={f}>
                    {t('rp.sla')} {f.toUpperCase()}
                  </a>
                ))}
              </span>
            }
          >
            <div class="table-wrap">
              <table>
                <caption class="sr-only">{c.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('rp.member')}</th>
                    <th scope="col">{t('rp.availability')}</th>
                    <th scope="col">{t('rp.targetPct')}</th>
                    <th scope="col">{t('rp.downtime')}</th>
                    <th scope="col">{t('rp.allowed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.members.map((m) => (
                    <tr class={m.target_met === false ? 'bad' : ''}>
                      <th scope="row">{m.target}</th>
                      <td>{fmtPercent(m.availability_percent)}</td>
                      <td>{fmtPercent(m.target_percent)}</td>
                      <td>{m.downtime_s === null ? '—' : fmtDuration(m.downtime_s, l)}</td>
                      <td>{m.allowed_downtime_s === null ? '—' : fmtDuration(m.allowed_downtime_s, l)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3>{t('rp.compliance')}</h3>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('inc.severity')}</th>
                    <th scope="col">{t('rp.total')}</th>
                    <th scope="col">{t('inc.response')}</th>
                    <th scope="col">{t('inc.resolution')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(c.incidents.by_severity).map(([s, v]) => (
                    <tr>
                      <th scope="row">{t(`sev.${s}` as 'sev.P1')}</th>
                      <td>{v.total}</td>
                      <td>{pct(v.response)}</td>
                      <td>{pct(v.resolution)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="muted">
              {t('rp.mtta')}: {c.incidents.mtta_s === null ? '—' : fmtDuration(c.incidents.mtta_s, l)} · {t('rp.mttr')}: {c.incidents.mttr_s === null ? '—' : fmtDuration(c.incidents.mttr_s, l)}
            </p>
          </Section>
        ))
      )}
      <Section title={t('rp.inspection')}>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('rp.date')}>
            <input type="date" value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
          </Field>
        </form>
        <p class="buttons">
          {FORMATS.map((f) => (
            <a class="button" href={`/api/v1/reports/inspection?date=${date}&format=${f}&lang=${l}`} download data-report="inspection" data-format={f}>
              {t('rp.inspection')} {f.toUpperCase()}
            </a>
          ))}
        </p>
      </Section>
      <Section title={t('rp.fault')}>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('rp.incident')}>
            <input value={number} placeholder="INC-20261205-0001" onInput={(e) => setNumber(e.currentTarget.value.trim())} />
          </Field>
        </form>
        {/^INC-\d{8}-\d{4,}$/.test(number) && (
          <p class="buttons">
            {FORMATS.map((f) => (
              <a class="button" href={`/api/v1/reports/fault/${number}?format=${f}&lang=${l}`} download data-report="fault" data-format={f}>
                {t('rp.fault')} {f.toUpperCase()}
              </a>
            ))}
          </p>
        )}
      </Section>
      <ReportSchedules />
    </div>
  );
}
