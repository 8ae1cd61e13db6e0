/** A customer's status page (per-contract secret link, no login): services now, this month's availability, incidents. */
import { api } from '../api';
import { t } from '../i18n';
import { fmtDateTime, fmtPercent } from '../time';
import { Loading, SevBadge, StateBadge, StatusBadge, useData } from '../ui';

interface Status {
  contract: string;
  period: string;
  time_zone: string | null;
  availability_target: number;
  generated_at_ms: number;
  targets: Array<{ target: string; state: string | null; since_ms: number | null; availability_percent: number | null; target_met: boolean | null }>;
  incidents: Array<{ number: string; title: string; severity: string; status: string; target: string | null; opened_at_ms: number; resolved_at_ms: number | null; response: { met: boolean | null; breached: boolean }; resolution: { met: boolean | null; breached: boolean } }>;
}

const outcome = (o: { met: boolean | null; breached: boolean }) => (o.met === true ? t('inc.met') : o.met === false || o.breached ? t('inc.breached') : '…');

export function StatusPage({ secret }: { secret: string }) {
  const status = useData(() => api<Status>(`/status/${encodeURIComponent(secret)}`, { quiet401: true }), [secret]);
  if (!status.data) return <main class="page">{<Loading error={status.error} />}</main>;
  const s = status.data;
  const bad = s.targets.some((x) => x.state === 'crit' || x.state === 'warn');
  return (
    <main class="page status-page stack">
      <h1>{t('st.title', { contract: s.contract })}</h1>
      <p class={`notice ${bad ? 'warn' : 'ok'}`} role="status">
        {bad ? t('st.someDown') : t('st.allOk')}
      </p>
      <section class="card">
        <h2>{t('st.month', { period: s.period, target: fmtPercent(s.availability_target) })}</h2>
        <ul class="status-targets">
          {s.targets.map((x) => (
            <li>
              <span class="name">{x.target}</span> <StateBadge state={x.state} /> <strong class={x.target_met === false ? 'bad' : ''}>{fmtPercent(x.availability_percent)}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('st.incidents')}</h2>
        {s.incidents.length === 0 ? (
          <p class="muted">{t('empty')}</p>
        ) : (
          <ul class="plain">
            {s.incidents.map((i) => (
              <li>
                <strong>{i.number}</strong> {i.title} <SevBadge severity={i.severity} /> <StatusBadge status={i.status} />
                <div class="muted">
                  {fmtDateTime(i.opened_at_ms)} · {t('inc.response')}: {outcome(i.response)} · {t('inc.resolution')}: {outcome(i.resolution)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p class="muted">{t('st.generated', { at: fmtDateTime(s.generated_at_ms), tz: s.time_zone ?? '' })}</p>
    </main>
  );
}

