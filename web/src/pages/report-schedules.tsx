/** The state of the report schedules on the SLA page: what each one sends, when it runs next, how its last run went. */
import { api } from '../api';
import { t, type Key } from '../i18n';
import { fmtDateTime } from '../time';
import { Loading, Section, useData } from '../ui';

interface ScheduleState {
  report: 'sla' | 'inspection';
  contract: string | null;
  period: 'month' | 'quarter' | null;
  cron: string;
  time_zone: string;
  formats: string[];
  write: boolean;
  channels: string[];
  next_run_at_ms: number | null;
  last_run: {
    started_at_ms: number;
    finished_at_ms: number;
    outcome: 'ok' | 'partial' | 'failed';
    error: string | null;
    files: string[];
    written: boolean;
    deliveries: Array<{ channel: string; ok: boolean; error: string | null }>;
  } | null;
}

const KIND: Record<string, Key> = { inspection: 'rs.inspection', month: 'rs.slaMonth', quarter: 'rs.slaQuarter' };
const OUTCOME_CLASS = { ok: 'verdict-pass', partial: 'verdict-warn', failed: 'verdict-fail' } as const;

export function ReportSchedules() {
  const data = useData(() => api<{ items: ScheduleState[] }>('/reports/schedules'), []);
  return (
    <Section title={t('rs.title')}>
      {!data.data ? (
        <Loading error={data.error} />
      ) : data.data.items.length === 0 ? (
        <p class="muted">{t('rs.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="schedules">
            <caption class="sr-only">{t('rs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rs.report')}</th>
                <th scope="col">{t('rs.contract')}</th>
                <th scope="col">{t('rs.when')}</th>
                <th scope="col">{t('rs.next')}</th>
                <th scope="col">{t('rs.last')}</th>
                <th scope="col">{t('rs.delivered')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.items.map((s) => {
                const last = s.last_run;
                return (
                  <tr data-schedule={`${s.report}:${s.contract ?? '*'}`} data-outcome={last?.outcome ?? 'never'}>
                    <th scope="row">
                      {t(KIND[s.report === 'sla' ? (s.period ?? 'month') : 'inspection']!)} <span class="muted">{s.formats.map((f) => f.toUpperCase()).join(' ')}</span>
                    </th>
                    <td>{s.report === 'inspection' ? '—' : (s.contract ?? t('rs.allContracts'))}</td>
                    <td>
                      <code>{s.cron}</code> <span class="muted">{s.time_zone}</span>
                    </td>
                    <td>{fmtDateTime(s.next_run_at_ms)}</td>
                    <td>
                      {last ? (
                        <>
                          {fmtDateTime(last.started_at_ms)} <span class={`badge ${OUTCOME_CLASS[last.outcome]}`}>{t(`rs.${last.outcome}` as Key)}</span>
                          {last.error && <div class="muted schedule-error">{last.error}</div>}
                        </>
                      ) : (
                        <span class="muted">{t('rs.never')}</span>
                      )}
                    </td>
                    <td>
                      {last ? (
                        <ul class="plain">
                          {s.write && <li>{last.written ? '✓' : '✗'} {t('rs.dir')}</li>}
                          {last.deliveries.map((d) => (
                            <li title={d.error ?? undefined}>
                              {d.ok ? '✓' : '✗'} {d.channel}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span class="muted">{[...(s.write ? [t('rs.dir')] : []), ...s.channels].join(', ') || '—'}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
